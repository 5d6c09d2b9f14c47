#!/usr/bin/env bash
# Qiandao's benchmark suite, one command (Debian 12, as root, from anywhere):
#
#     bash bench/run.sh
#
# Builds build/bench (Release, no tests) if needed, installs nginx-light (and PostgreSQL 15)
# if missing, then measures the references on this machine first (nginx answering a fixed
# response, SQLite in WAL + synchronous=FULL), then Qiandao on SQLite, then a PostgreSQL 15
# section on a throwaway cluster of its own (pgbench running Qiandao's check-in SQL, then
# Qiandao on PostgreSQL), and prints ONE table with ratios and target verdicts.
# Figures only: nothing here fails on time. All traffic stays on 127.0.0.1. bench/README.md
# says what each row means and how long it takes. The whole log is kept in
# build/bench/bench-last.log.
#
# Knobs (environment): BENCH_BIN (measure another qiandao binary), BENCH_SECONDS (per load
# level and per pgbench run, default 5), BENCH_BOARD_RATES (paced check-ins/s of the board
# rows, default 10,200), BENCH_BOARD_SECONDS (each board row, per rate, default 8,4),
# BENCH_BOARDS (default 100,1000,5000), BENCH_PG_TICKETS (tickets in the PostgreSQL fixture,
# default 100000), BENCH_ONLY=postgresql (only the PostgreSQL section) or BENCH_ONLY=board
# (only the board step: memory, kiosks vs boards, board latency, the reference broadcaster)
# or BENCH_ONLY=scale (runs bench/scale.sh instead: several instances, issue 13); the default
# runs everything (not bench/scale.sh).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD=build/bench
BIN=${BENCH_BIN:-$BUILD/server/qiandao}
TOOLS=$BUILD/bench
LEVEL_SECONDS=${BENCH_SECONDS:-5}
BOARD_SECONDS=${BENCH_BOARD_SECONDS:-8,4}
BOARD_RATES=${BENCH_BOARD_RATES:-10,200}
BOARDS=${BENCH_BOARDS:-100,1000,5000}
LOG=$BUILD/bench-last.log
ONLY=${BENCH_ONLY:-}
PG_TICKETS=${BENCH_PG_TICKETS:-100000}
PGBIN=/usr/lib/postgresql/15/bin
PG_CLUSTER=tests/support/pg_cluster.sh
case $ONLY in
  "" | postgresql | board) ;;
  scale) exec bash bench/scale.sh ;;  # issue 13's several-instances run: a script and table of its own
  *) echo "bench/run.sh: BENCH_ONLY must be empty (everything), postgresql, board or scale" >&2; exit 2 ;;
esac
# shellcheck source=bench/common.sh
source bench/common.sh

build() { build_bench "$TOOLS"/{bench_fixture,checkin_load,board_latency,startup_time,sqlite_baseline}; }

