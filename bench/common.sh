# Shared by bench/run.sh and bench/scale.sh (sourced, not run): installing what is missing,
# building build/bench, logging steps, and the PostgreSQL helpers (a throwaway cluster with
# the fixture, pgbench running Qiandao's check-in SQL). The caller sets BUILD, TOOLS, LOG,
# WORK, PGBIN, PG_CLUSTER, PG_TICKETS and LEVEL_SECONDS, and `set -euo pipefail`.

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

# Builds $BUILD (Release, no tests) and checks that the programs named exist.
build_bench() {
  # The binary embeds the pages' npm packages, and the reference broadcaster needs `ws`.
  [[ -d node_modules/ws ]] || npm ci --no-audit --no-fund --loglevel=error
  echo "== building $BUILD (Release)"
  if [[ ! -f $BUILD/CMakeCache.txt ]]; then
    cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DQIANDAO_TESTS=OFF >/dev/null
  fi
  # Up to date in seconds when nothing changed; never measure a stale binary.
  if ! cmake --build "$BUILD" -j2 >"$BUILD/bench-build.log" 2>&1; then
    grep -E 'error|Error' "$BUILD/bench-build.log" | head -20
    echo "bench: the build failed (whole log: $BUILD/bench-build.log); nothing measured" >&2
    exit 1
  fi
  local t
  for t in "$BIN" "$@"; do
    [[ -x $t ]] || { echo "bench: $t was not built" >&2; exit 1; }
  done
}

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

free_port() {  # [PORT…]: ports already taken but not yet listening
  local p
  for p in $(seq 18080 18180); do
    [[ " $* " == *" $p "* ]] && continue
    ss -ltnH "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
  echo "bench: no free port in 18080-18180" >&2
  exit 1
}

# The http-context lines of a generated nginx.conf that keep nginx's temp files in DIR.
nginx_temp_paths() {
  local d=$1
  printf '  %s_temp_path %s;\n' client_body "$d/body" proxy "$d/proxy" fastcgi "$d/fastcgi" uwsgi "$d/uwsgi" scgi "$d/scgi"
}

# WORK, a temp dir of the run's own, and the traps that clean it up on every way out (also
# after a failure or Ctrl-C): CLEANUP_FIRST (a function name, optional) runs first, then
# nginx (by its own pid file) and the PostgreSQL cluster in WORK are stopped, WORK removed.
start_work() {
  WORK=$(mktemp -d "/tmp/$1.XXXXXX")
  trap cleanup_work EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}
cleanup_work() {
  [[ -z ${CLEANUP_FIRST:-} ]] || "$CLEANUP_FIRST"
  # nginx may run inside a step's subshell; its own pid file names the master if a step died.
  if [[ -f $WORK/nginx/nginx.pid ]]; then kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true; sleep 0.5; fi
  # The PostgreSQL cluster of this run, whatever state the run died in.
  if [[ -d $WORK/pg ]]; then
    bash "$PG_CLUSTER" stop "$WORK/pg" >/dev/null || echo "bench: could not stop the cluster in $WORK/pg" >&2
  fi
  rm -rf "$WORK"
}

# ---- PostgreSQL 15: a cluster of the run's own, in $WORK/pg (the caller's cleanup stops it) ----

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

# The cluster, the fixture (bench_fixture on an empty database, PG_TICKETS registrations, its
# codes and token in $WORK/pg-fixture.codes/.token) and copies of it made with CREATE
# DATABASE … TEMPLATE, one per name given. A copy named pgbench also gets the helper table of
# ticket codes and the sequence that hands them out (bench/pg_checkin.sql).
pg_cluster_fixture() {
  set -e
  bash "$PG_CLUSTER" start "$WORK/pg" >/dev/null
  local url name
  url=$(pg_base)
  echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }') at $url, postmaster pid $(postmaster_pid);" \
    "fsync=$(psql_pg -At -d "$url/postgres" -c 'SHOW fsync')," \
    "synchronous_commit=$(psql_pg -At -d "$url/postgres" -c 'SHOW synchronous_commit')," \
    "shared_buffers=$(psql_pg -At -d "$url/postgres" -c 'SHOW shared_buffers')"
  bash "$PG_CLUSTER" createdb "$url" fixture >/dev/null
  "$TOOLS/bench_fixture" "$url/fixture" "$PG_TICKETS" "$WORK/pg-fixture"
  psql_pg -d "$url/fixture" -c "VACUUM ANALYZE"
  for name in "$@"; do
    psql_pg -d "$url/postgres" -c "CREATE DATABASE $name TEMPLATE fixture STRATEGY FILE_COPY"
  done
  [[ " $* " == *" pgbench "* ]] || return 0
  psql_pg -d "$url/pgbench" \
    -c 'CREATE TABLE bench_codes (n BIGINT PRIMARY KEY, code TEXT COLLATE "C" NOT NULL)' \
    -c 'CREATE SEQUENCE bench_pick'
  awk '{ print NR "\t" $0 }' "$WORK/pg-fixture.codes" | psql_pg -d "$url/pgbench" -c '\copy bench_codes FROM pstdin'
  psql_pg -d "$url/pgbench" -c "VACUUM ANALYZE bench_codes"
  echo "pgbench database: $(psql_pg -At -d "$url/pgbench" -c 'SELECT count(*) FROM bench_codes') ticket codes in bench_codes"
}

# pgbench SHAPE CLIENTS: SHAPE single (bench/pg_checkin.sql, one scan a transaction),
# batched (64 scans a transaction, $WORK/pg_checkin_batched.sql, made by run.sh) or notify
# (one scan a transaction with pg_notify before COMMIT, $WORK/pg_checkin_notify.sql, made by
# scale.sh); -M prepared, one pgbench thread, LEVEL_SECONDS long.
pgbench_run() {
  local shape=$1 clients=$2 url script per tag
  url=$(pg_base)/pgbench
  case $shape in
    single) script=bench/pg_checkin.sql; per=1 ;;
    batched) script=$WORK/pg_checkin_batched.sql; per=64 ;;
    notify) script=$WORK/pg_checkin_notify.sql; per=1 ;;
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
