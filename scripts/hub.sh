#!/usr/bin/env bash
# The course on a local JupyterHub (root needed): accounts grace (instructor), ada and bob (students),
# nbgrader's shared exchange, the formgrader for the instructor only. Prints the passwords, then runs
# the hub on http://127.0.0.1:8000 until Ctrl+C. `bash scripts/hub.sh remove` deletes the accounts and
# /srv/dnn-course-hub; `bash scripts/hub.sh check` says what this machine lacks. Extra arguments go to
# `python -m autograder.hub` (for example --root DIR, --port N).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
command=${1:-up}
[ $# -gt 0 ] && shift
exec python -m autograder.hub "$command" "$@"
