#!/usr/bin/env bash
# A staff import of a registration list into one event (POST /api/v1/events/{id}/registrations/import),
# on SQLite and on PostgreSQL 15, with the reference measured in the same run (Debian 12, as
# root, from anywhere):
#
#     bash bench/import.sh
#
# For each size in BENCH_IMPORT_ROWS (default 1000,4000,16000) it imports a CSV of that many
# distinct people into a new event of a fresh database, through the real server and HTTP,
# and times the answer. The reference is PostgreSQL itself: psql inserting the same number
# of rows into the same event's registrations, one INSERT a row in one transaction (the
# schema's triggers fire as for Qiandao), the floor of any row-by-row import. What an import
# must not be is quadratic: the ms/row column should stay flat as the size grows. Figures
# only: nothing here fails on time. Knobs: BENCH_IMPORT_ROWS, BENCH_BIN (another binary).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD=build/bench
BIN=${BENCH_BIN:-$BUILD/server/qiandao}
TOOLS=$BUILD/bench
ROWS=${BENCH_IMPORT_ROWS:-1000,4000,16000}
LOG=$BUILD/import-last.log
PGBIN=/usr/lib/postgresql/15/bin
PG_CLUSTER=tests/support/pg_cluster.sh
# shellcheck source=bench/common.sh
source bench/common.sh

install_postgres
[[ -n ${BENCH_BIN:-} ]] || build_bench
mkdir -p "$BUILD"
start_work qiandao-import
CLEANUP_FIRST=stop_server
: >"$LOG"
PASSWORD=import-bench-password

# The server of the step under way (steps run in subshells): its pid in a file.
stop_server() {
  [[ -f $WORK/server.pid ]] || return 0
  local pid
  pid=$(cat "$WORK/server.pid")
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  rm -f "$WORK/server.pid"
}

# serve DB: the server on a free port, an admin signed in; sets PORT and JAR.
serve() {
  echo "$PASSWORD" | "$BIN" user add importer --role admin --db "$1" >/dev/null
  PORT=$(free_port)
  "$BIN" serve --db "$1" --listen "127.0.0.1:$PORT" >>"$LOG" 2>&1 &
  echo $! >"$WORK/server.pid"
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  JAR=$WORK/cookies
  rm -f "$JAR"
  curl -fsS -c "$JAR" -H 'Content-Type: application/json' \
    -d "{\"username\":\"importer\",\"password\":\"$PASSWORD\"}" "http://127.0.0.1:$PORT/api/v1/login" >/dev/null
}

api() {  # METHOD PATH [curl args…]: the body on stdout
  local method=$1 path=$2
  shift 2
  curl -fsS -b "$JAR" -X "$method" "$@" "http://127.0.0.1:$PORT$path"
}

new_event() {
  api POST /api/v1/events -H 'Content-Type: application/json' \
    -d "{\"title\":\"$1\",\"kind\":\"conference\",\"venue\":\"区卫健委礼堂\",\"starts_at\":\"2027-08-19T09:00:00+08:00\",\"ends_at\":\"2027-08-19T12:00:00+08:00\"}" |
    grep -o '"id":[0-9]*' | head -n 1 | cut -d: -f2
}

# import N ENGINE DB: prints "ENGINE N seconds"
import_once() {
  local n=$1 engine=$2 db=$3 event csv=$WORK/list-$1.csv t0 t1 answer
  serve "$db"
  event=$(new_event "中国医师节庆祝大会")
  awk -v n="$n" 'BEGIN { print "姓名,手机号,单位"; for (i = 0; i < n; i++) printf "导入%d,13%09d,青浦区人民医院\n", i, 800000000 + i }' >"$csv"
  t0=$(date +%s.%N)
  answer=$(api POST "/api/v1/events/$event/registrations/import" -H 'Content-Type: text/csv' --data-binary @"$csv")
  t1=$(date +%s.%N)
  echo "$engine $n rows: $answer" >>"$LOG"
  [[ $answer == *"\"accepted\":$n,"* ]] || { echo "bench: the $engine import of $n rows answered $answer" >&2; exit 1; }
  new_event "参考" >"$WORK/ref-event"  # for the reference on the same database
  stop_server
  echo "$engine $n $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
}

# reference N URL: psql, the same number of rows, one INSERT a row, one transaction
reference() {
  local n=$1 url=$2 sql=$WORK/ref-$1.sql t0 t1
  awk -v n="$n" -v e="$(cat "$WORK/ref-event")" -v q="'" 'BEGIN {
    print "BEGIN;"
    for (i = 0; i < n; i++)
      printf "INSERT INTO registrations (event_id, code, name, phone, organization, category, status, source, created_at) " \
             "VALUES (%d, %sREF%d%s, %s参考%d%s, %s13%09d%s, %s青浦区人民医院%s, %s%s, %sconfirmed%s, %simport%s, %s2027-08-01T09:00:00+08:00%s);\n",
             e, q, i, q, q, i, q, q, 800000000 + i, q, q, q, q, q, q, q, q, q, q, q
    print "COMMIT;"
  }' >"$sql"
  t0=$(date +%s.%N)
  psql_pg -d "$url" -f "$sql" >/dev/null
  t1=$(date +%s.%N)
  echo "reference $n $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
}

bash "$PG_CLUSTER" start "$WORK/pg" >/dev/null
results=()
IFS=, read -r -a sizes <<<"$ROWS"
for n in "${sizes[@]}"; do
  results+=("$(import_once "$n" sqlite "$WORK/import-$n.db")")
  url=$(bash "$PG_CLUSTER" createdb "$(pg_base)" "import_$n")
  results+=("$(import_once "$n" postgresql "$url")")
  results+=("$(reference "$n" "$url")")
done

echo
echo "Registration import into one event, one run ($(nproc) cores, load before $(cut -d' ' -f1 /proc/loadavg))"
printf '  %-48s %8s %10s %9s\n' "" rows seconds "ms/row"
for r in "${results[@]}"; do
  read -r what n secs <<<"$r"
  case $what in
    sqlite) label="Qiandao on SQLite, import through HTTP" ;;
    postgresql) label="Qiandao on PostgreSQL, import through HTTP" ;;
    reference) label="(reference) psql: INSERT a row, one transaction" ;;
  esac
  printf '  %-48s %8s %10.2f %9.3f\n' "$label" "$n" "$secs" "$(awk -v s="$secs" -v n="$n" 'BEGIN { print s * 1000 / n }')"
done
