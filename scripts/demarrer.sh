#!/usr/bin/env bash
# Install, then start the app on http://localhost:8501. Without a database, the app creates
# data/observatoire.duckdb with the referential and the demonstration data on its first start.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/installer.sh requirements.txt
exec .venv/bin/python -m streamlit run app.py --server.headless=true --browser.gatherUsageStats=false "$@"
