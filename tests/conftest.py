"""Shared test setup: the expected numbers are those of the open data set.

The course's modules are imported by package name (``autograder``, ``coursekit``,
``coursetools``), installed editable into the environment by ``scripts/setup.sh``.
"""

import os

# The solved notebooks and the expected numbers are those of the open data set, even on a
# machine where an instructor has added the classic files to datasets/.
os.environ.setdefault("CATVNONCAT_SOURCE", "open")
