#!/usr/bin/env bash
# Create .venv (Python 3.11), install the pinned requirements and the course package in editable mode;
# does nothing when up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
python_bin=${PYTHON:-}
if [ -z "$python_bin" ]; then
  for candidate in python3.11 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1; then python_bin=$candidate; break; fi
  done
fi
version=$("$python_bin" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ "$version" != "3.11" ]; then
  echo "setup: the course is pinned for Python 3.11, but $python_bin is $version (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $python_bin"
  "$python_bin" -m venv .venv
fi
wanted=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat .venv/.requirements.sha256 2>/dev/null)" != "$wanted" ] ||
   ! .venv/bin/python -c "import autograder, coursekit, coursetools" >/dev/null 2>&1; then
  echo "setup: installing requirements.txt and the course package (editable) into .venv (about a minute)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
  echo "$wanted" > .venv/.requirements.sha256
fi
