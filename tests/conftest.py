"""Shared test setup: the course's helper modules import the way the notebooks import them."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT / "utils", ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

# The solved notebooks and the expected numbers are those of the open data set, even on a
# machine where an instructor has added the classic files to datasets/.
os.environ.setdefault("CATVNONCAT_SOURCE", "open")
