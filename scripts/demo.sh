#!/usr/bin/env bash
# One command: install, build, and serve the demo programme on http://127.0.0.1:8080
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
bash scripts/build.sh release
db="${QIANDAO_DEMO_DB:-qiandao-demo.db}"
exec build/release/server/qiandao serve --db "$db" --listen "${QIANDAO_LISTEN:-127.0.0.1:8080}" --demo
