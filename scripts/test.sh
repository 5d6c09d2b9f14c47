#!/usr/bin/env bash
# One command: install, build (warnings as errors), and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --test
bash scripts/build.sh ci
ctest --preset ci -j2
if [[ -x tests/browser/run.sh ]]; then
  bash tests/browser/run.sh "$PWD/build/ci/server/qiandao"
fi
