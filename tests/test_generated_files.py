"""Generated files stay in sync with what generates them."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_public_expected_values_are_up_to_date():
    result = subprocess.run([sys.executable, "tools/make_public_expected.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
