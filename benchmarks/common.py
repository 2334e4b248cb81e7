"""What the benchmarks share: a competing CPU-bound process, to measure grading and training on a busy machine.

The scripts run as ``python benchmarks/<name>.py``, so this folder is first on ``sys.path``.
"""

import subprocess
import sys
import time


class Competitor:
    """One CPU-bound process for the duration of a ``with`` block (started ``settle`` seconds before the block runs)."""

    def __init__(self, settle=0.2):
        self.settle = settle

    def __enter__(self):
        self.process = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        time.sleep(self.settle)
        return self

    def __exit__(self, *exc):
        self.process.kill()
        self.process.wait()
