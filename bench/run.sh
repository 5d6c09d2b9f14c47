#!/usr/bin/env bash
# Qiandao's benchmark suite, one command (Debian 12, as root, from anywhere):
#
#     bash bench/run.sh
#
# Builds build/bench (Release, no tests) if needed, installs nginx-light if missing, then
# measures the references on this machine first (nginx answering a fixed response, SQLite in
# WAL + synchronous=FULL), then Qiandao, and prints ONE table with ratios and target verdicts.
# Figures only: nothing here fails on time. All traffic stays on 127.0.0.1. Two to four
# minutes once built. bench/README.md says what each row means. The whole log is kept in
# build/bench/bench-last.log.
#
# Knobs (environment): BENCH_BIN (measure another qiandao binary), BENCH_SECONDS (per load
# level, default 5), BENCH_BOARD_SECONDS (per board count, default 8), BENCH_BOARDS (default
# 100,1000,5000).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD=build/bench
BIN=${BENCH_BIN:-$BUILD/server/qiandao}
TOOLS=$BUILD/bench
LEVEL_SECONDS=${BENCH_SECONDS:-5}
BOARD_SECONDS=${BENCH_BOARD_SECONDS:-8}
BOARDS=${BENCH_BOARDS:-100,1000,5000}
LOG=$BUILD/bench-last.log

install_nginx() {
  command -v nginx >/dev/null && return
  echo "== installing nginx-light (the fixed-response reference)"
  apt-get update -qq
  if apt-cache policy nginx-light | grep -q 'Candidate: [0-9]'; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
  else
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  fi
}

build() {
  echo "== building $BUILD (Release)"
  if [[ ! -f $BUILD/CMakeCache.txt ]]; then
    cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DQIANDAO_TESTS=OFF >/dev/null
  fi
  # Up to date in seconds when nothing changed; never measure a stale binary.
  if ! cmake --build "$BUILD" -j2 >"$BUILD/bench-build.log" 2>&1; then
    grep -E 'error|Error' "$BUILD/bench-build.log" | head -20
    echo "bench/run.sh: the build failed (whole log: $BUILD/bench-build.log); nothing measured" >&2
    exit 1
  fi
  for t in "$BIN" "$TOOLS"/{bench_fixture,checkin_load,board_latency,startup_time,sqlite_baseline}; do
    [[ -x $t ]] || { echo "bench/run.sh: $t was not built" >&2; exit 1; }
  done
}

install_nginx
build
mkdir -p "$BUILD"
WORK=$(mktemp -d /tmp/qiandao-bench.XXXXXX)
cleanup() {
  # nginx runs inside a step's subshell; its own pid file names the master if a step died.
  if [[ -f $WORK/nginx/nginx.pid ]]; then kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true; sleep 0.5; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
: >"$LOG"
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
STARTED=$(date +%s)
say() { echo "$@" | tee -a "$LOG"; }

# Copies a fixture database with its codes and token under a new name.
copy_fixture() { for s in "" .codes .token; do cp "$1$s" "$2$s"; done; }

# Runs a step into the log (the console gets it without the RESULT lines); a failing step
# is reported and the table shows n/a for its rows.
step() {
  say "== $1"
  shift
  set +e
  "$@" 2>&1 | tee -a "$LOG" | grep -v '^RESULT '
  local rc=${PIPESTATUS[0]}
  set -e
  [[ $rc == 0 ]] || say "!! step failed (exit $rc): $*"
}

free_port() {
  local p
  for p in $(seq 18080 18180); do
    ss -ltnH "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
  echo "bench/run.sh: no free port in 18080-18180" >&2
  exit 1
}

nginx_reference() {
  local dir=$WORK/nginx port
  port=$(free_port)
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<EOF
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_timeout 65s;
  keepalive_requests 1000000;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 127.0.0.1:$port;
    location / {
      default_type application/json;
      return 200 '{"ok":true}';
    }
  }
}
EOF
  nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' &
  local pid=$!
  for _ in $(seq 50); do
    ss -ltnH "sport = :$port" | grep -q . && break
    sleep 0.1
  done
  echo "nginx $(nginx -v 2>&1 | sed 's/.*\///') pid $pid on 127.0.0.1:$port, $(nproc) workers"
  "$TOOLS/checkin_load" fixed "$port" --levels 1,8,64,256 --seconds "$LEVEL_SECONDS" --tag nginx \
    --pids "$(pgrep -P "$pid" | paste -sd,)"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

binary_sizes() {
  strip -o "$WORK/qiandao.stripped" "$BIN"
  echo "RESULT size_bytes $(stat -c %s "$BIN")"
  echo "RESULT size_stripped_bytes $(stat -c %s "$WORK/qiandao.stripped")"
}

fixtures() {
  "$TOOLS/bench_fixture" "$WORK/load.fixture.db" 300000
  "$TOOLS/bench_fixture" "$WORK/small.fixture.db" 100000
}

say "Qiandao benchmarks — $(date -Is), $(nproc) cores, load average $LOAD_BEFORE"
step "fixtures: 300,000 tickets for the load runs, 100,000 registrations for the others" fixtures
copy_fixture "$WORK/load.fixture.db" "$WORK/load.db"
copy_fixture "$WORK/small.fixture.db" "$WORK/onecommit.db"
copy_fixture "$WORK/small.fixture.db" "$WORK/board.db"

say "== references"
step "nginx fixed response, same client" nginx_reference
step "SQLite WAL + synchronous=FULL" "$TOOLS/sqlite_baseline" "$WORK" 2

say "== Qiandao"
step "check-ins at 1, 8, 64, 256 kiosk connections" \
  "$TOOLS/checkin_load" checkins "$BIN" "$WORK/load.db" --levels 1,8,64,256 --seconds "$LEVEL_SECONDS"
step "one commit per request (--max-batch 1)" \
  "$TOOLS/checkin_load" checkins "$BIN" "$WORK/onecommit.db" --levels 64 --seconds "$LEVEL_SECONDS" \
  --max-batch 1 --tag onecommit
step "board memory and commit-to-board latency" \
  "$TOOLS/board_latency" "$BIN" "$WORK/board.db" --boards "$BOARDS" --rate 2000 --kiosks 16 \
  --seconds "$BOARD_SECONDS" --memory-boards 5000
step "start-up on 100,000 registrations" "$TOOLS/startup_time" "$BIN" "$WORK/small.fixture.db" 5
step "binary size" binary_sizes

{
  echo "RESULT elapsed_s $(($(date +%s) - STARTED))"
  echo "RESULT load_before $LOAD_BEFORE"
  echo "RESULT load_after $(cut -d' ' -f1 /proc/loadavg)"
  echo "RESULT cores $(nproc)"
} >>"$LOG"
say
bash bench/table.sh "$LOG" | tee -a "$LOG"
