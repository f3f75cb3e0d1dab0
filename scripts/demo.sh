#!/usr/bin/env bash
# One command: set everything up, then run the flagship demo.
set -eu
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/scripts/setup.sh" "viz,plot,progress"
cd "$here"
"$PY" tutorials/00_flagship_demo.py "$@"