[[ -n $ONLY ]] || install_nginx
[[ $ONLY == board ]] || install_postgres
build
mkdir -p "$BUILD"
WORK=$(mktemp -d /tmp/qiandao-bench.XXXXXX)
cleanup() {
  # nginx runs inside a step's subshell; its own pid file names the master if a step died.
  if [[ -f $WORK/nginx/nginx.pid ]]; then kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true; sleep 0.5; fi
  # The PostgreSQL cluster of this run, whatever state the run died in.
  if [[ -d $WORK/pg ]]; then
    bash "$PG_CLUSTER" stop "$WORK/pg" >/dev/null || echo "bench/run.sh: could not stop the cluster in $WORK/pg" >&2
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
: >"$LOG"
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
STARTED=$(date +%s)

# Copies a fixture database with its codes and token under a new name.
copy_fixture() { for s in "" .codes .token; do cp "$1$s" "$2$s"; done; }

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

# The cluster, the fixture and two copies of it: one for pgbench (with the helper table of
# ticket codes and the sequence that hands them out), one for Qiandao; then the batched
# pgbench script.
pg_setup() {
  set -e
  pg_cluster_fixture pgbench qiandao
  # The batched shape: the one-scan block of bench/pg_checkin.sql 64 times in one transaction.
  awk '/^-- block begins/ { inblock = 1; next } /^-- block ends/ { inblock = 0; next } inblock' \
    bench/pg_checkin.sql >"$WORK/pg_block.sql"
  {
    echo "-- generated by bench/run.sh from bench/pg_checkin.sql: 64 scans in one transaction"
    echo "BEGIN;"
    for _ in $(seq 64); do cat "$WORK/pg_block.sql"; done
    echo "COMMIT;"
  } >"$WORK/pg_checkin_batched.sql"
  [[ $(grep -c '^INSERT INTO audit_log' "$WORK/pg_checkin_batched.sql") == 64 ]] ||
    { echo "bench/run.sh: could not build the batched script from bench/pg_checkin.sql" >&2; return 1; }
}

pg_qiandao() {
  set -e
  local url
  url=$(pg_base)
  psql_pg -d "$url/qiandao" -c CHECKPOINT
  "$TOOLS/checkin_load" checkins "$BIN" "$url/qiandao" --levels 1,8,64,256 --seconds "$LEVEL_SECONDS" \
    --tag pgcheckin --fixture "$WORK/pg-fixture" --cluster-pid "$(postmaster_pid)"
}

postgresql_section() {
  say "== PostgreSQL 15 (a cluster of this run's own, fsync and synchronous_commit on)"
  step "cluster and fixture: $PG_TICKETS tickets, copied for pgbench and for Qiandao" pg_setup
  if [[ ! -f $WORK/pg/url || ! -f $WORK/pg-fixture.token ]]; then
    say "!! no PostgreSQL cluster or fixture: the PostgreSQL rows are not measured"
    return
  fi
  say "== PostgreSQL reference: pgbench -M prepared running Qiandao's check-in SQL (bench/pg_checkin.sql)"
  local c
  for c in 1 8 64; do step "pgbench, one scan a transaction, $c clients" pgbench_run single "$c"; done
  for c in 1 4; do step "pgbench, 64 scans a transaction, $c clients" pgbench_run batched "$c"; done
  say "== Qiandao on PostgreSQL"
  step "check-ins at 1, 8, 64, 256 kiosk connections (PostgreSQL)" pg_qiandao
}

# The board step: memory per idle board, 64 kiosks with 0 and 5,000 boards, board latency at
# each count and rate, then the same board rows against the reference broadcaster (Node `ws`,
# bench/ws_reference.mjs) driven and read by the same client.
board_step() {
  local ref=()
  if command -v node >/dev/null && [[ -d node_modules/ws ]]; then
    ref=(--reference bench/ws_reference.mjs)
  else
    echo "!! node or node_modules/ws missing (npm ci): the reference broadcaster is not measured"
  fi
  "$TOOLS/board_latency" "$BIN" "$WORK/board.db" --boards "$BOARDS" --rates "$BOARD_RATES" --kiosks 16 \
    --seconds "$BOARD_SECONDS" --memory-boards 5000 --kiosk-conns 64 --kiosk-seconds "$LEVEL_SECONDS" \
    --kiosk-boards "${BOARDS##*,}" "${ref[@]}"
}

say "Qiandao benchmarks — $(date -Is), $(nproc) cores, load average $LOAD_BEFORE${ONLY:+ (BENCH_ONLY=$ONLY)}"
if [[ $ONLY == board ]]; then
  step "fixture: 100,000 registrations" "$TOOLS/bench_fixture" "$WORK/small.fixture.db" 100000
  copy_fixture "$WORK/small.fixture.db" "$WORK/board.db"
  say "== Qiandao's live board and the reference broadcaster"
  step "board memory, kiosks vs boards, board latency (Qiandao, then the reference)" board_step
elif [[ -z $ONLY ]]; then
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
  say "== Qiandao's live board and the reference broadcaster"
  step "board memory, kiosks vs boards, board latency (Qiandao, then the reference)" board_step
  step "start-up on 100,000 registrations" "$TOOLS/startup_time" "$BIN" "$WORK/small.fixture.db" 5
  step "binary size" binary_sizes
fi
[[ $ONLY == board ]] || postgresql_section

{
  echo "RESULT elapsed_s $(($(date +%s) - STARTED))"
  echo "RESULT load_before $LOAD_BEFORE"
  echo "RESULT load_after $(cut -d' ' -f1 /proc/loadavg)"
  echo "RESULT cores $(nproc)"
  echo "RESULT pg_tickets $PG_TICKETS"
  [[ $ONLY != postgresql ]] || echo "RESULT only_postgresql 1"
  [[ $ONLY != board ]] || echo "RESULT only_board 1"
} >>"$LOG"
say
bash bench/table.sh "$LOG" | tee -a "$LOG"
