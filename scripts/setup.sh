#!/usr/bin/env bash
# Set up everything buildtrace needs, idempotently:
#   - a virtual environment in .venv/ with buildtrace installed (editable) and its dev tools;
#   - Graphviz's `dot`, installed with apt when it is missing and we are allowed to;
#   - Chromium, the same way: the test of `buildtrace serve` drives it headless.
# Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
  command -v apt-get >/dev/null || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 && return 0
  as_root apt-get update -qq >/dev/null 2>&1 || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}

if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "buildtrace needs Python 3.11 or newer (found: $("$PY" --version 2>&1)). Set PYTHON=/path/to/python3.11." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv ..."
  if ! "$PY" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    apt_install python3-venv || { echo "Could not create a virtual environment: install python3-venv (apt-get install python3-venv)." >&2; exit 1; }
    "$PY" -m venv .venv
  fi
fi

stamp=.venv/.buildtrace-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "Installing buildtrace and its tools into .venv ..."
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  touch "$stamp"
fi

# The real Keras 2 engine (--engine tf-keras) is an optional extra: installed where
# TensorFlow 2.21 publishes wheels (Linux x86_64/aarch64, Python 3.11-3.12), skipped
# elsewhere, and never a reason for setup to fail (its tests skip without it).
tf_stamp=.venv/.buildtrace-tf-keras
if [ ! -f "$tf_stamp" ] || [ pyproject.toml -nt "$tf_stamp" ]; then
  if .venv/bin/python -c 'import platform, sys; sys.exit(not (platform.system() == "Linux" and platform.machine() in ("x86_64", "aarch64") and (3, 11) <= sys.version_info[:2] <= (3, 12)))'; then
    echo "Installing the tf-keras engine (TensorFlow, CPU) into .venv ..."
    if .venv/bin/python -m pip install -q -e '.[dev,tf-keras]'; then
      touch "$tf_stamp"
    else
      echo "Could not install the tf-keras engine; buildtrace works without it (--engine tf-keras and its tests are skipped)." >&2
    fi
  else
    echo "No TensorFlow wheels for this platform: the tf-keras engine is skipped (its tests too)."
    touch "$tf_stamp"
  fi
fi

if ! command -v dot >/dev/null; then
  echo "Graphviz's dot is missing: installing it with apt ..."
  if ! apt_install graphviz; then
    echo "Could not install Graphviz automatically. Install it yourself (Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install graphviz)." >&2
    echo "buildtrace still works without it: diagrams are written as DOT text." >&2
  fi
fi

if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null && ! command -v google-chrome >/dev/null; then
  echo "Chromium is missing (the test of \`buildtrace serve\` opens the viewer in it): installing it with apt ..."
  if ! apt_install chromium; then
    echo "Could not install Chromium automatically. Install it yourself (Debian/Ubuntu: sudo apt-get install chromium)." >&2
    echo "buildtrace still works without it; only the browser test of \`buildtrace serve\` is skipped." >&2
  fi
fi
