#!/usr/bin/env bash
# Issue 13's long form: several instances on one PostgreSQL 15 database behind nginx, with
# the references measured in the same run (Debian 12, as root, from anywhere):
#
#     bash bench/scale.sh          (or BENCH_ONLY=scale bash bench/run.sh)
#
# Builds build/bench (Release, no tests) and the scale test in build/dev when needed,
# installs nginx and postgresql-15 if missing, then on a throwaway cluster of its own:
#   1. references: pgbench running Qiandao's check-in SQL (bench/pg_checkin.sql, one scan a
#      transaction, 64 clients, and 1 client for context); the same SQL with pg_notify inside
#      each transaction before COMMIT (64 clients, three LISTEN connections open, one per
#      instance); Qiandao, one instance, 64 kiosk connections direct;
#   2. three instances behind nginx (deploy/nginx/qiandao.conf, ports and paths changed):
#      durable check-ins at 64 kiosk connections through nginx;
#   3. cross-instance check-in → last board (3 × 100 as context, 3 × 1,000, 3 × 5,000), boards
#      spread over the three instances directly,
#      check-ins paced to one of them (bench/scale_boards); then the same rows against three
#      bare Node `ws` broadcasters (bench/ws_reference.mjs, no database), same client;
#   4. the public snapshot through nginx's micro-cache, and how many requests reached the
#      instances (their /metrics before and after);
#   5. the scale test with BENCH_SCALE_KILLS kill -9 cycles (its own cluster, instances and
#      nginx): check-ins answered, lost, doubled.
# and prints ONE table (bench/scale_table.sh) with ratios and met/missed per target. The log
# is kept in build/bench/scale-last.log. Figures only: nothing here fails on time; all traffic
# stays on 127.0.0.1. bench/README.md ("Several instances (issue 13)") says what each row is.
#
# Knobs (environment): BENCH_SECONDS (each pgbench run, each check-in level and the public
# snapshot load, default 10), BENCH_SCALE_BOARDS (boards PER INSTANCE, default 100,1000,5000),
# BENCH_BOARD_RATES (paced check-ins/s of the board rows, default 10,200), BENCH_PUBLIC_THREADS
# (client threads of the public load, default 1), BENCH_PUBLIC_ENCODING (its Accept-Encoding,
# default what browsers send, "gzip, deflate, br"; empty: none),
# BENCH_BOARD_SECONDS (each board row, per rate, default 8,4), BENCH_SCALE_KILLS (kill -9
# cycles, default 20; 0 skips the scale test), BENCH_PUBLIC_RATE (requests/s asked of the
# public snapshot load, default 50000), BENCH_PUBLIC_CONNS (its connections, default 256),
# BENCH_PG_TICKETS (tickets in the fixture, default 100000), BENCH_BIN (another qiandao
# binary for rows 1–4).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD=build/bench
BIN=${BENCH_BIN:-$BUILD/server/qiandao}
TOOLS=$BUILD/bench
DEV=build/dev
LEVEL_SECONDS=${BENCH_SECONDS:-10}
SCALE_BOARDS=${BENCH_SCALE_BOARDS:-100,1000,5000}
BOARD_RATES=${BENCH_BOARD_RATES:-10,200}
BOARD_SECONDS=${BENCH_BOARD_SECONDS:-8,4}
KILLS=${BENCH_SCALE_KILLS:-20}
PUBLIC_RATE=${BENCH_PUBLIC_RATE:-50000}
PUBLIC_CONNS=${BENCH_PUBLIC_CONNS:-256}
PUBLIC_THREADS=${BENCH_PUBLIC_THREADS:-1}
PUBLIC_ENCODING=${BENCH_PUBLIC_ENCODING-gzip, deflate, br}
PG_TICKETS=${BENCH_PG_TICKETS:-100000}
BOARD_TICKETS=$(( PG_TICKETS / 5 < 10000 ? PG_TICKETS / 5 : 10000 ))  # the fixture's last codes, for the board rows
LOG=$BUILD/scale-last.log
PGBIN=/usr/lib/postgresql/15/bin
PG_CLUSTER=tests/support/pg_cluster.sh
# shellcheck source=bench/common.sh
source bench/common.sh

