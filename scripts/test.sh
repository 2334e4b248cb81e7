#!/usr/bin/env bash
# Set everything up, lint (ruff: style, import order), then run the whole test suite
# (extra arguments go to pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"   # nbgrader calls its helpers (alembic) through PATH
python -m ruff check .
exec python -m pytest "$@"
