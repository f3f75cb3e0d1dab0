#!/usr/bin/env bash
# One command: set everything up (test tools, PyTorch CPU for parity tests, dot,
# Chromium for the stepper's browser test), then run the test suite.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -m "not slow"`.
set -eu
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/scripts/setup.sh" "dev"
cd "$here"
"$PY" -m pip install -q "torch==2.13.0" >/dev/null 2>&1 \
  || echo "test: PyTorch (torch==2.13.0) could not be installed; the parity tests will be skipped"
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  install_system chromium chromium-driver || echo "test: Chromium could not be installed; the browser test will be skipped"
fi
"$PY" -m pytest -q "$@"
