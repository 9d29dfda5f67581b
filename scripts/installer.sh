#!/usr/bin/env bash
# Create .venv (if missing) and install the Python packages of the given requirements file.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements="${1:-requirements.txt}"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv || {
    echo "Impossible de créer l'environnement Python. Sur Debian : sudo apt-get install python3-venv" >&2
    exit 1
  }
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
