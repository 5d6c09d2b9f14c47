#!/usr/bin/env bash
# Builds the binary (and the tests) with a CMake preset: release, ci, dev or asan.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"

if [[ -f package-lock.json ]]; then
  # The web pages' npm packages are embedded in the binary: fetch them first.
  npm ci --no-audit --no-fund --loglevel=error
fi
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j"$(nproc)"
