#!/usr/bin/env bash
# Set up everything the project needs, on a fresh machine with only Python and pip.
#   - a virtual environment in .venv (or the current Python if venv is unavailable)
#   - the package itself with its extras
#   - the graphviz `dot` program, through the system package manager where possible
# Usage: source scripts/setup.sh [extras]   (extras default to "viz,plot,progress")
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
extras="${1:-viz,plot,progress}"
PY="${PYTHON:-python3}"

if [ -z "${VIRTUAL_ENV:-}" ]; then
  if [ ! -x "$here/.venv/bin/python" ]; then
    if ! "$PY" -m venv "$here/.venv" >/dev/null 2>&1; then
      rm -rf "$here/.venv"
      echo "setup: python3 -m venv is unavailable (Debian/Ubuntu: sudo apt-get install python3-venv);"
      echo "       installing into $("$PY" -c 'import sys; print(sys.prefix)') instead"
      export PIP_BREAK_SYSTEM_PACKAGES=1  # a system Python marked "externally managed" (PEP 668) would refuse
    fi
  fi
  [ -x "$here/.venv/bin/python" ] && PY="$here/.venv/bin/python"
fi
export PY
"$PY" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
piplog="$(mktemp)"
if ! "$PY" -m pip install -q -e "$here[$extras]" >"$piplog" 2>&1; then
  cat "$piplog"; echo "setup: pip could not install the package (its output is above)"
  return 1 2>/dev/null || exit 1
fi
rm -f "$piplog"

install_system() {  # install Debian/Ubuntu/Fedora/macOS packages, quietly, where we are allowed to
  local sudo=""
  [ "$(id -u)" != 0 ] && command -v sudo >/dev/null && sudo="sudo -n"
  if command -v apt-get >/dev/null; then
    $sudo apt-get install -y -q "$@" >/dev/null 2>&1 || { $sudo apt-get update -q >/dev/null 2>&1 && $sudo apt-get install -y -q "$@" >/dev/null 2>&1; }
  elif command -v dnf >/dev/null; then $sudo dnf install -y -q "$@" >/dev/null 2>&1
  elif command -v brew >/dev/null; then brew install "$@" >/dev/null 2>&1
  else return 1
  fi
}
if ! command -v dot >/dev/null; then
  install_system graphviz || true
fi
if ! command -v dot >/dev/null; then
  echo "setup: the graphviz 'dot' program is not installed and could not be installed here."
  echo "       Graph pictures need it: Debian/Ubuntu 'sudo apt-get install graphviz',"
  echo "       macOS 'brew install graphviz', Windows 'winget install graphviz', conda 'conda install graphviz'."
  echo "       Everything else works without it (the DOT text is still written)."
fi
