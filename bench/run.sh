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
# (only the board step: memory, kiosks vs boards, board latency, the reference broadcaster);
# the default runs everything.
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
  *) echo "bench/run.sh: BENCH_ONLY must be empty (everything), postgresql or board" >&2; exit 2 ;;
esac

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

install_postgres() {
  [[ -x $PGBIN/pgbench && -x $PGBIN/initdb && -x $PGBIN/psql ]] && return
  echo "== installing postgresql-15 (the PostgreSQL reference: server, psql, pgbench)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 postgresql-client-15 >/dev/null
}

build() {
  # The binary embeds the pages' npm packages, and the reference broadcaster needs `ws`.
  [[ -d node_modules/ws ]] || npm ci --no-audit --no-fund --loglevel=error
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

# ---- PostgreSQL 15: a cluster of this run's own, in $WORK/pg (stopped by cleanup) ----

psql_pg() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
pg_base() { cat "$WORK/pg/url"; }
postmaster_pid() { head -n 1 "$WORK/pg/data/postmaster.pid"; }

# CPU ticks of the whole cluster: the postmaster's own and those of the children it has
# reaped (utime, stime, cutime, cstime: pgbench's backends have exited when it returns), and
# every child alive now (walwriter, checkpointer, …). Fields counted from the ')' that ends
# the command name.
cluster_ticks() {
  local pm t p
  pm=$(postmaster_pid)
  t=$(sed 's/.*) //' "/proc/$pm/stat" | awk '{ print $12 + $13 + $14 + $15 }')
  for p in $(pgrep -P "$pm"); do
    t=$((t + $(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ s = $12 + $13 } END { print s + 0 }')))
  done
  echo "$t"
}

# The cluster, the fixture (bench_fixture on an empty database) and two copies of it: one
# for pgbench (with the helper table of ticket codes and the sequence that hands them out),
# one for Qiandao.
pg_setup() {
  set -e
  bash "$PG_CLUSTER" start "$WORK/pg" >/dev/null
  local url
  url=$(pg_base)
  echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }') at $url, postmaster pid $(postmaster_pid);" \
    "fsync=$(psql_pg -At -d "$url/postgres" -c 'SHOW fsync')," \
    "synchronous_commit=$(psql_pg -At -d "$url/postgres" -c 'SHOW synchronous_commit')," \
    "shared_buffers=$(psql_pg -At -d "$url/postgres" -c 'SHOW shared_buffers')"
  bash "$PG_CLUSTER" createdb "$url" fixture >/dev/null
  "$TOOLS/bench_fixture" "$url/fixture" "$PG_TICKETS" "$WORK/pg-fixture"
  psql_pg -d "$url/fixture" -c "VACUUM ANALYZE"
  psql_pg -d "$url/postgres" -c "CREATE DATABASE pgbench TEMPLATE fixture STRATEGY FILE_COPY" \
    -c "CREATE DATABASE qiandao TEMPLATE fixture STRATEGY FILE_COPY"
  psql_pg -d "$url/pgbench" \
    -c 'CREATE TABLE bench_codes (n BIGINT PRIMARY KEY, code TEXT COLLATE "C" NOT NULL)' \
    -c 'CREATE SEQUENCE bench_pick'
  awk '{ print NR "\t" $0 }' "$WORK/pg-fixture.codes" | psql_pg -d "$url/pgbench" -c '\copy bench_codes FROM pstdin'
  psql_pg -d "$url/pgbench" -c "VACUUM ANALYZE bench_codes"
  echo "pgbench database: $(psql_pg -At -d "$url/pgbench" -c 'SELECT count(*) FROM bench_codes') ticket codes in bench_codes"
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

# pgbench SHAPE CLIENTS: SHAPE single (bench/pg_checkin.sql, one scan a transaction) or
# batched (64 scans a transaction); -M prepared, one pgbench thread, BENCH_SECONDS long.
pgbench_run() {
  local shape=$1 clients=$2 url script per tag
  url=$(pg_base)/pgbench
  case $shape in
    single) script=bench/pg_checkin.sql; per=1 ;;
    batched) script=$WORK/pg_checkin_batched.sql; per=64 ;;
  esac
  tag=pgbench_${shape}_c${clients}_
  psql_pg -d "$url" -c CHECKPOINT
  local checkins0 ticks0 ticks1 checkins1
  checkins0=$(psql_pg -At -d "$url" -c 'SELECT count(*) FROM checkins')
  ticks0=$(cluster_ticks)
  local TIMEFORMAT='%U %S' cpu
  cpu=$( { time "$PGBIN/pgbench" -n -M prepared -f "$script" -D pool="$PG_TICKETS" -c "$clients" -j 1 \
            -T "$LEVEL_SECONDS" -l --log-prefix="$WORK/pgbench-$shape-$clients" "$url" \
            >"$WORK/pgbench.out" 2>&1; } 2>&1 ) || { cat "$WORK/pgbench.out"; return 1; }
  ticks1=$(cluster_ticks)
  checkins1=$(psql_pg -At -d "$url" -c 'SELECT count(*) FROM checkins')
  grep -E '^(number of (transactions actually processed|failed transactions)|latency average|tps)' "$WORK/pgbench.out"
  local tx tps failed
  tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$WORK/pgbench.out")
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$WORK/pgbench.out")
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$WORK/pgbench.out")
  # Per-transaction latency (µs, third column of the -l log) -> p50, p99 in ms.
  local p50 p99
  read -r p50 p99 < <(cat "$WORK/pgbench-$shape-$clients".* | awk '{ print $3 }' | sort -n |
    awk '{ v[NR] = $1 } END { if (NR == 0) { print 0, 0; exit }
      i50 = int(0.50 * (NR - 1) + 0.5) + 1; i99 = int(0.99 * (NR - 1) + 0.5) + 1; print v[i50] / 1000, v[i99] / 1000 }')
  rm -f "$WORK/pgbench-$shape-$clients".*
  local rows=$((tx * per)) first=$((checkins1 - checkins0)) hz
  hz=$(getconf CLK_TCK)
  awk -v tag="$tag" -v tps="$tps" -v per="$per" -v rows="$rows" -v first="$first" -v p50="$p50" -v p99="$p99" \
      -v failed="${failed:-0}" -v dbt="$((ticks1 - ticks0))" -v hz="$hz" -v cpu="$cpu" -v secs="$LEVEL_SECONDS" 'BEGIN {
    split(cpu, c, " ")
    first_pct = rows > 0 ? 100 * first / rows : 0
    db_cpu = 100 * dbt / hz / secs
    db_us = rows > 0 ? 1e6 * dbt / hz / rows : 0
    client_cpu = 100 * (c[1] + c[2]) / secs
    printf "  %d scans in %d-scan transactions, %d of them first check-ins (%.1f%%); per transaction p50 %.2f p99 %.2f ms\n",
           rows, per, first, first_pct, p50, p99
    printf "  PostgreSQL %.0f%% CPU, %.1f us a scan; pgbench %.0f%% CPU\n", db_cpu, db_us, client_cpu
    printf "RESULT %srps %.6g\nRESULT %stps %.6g\n", tag, tps * per, tag, tps
    printf "RESULT %sp50_ms %.6g\nRESULT %sp99_ms %.6g\n", tag, p50, tag, p99
    printf "RESULT %sfirst_pct %.6g\nRESULT %sfailed %d\n", tag, first_pct, tag, failed
    printf "RESULT %sdb_cpu %.6g\nRESULT %sdb_us_per_row %.6g\nRESULT %sclient_cpu %.6g\n", tag, db_cpu, tag, db_us, tag, client_cpu
  }'
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