# The scale test is a Catch2 test of the dev build (tests on); only its target is built.
build_scale_tests() {
  echo "== building $DEV (scale_tests only)"
  if [[ ! -f $DEV/CMakeCache.txt ]]; then
    local launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake --preset dev "${launcher[@]}" >/dev/null
  fi
  if ! nice cmake --build "$DEV" -j2 --target scale_tests >"$BUILD/scale-tests-build.log" 2>&1; then
    grep -E 'error|Error' "$BUILD/scale-tests-build.log" | head -20
    echo "bench/scale.sh: the scale test did not build (log: $BUILD/scale-tests-build.log); its row is not measured" >&2
    return 1
  fi
}

install_nginx
install_postgres
mkdir -p "$BUILD"
build_bench "$TOOLS"/{bench_fixture,checkin_load,scale_boards}
SCALE_TESTS=""
if (( KILLS > 0 )) && build_scale_tests; then
  SCALE_TESTS=$(find "$DEV" -type f -name scale_tests -perm -u+x | head -n 1)
fi

PIDS=()  # the instances this script started
kill_instances() {
  local p
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
CLEANUP_FIRST=kill_instances
start_work qiandao-scale
: >"$LOG"
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
STARTED=$(date +%s)

# Open files: 3 × 5,000 boards are 15,000 sockets in the board client (and 5,000 in each
# instance). Raise the soft limit to the hard one, and the hard one if this machine lets us.
ulimit -Hn 65536 2>/dev/null || true
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
say "Qiandao several-instances benchmark (issue 13) — $(date -Is), $(nproc) cores, load average $LOAD_BEFORE," \
  "open files limit $(ulimit -n)"

# ---- the cluster, the fixture, the references ----

pg_setup() {
  set -e
  pg_cluster_fixture pgbench qiandao1 qiandao3
  local url
  url=$(pg_base)
  # The public board lists today's events only: the fixture's conference is moved to today in
  # the three-instance copy, so the public snapshot has figures in it.
  psql_pg -d "$url/qiandao3" -c "UPDATE events SET
      starts_at = to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') || 'T08:00:00+08:00',
      ends_at = to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') || 'T23:59:00+08:00'"
  # The NOTIFY-inside variant: the same script, pg_notify as the last statement before COMMIT.
  awk '/^COMMIT;$/ { print "SELECT pg_notify('"'"'qiandao_board'"'"', '"'"'x'"'"');" } { print }' bench/pg_checkin.sql \
    >"$WORK/pg_checkin_notify.sql"
  [[ $(grep -c "pg_notify" "$WORK/pg_checkin_notify.sql") == 1 ]] ||
    { echo "bench/scale.sh: could not make the NOTIFY variant of bench/pg_checkin.sql" >&2; return 1; }
  # Tickets: the single instance uses its own copy; in the three-instance copy the nginx load
  # takes the codes from the start and the board rows the last BOARD_TICKETS.
  local n
  n=$(wc -l <"$WORK/pg-fixture.codes")
  for f in one nginx boards; do cp "$WORK/pg-fixture.token" "$WORK/fx-$f.token"; done
  cp "$WORK/pg-fixture.codes" "$WORK/fx-one.codes"
  head -n $((n - BOARD_TICKETS)) "$WORK/pg-fixture.codes" >"$WORK/fx-nginx.codes"
  tail -n "$BOARD_TICKETS" "$WORK/pg-fixture.codes" >"$WORK/fx-boards.codes"
}

# pgbench with pg_notify inside, while three connections LISTEN on the channel (as the three
# instances would; they sleep, so they are signalled but read nothing until the run ends).
pgbench_notify() {
  set -e
  local url listeners=() i
  url=$(pg_base)/pgbench
  for i in 1 2 3; do
    "$PGBIN/psql" -X -q -d "$url" -c "LISTEN qiandao_board" -c "SELECT pg_sleep($LEVEL_SECONDS + 30)" >/dev/null 2>&1 &
    listeners+=($!)
  done
  sleep 1
  echo "listening backends: $(psql_pg -At -d "$url" -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'")"
  local rc=0
  pgbench_run notify 64 || rc=$?
  for i in "${listeners[@]}"; do kill "$i" 2>/dev/null || true; done
  psql_pg -d "$url" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'" >/dev/null
  wait "${listeners[@]}" 2>/dev/null || true
  return "$rc"
}

single_instance() {
  set -e
  local url
  url=$(pg_base)
  psql_pg -d "$url/qiandao1" -c CHECKPOINT
  "$TOOLS/checkin_load" checkins "$BIN" "$url/qiandao1" --levels 64 --seconds "$LEVEL_SECONDS" \
    --tag pg1 --fixture "$WORK/fx-one" --cluster-pid "$(postmaster_pid)"
}

# ---- three instances and nginx (started in this shell, stopped by cleanup) ----

