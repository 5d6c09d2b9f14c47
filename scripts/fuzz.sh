#!/usr/bin/env bash
# Builds the libFuzzer harnesses (preset "fuzz": clang, ASan, UBSan) and runs each one for
# SECONDS_PER_TARGET seconds on a temporary copy of its seed corpus, one at a time, so the
# repository is left as it was. Prints one line per target; exits 1 if any target crashed
# (the input and the log are kept under build/fuzz/artifacts/).
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET]     # default 20; CI runs it with 15
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
if [[ ! "$seconds" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2
  exit 2
fi

if [[ -f package-lock.json && ! -d node_modules ]]; then
  # The web pages' npm packages are embedded in the binary: fetch them first.
  npm ci --no-audit --no-fund --loglevel=error
fi
cmake --preset fuzz >/dev/null
names=(router json csv validators)
cmake --build --preset fuzz --target "${names[@]/#/fuzz_}"  # the harnesses only, not the binary and bench tools

bin=build/fuzz/tests/fuzz
artifacts=build/fuzz/artifacts
mkdir -p "$artifacts"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

failed=0
for name in "${names[@]}"; do
  cp -r "tests/fuzz/corpus/$name" "$work/$name"
  log="$artifacts/$name.log"
  extra=()
  if [[ -f "tests/fuzz/$name.dict" ]]; then extra+=("-dict=tests/fuzz/$name.dict"); fi
  status=0
  "$bin/fuzz_$name" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=25 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$name-" "${extra[@]}" "$work/$name" \
    >"$log" 2>&1 || status=$?
  runs="$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || true)"
  if [[ -z "$runs" ]]; then runs="$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#' || true)"; fi
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || true)"
  if (( status == 0 )); then
    printf 'fuzz_%-10s ok     %10s runs  cov %s\n' "$name" "${runs:-?}" "${cov:-?}"
  else
    failed=1
    input="$(grep -o 'Test unit written to .*' "$log" | tail -n 1 | sed 's/^Test unit written to //' || true)"
    printf 'fuzz_%-10s CRASH  %10s runs  cov %s  input %s  log %s\n' "$name" "${runs:-?}" "${cov:-?}" \
      "${input:-?}" "$log"
    grep -E -A3 '^== property broken|ERROR: (Address|Undefined|Leak)Sanitizer|runtime error|ERROR: libFuzzer' "$log" \
      | head -n 30 >&2 || true
  fi
done
exit "$failed"
