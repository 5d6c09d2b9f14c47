#!/usr/bin/env bash
# One command: install, build (warnings as errors), and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --test
bash scripts/build.sh ci
ctest --preset ci -j2
bash tests/browser/run.sh "$PWD/build/ci/server/qiandao" --engine sqlite
bash tests/browser/run.sh "$PWD/build/ci/server/qiandao" --engine postgresql
# Each libFuzzer harness (clang, ASan, UBSan) for a short while; scripts/fuzz.sh 600 for a long run.
bash scripts/fuzz.sh "${QIANDAO_FUZZ_SECONDS:-15}"