PORTS=()
NGINX_PORT=""
NGINX_REF_PORT=""

wait_healthy() {
  local port=$1 i
  for i in $(seq 200); do
    if curl -fsS "http://127.0.0.1:$port/healthz" 2>/dev/null | grep -q '"listener":"up"'; then return 0; fi
    sleep 0.1
  done
  return 1
}

start_instances() {
  local url i port
  url=$(pg_base)/qiandao3
  for i in 1 2 3; do
    port=$(free_port)
    "$BIN" serve --db "$url" --listen "127.0.0.1:$port" --trusted-proxy 127.0.0.1 \
      >"$WORK/instance$i.out" 2>"$WORK/instance$i.log" &
    PIDS+=($!)
    if ! wait_healthy "$port"; then
      say "!! instance $i on port $port did not become healthy (database and listener up) within 20 s"
      tail -n 5 "$WORK/instance$i.log" | tee -a "$LOG"
      return 1
    fi
    PORTS+=("$port")
  done
  say "instances: pids ${PIDS[*]} on ports ${PORTS[*]} ($(curl -fsS "http://127.0.0.1:${PORTS[0]}/healthz"))"
}

start_nginx() {
  local dir=$WORK/nginx site
  mkdir -p "$dir/cache"
  NGINX_PORT=$(free_port)
  NGINX_REF_PORT=$(free_port "$NGINX_PORT")
  site=$(sed -e "s/127\.0\.0\.1:8081/127.0.0.1:${PORTS[0]}/; s/127\.0\.0\.1:8082/127.0.0.1:${PORTS[1]}/" \
             -e "s/127\.0\.0\.1:8083/127.0.0.1:${PORTS[2]}/" \
             -e "s|listen 80;|listen 127.0.0.1:$NGINX_PORT;|; /listen \[::\]:80;/d" \
             -e "s|/var/cache/nginx/qiandao|$dir/cache|" deploy/nginx/qiandao.conf)
  grep -q "127.0.0.1:$NGINX_PORT" <<<"$site" || { say "!! deploy/nginx/qiandao.conf: no 'listen 80;' to change"; return 1; }
  printf '%s\n' "$site" >"$dir/site.conf"
  # The main context the file's header asks for (worker_rlimit_nofile, worker_connections),
  # within this machine's open-files limit.
  cat >"$dir/nginx.conf" <<EOF
user root;
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
worker_rlimit_nofile $(ulimit -Hn);
events { worker_connections 8192; }
http {
  access_log off;
  # As Debian's stock /etc/nginx/nginx.conf, which deploy/nginx/qiandao.conf is included from.
  sendfile on;
  tcp_nopush on;
  # The load client keeps its connections for the whole run (nginx closes one after 1,000
  # requests by default, which the client counts as an error and does not reopen).
  keepalive_requests 1000000;
$(nginx_temp_paths "$dir")
  include $dir/site.conf;
  # The public snapshot's ceiling on this machine: the same bytes as a plain file, its
  # descriptor kept open (written by public_snapshot before its load).
  server {
    listen 127.0.0.1:$NGINX_REF_PORT;
    open_file_cache max=16 inactive=60s;
    open_file_cache_valid 60s;
    location = /public-copy.json {
      root $dir;
      default_type application/json;
      add_header Cache-Control "public, max-age=1";
      add_header Vary Accept-Encoding;
      $( [[ $PUBLIC_ENCODING == *gzip* ]] && echo 'add_header Content-Encoding gzip;' )
    }
  }
}
EOF
  if ! nginx -t -q -p "$dir" -c "$dir/nginx.conf" >>"$LOG" 2>&1; then
    say "!! nginx refused its configuration:"; tail -n 3 "$LOG"; return 1
  fi
  nginx -p "$dir" -c "$dir/nginx.conf"
  local i
  for i in $(seq 50); do
    curl -fsS "http://127.0.0.1:$NGINX_PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  say "nginx $(nginx -v 2>&1 | sed 's/.*\///') on 127.0.0.1:$NGINX_PORT, workers $(nginx_workers)," \
    "deploy/nginx/qiandao.conf with the instances' ports"
}

nginx_workers() { pgrep -P "$(cat "$WORK/nginx/nginx.pid")" | paste -sd,; }
csv() { local IFS=,; echo "$*"; }

