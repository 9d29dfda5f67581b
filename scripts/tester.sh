#!/usr/bin/env bash
# Install, then run the whole test suite. The browser tests need Debian's chromium (/usr/bin/chromium):
# without it they are skipped, except in CI (CI=true) where they fail.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/installer.sh requirements-dev.txt
exec .venv/bin/python -m pytest -n 2 --dist loadgroup "$@"
