"""nbval runs these notebooks with the open data set (see tests/conftest.py)."""

import os

os.environ.setdefault("CATVNONCAT_SOURCE", "open")