through_nginx() {
  set -e
  psql_pg -d "$(pg_base)/qiandao3" -c CHECKPOINT
  "$TOOLS/checkin_load" remote "$NGINX_PORT" --fixture "$WORK/fx-nginx" --levels 64 --seconds "$LEVEL_SECONDS" \
    --tag nginx3 --metrics-ports "$(csv "${PORTS[@]}")" --pids "$(csv "${PIDS[@]}"),$(nginx_workers)" \
    --cluster-pid "$(postmaster_pid)"
}

boards_rows() {
  "$TOOLS/scale_boards" "$(csv "${PORTS[@]}")" "$WORK/fx-boards" --kiosk-port "${PORTS[0]}" --boards "$SCALE_BOARDS" \
    --rates "$BOARD_RATES" --seconds "$BOARD_SECONDS" --kiosks 32 --client-threads 2 --pids "$(csv "${PIDS[@]}")"
}

# The reference for the rows above: three bare broadcasters (bench/ws_reference.mjs, no
# database), the first passing each fire on to the other two, the same boards spread the
# same way, read by the same client, fires paced as the check-ins were. Their frame is the
# size of Qiandao's single-check-in frames in the 3 x 100 row.
reference_rows() {
  set -e
  command -v node >/dev/null && [[ -d node_modules/ws ]] || { echo "node or node_modules/ws missing (npm ci)"; return 1; }
  local bytes pids=() ports=() i peers
  # The first rate's (10/s: single check-ins); parentheses, or awk reads `>` as a redirection.
  bytes=$(awk '$1 == "RESULT" && $2 ~ /^scale_b100_r[0-9]+_frame_bytes$/ && $3 > 0 && !b { b = $3 }
               END { printf "%d", (b > 0 ? b + 0.5 : 600) }' "$LOG")
  for i in 3 2 1; do  # the peers first: the first one needs their ports
    peers=$(csv "${ports[@]}")
    REFERENCE_PEERS=$([[ $i == 1 ]] && echo "$peers" || true) node bench/ws_reference.mjs "$bytes" >"$WORK/reference$i.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do grep -q listening "$WORK/reference$i.out" && break; sleep 0.1; done
    ports+=("$(sed -n 's#.*127\.0\.0\.1:\([0-9]*\).*#\1#p' "$WORK/reference$i.out")")
  done
  echo "reference broadcasters: node bench/ws_reference.mjs $bytes on ports ${ports[2]} (passing on to ${ports[1]}, ${ports[0]})"
  local rc=0
  "$TOOLS/scale_boards" "${ports[2]},${ports[1]},${ports[0]}" - --kiosk-port "${ports[2]}" --boards "$SCALE_BOARDS" \
    --rates "$BOARD_RATES" --seconds "$BOARD_SECONDS" --kiosks 32 --client-threads 2 --reference 1 \
    --pids "$(csv "${pids[@]}")" || rc=$?
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  return "$rc"
}

# Requests for the public snapshot that reached the instances, from their /metrics.
origin_public() {
  local p sum=0 n
  for p in "${PORTS[@]}"; do
    n=$(curl -fsS "http://127.0.0.1:$p/metrics" |
      awk '/^qiandao_http_requests_total\{route="\/api\/v1\/board\/public"/ { s += $NF } END { print s + 0 }')
    sum=$((sum + n))
  done
  echo "$sum"
}

public_snapshot() {
  set -e
  curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT/api/v1/board/public"  # fills the cache
  echo "one answer: $(curl -fsS -D - -o /dev/null "http://127.0.0.1:$NGINX_PORT/api/v1/board/public" |
    grep -iE '^(x-cache-status|cache-control|etag|content-length):' | tr -d '\r' | paste -sd';')"
  # The reference first: the same bytes from a file, same client, connections and rate. Both
  # ask for gzip as every browser does (the instances answer it compressed).
  curl -fsS -H "Accept-Encoding: $PUBLIC_ENCODING" -o "$WORK/nginx/public-copy.json" "http://127.0.0.1:$NGINX_PORT/api/v1/board/public"
  echo "the same bytes from a file: $(wc -c <"$WORK/nginx/public-copy.json") bytes on port $NGINX_REF_PORT"
  "$TOOLS/checkin_load" fixed "$NGINX_REF_PORT" --path /public-copy.json --levels "$PUBLIC_CONNS" \
    --accept-encoding "$PUBLIC_ENCODING" --seconds "$LEVEL_SECONDS" --rate "$PUBLIC_RATE" --threads "$PUBLIC_THREADS" \
    --tag public_file --pids "$(nginx_workers)"
  local before after t0 t1
  before=$(origin_public)
  t0=$(date +%s.%N)
  "$TOOLS/checkin_load" fixed "$NGINX_PORT" --path /api/v1/board/public --levels "$PUBLIC_CONNS" \
    --accept-encoding "$PUBLIC_ENCODING" --seconds "$LEVEL_SECONDS" --rate "$PUBLIC_RATE" --threads "$PUBLIC_THREADS" --tag public --pids "$(nginx_workers)"
  t1=$(date +%s.%N)
  after=$(origin_public)
  awk -v n="$((after - before))" -v t0="$t0" -v t1="$t1" 'BEGIN {
    printf "  %d requests reached the instances in %.1f s (%.2f a second)\n", n, t1 - t0, n / (t1 - t0)
    printf "RESULT public_origin_requests %d\nRESULT public_origin_rps %.6g\n", n, n / (t1 - t0) }'
}

