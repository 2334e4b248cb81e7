"""Shared test setup: the course's helper modules import the way the notebooks import them."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT / "utils", ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