# ---- the scale test's kill -9 cycles ----

kill_cycles() {
  set -e
  [[ -n $SCALE_TESTS ]] || { echo "no scale_tests binary"; return 1; }
  echo "$SCALE_TESTS, QIANDAO_SCALE_KILLS=$KILLS"
  local rc=0
  QIANDAO_SCALE_KILLS=$KILLS "$SCALE_TESTS" -c "check-ins through nginx while one instance is killed three times" \
    >"$WORK/scale-test.out" 2>&1 || rc=$?
  grep -E '^scale: ' "$WORK/scale-test.out" || true
  grep -E '^(test cases|All tests passed)' "$WORK/scale-test.out" || true
  if (( rc != 0 )); then
    echo "the scale test FAILED (exit $rc); its failures:"
    grep -B2 -A8 -E 'FAILED|failed' "$WORK/scale-test.out" | head -60
  fi
  sed -n 's/^scale: \([0-9]*\) kill cycles, \([0-9]*\) check-ins answered, \([0-9]*\) retried.*/RESULT kills_cycles \1\nRESULT kills_answered \2\nRESULT kills_retried \3/p;
          s/^scale: lost \([0-9]*\), doubled \([0-9]*\) (\([0-9]*\) registrations.*/RESULT kills_lost \1\nRESULT kills_doubled \2\nRESULT kills_registrations \3/p;
          s/^scale: every board equal to the database \(-\{0,1\}[0-9]*\) ms.*/RESULT kills_converged_ms \1/p' "$WORK/scale-test.out"
  echo "RESULT kills_passed $((rc == 0 ? 1 : 0))"
}

step "cluster and fixture: $PG_TICKETS tickets, copied for pgbench, one instance and three" pg_setup
if [[ -f $WORK/pg/url && -f $WORK/fx-nginx.token ]]; then
  say "== references"
  step "pgbench, bench/pg_checkin.sql, one scan a transaction, 64 clients" pgbench_run single 64
  step "pgbench, the same, 1 client (context: no queue on the event's row)" pgbench_run single 1
  step "pgbench, the same with pg_notify before COMMIT, 64 clients, 3 listeners" pgbench_notify
  step "Qiandao, one instance on PostgreSQL, 64 kiosk connections" single_instance
  say "== three instances behind nginx"
  if start_instances && start_nginx; then
    step "check-ins through nginx, 64 kiosk connections" through_nginx
    step "cross-instance board latency: boards on all three, check-ins paced to the first" boards_rows
    step "the same rows against three bare broadcasters (the reference, no database)" reference_rows
    step "the public snapshot through the micro-cache" public_snapshot
  fi
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  PIDS=()
  if [[ -f $WORK/nginx/nginx.pid ]]; then kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true; fi
  bash "$PG_CLUSTER" stop "$WORK/pg" >/dev/null || true
else
  say "!! no PostgreSQL cluster or fixture: rows 1–4 are not measured"
fi
if (( KILLS > 0 )); then
  step "kill -9 cycles: the scale test (tests/scale) with QIANDAO_SCALE_KILLS=$KILLS" kill_cycles
fi

{
  echo "RESULT elapsed_s $(($(date +%s) - STARTED))"
  echo "RESULT load_before $LOAD_BEFORE"
  echo "RESULT load_after $(cut -d' ' -f1 /proc/loadavg)"
  echo "RESULT cores $(nproc)"
  echo "RESULT nofile $(ulimit -n)"
  echo "RESULT seconds $LEVEL_SECONDS"
  echo "RESULT public_rate_asked $PUBLIC_RATE"
  echo "RESULT boards_asked_last ${SCALE_BOARDS##*,}"
} >>"$LOG"
say
bash bench/scale_table.sh "$LOG" | tee -a "$LOG"
