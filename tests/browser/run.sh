#!/usr/bin/env bash
# Browser tests: Playwright (playwright-core, no downloaded browser) drives Debian's
# Chromium against the real server.
#   tests/browser/run.sh path/to/qiandao [--engine sqlite|postgresql]
# Builds nothing. Starts the given binary on a fresh database and a free port, runs
# `node --test` over tests/browser/, stops the server, and exits non-zero on any failure.
#   --engine sqlite      (default) the database is a file in a temporary directory.
#   --engine postgresql  starts a throwaway PostgreSQL cluster in the temporary directory
#                        (tests/support/pg_cluster.sh, needs root and postgresql-15), runs the
#                        server on a database of its own there, and stops the cluster on exit,
#                        failure included. If PostgreSQL cannot be started the run fails: it
#                        never falls back to SQLite.
# Tests that start servers of their own get a fresh database on the same engine
# (freshDb() in support/harness.mjs, from QIANDAO_ENGINE and QIANDAO_PG_URL).
# Screenshots land in test-artifacts/screenshots/ (SQLite) or
# test-artifacts/screenshots/postgresql/ (PostgreSQL). Set QIANDAO_WEB_ROOT=web to serve the
# pages from disk instead of the binary's embedded copy (front-end work without rebuilds).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

usage() {
  echo "usage: $0 path/to/qiandao [--engine sqlite|postgresql]   (the binary must exist and be executable)" >&2
  exit 2
}

bin=""
engine=sqlite
while (( $# > 0 )); do
  case $1 in
    --engine) (( $# >= 2 )) || usage; engine=$2; shift 2 ;;
    --engine=*) engine=${1#--engine=}; shift ;;
    -*) usage ;;
    *) [[ -z "$bin" ]] || usage; bin=$1; shift ;;
  esac
done
case $engine in
  sqlite|postgresql) ;;
  *) echo "$0: unknown engine '$engine' (sqlite or postgresql)" >&2; exit 2 ;;
esac
if [[ -z "$bin" || ! -x "$bin" ]]; then
  usage
fi
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
chromium="${QIANDAO_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
  echo "$0: no Chromium at $chromium — install it with: apt-get install -y chromium fonts-noto-cjk" >&2
  exit 2
fi
if [[ ! -d "$root/node_modules/playwright-core" ]]; then
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/qiandao-browser.XXXXXX")"
server_pid=""
node_pid=""
pg_dir=""
cleanup() {
  local rc=$?
  # Killed mid-run (e.g. SIGTERM from CI): the tests stop too, not only the server.
  if [[ -n "$node_pid" ]] && kill -0 "$node_pid" 2>/dev/null; then
    kill -TERM "$node_pid" 2>/dev/null || true
  fi
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  if [[ -n "$pg_dir" ]]; then
    if ! bash "$root/tests/support/pg_cluster.sh" stop "$pg_dir"; then
      echo "$0: could not stop the PostgreSQL cluster in $pg_dir: it and $tmp are left behind" >&2
      (( rc != 0 )) || rc=1
      exit $rc
    fi
  fi
  rm -rf "$tmp"
  exit $rc
}
trap cleanup EXIT

db="$tmp/main.db"
pg_url=""
if [[ $engine == postgresql ]]; then
  pg_dir="$tmp/pg"
  if ! pg_url="$(bash "$root/tests/support/pg_cluster.sh" start "$pg_dir")" || [[ -z "$pg_url" ]]; then
    echo "$0: could not start PostgreSQL for --engine postgresql (messages above); not running the browser tests" >&2
    exit 1
  fi
  if ! db="$(bash "$root/tests/support/pg_cluster.sh" createdb "$pg_url" browser_main)"; then
    echo "$0: could not create the main database on $pg_url; not running the browser tests" >&2
    exit 1
  fi
fi

# The demo programme fills the board and lists like a real day; the tests sign in as their
# own admin and make their own events.
password="browser-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
if ! printf '%s\n' "$password" | "$bin" user add tester --role admin --db "$db" >"$tmp/user-add.log" 2>&1; then
  echo "$0: \`qiandao user add\` failed on $db:" >&2
  cat "$tmp/user-add.log" >&2
  exit 1
fi

serve_args=(serve --db "$db" --listen 127.0.0.1:0 --demo)
if [[ -n "${QIANDAO_WEB_ROOT:-}" ]]; then
  QIANDAO_WEB_ROOT="$(cd "$QIANDAO_WEB_ROOT" && pwd)"
  export QIANDAO_WEB_ROOT
  serve_args+=(--web-root "$QIANDAO_WEB_ROOT")
fi
"$bin" "${serve_args[@]}" >"$tmp/server.log" 2>&1 &
server_pid=$!

url=""
for _ in $(seq 150); do
  url="$(grep -o 'listening on http://[^ ]*' "$tmp/server.log" | head -n1 | sed 's/^listening on //; s#/$##')" || true
  [[ -n "$url" ]] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "$0: the server exited:" >&2
    cat "$tmp/server.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ -z "$url" ]]; then
  echo "$0: the server did not start within 15 s" >&2
  cat "$tmp/server.log" >&2
  exit 1
fi

shots="test-artifacts/screenshots"
[[ $engine == sqlite ]] || shots+="/$engine"
mkdir -p "$root/$shots"
export QIANDAO_URL="$url" QIANDAO_BIN="$bin" QIANDAO_ADMIN_USER=tester QIANDAO_ADMIN_PASSWORD="$password"
export QIANDAO_ENGINE="$engine" QIANDAO_PG_URL="$pg_url"
echo "browser tests on $engine against $url ($bin, database $db)"
start=$(date +%s)
status=0
# QIANDAO_BROWSER_TESTS="tests/browser/a.test.mjs …" runs just those files (while working on them).
(cd "$root" && exec node --test --test-concurrency=1 ${QIANDAO_BROWSER_TESTS:-tests/browser/}) &
node_pid=$!
wait "$node_pid" || status=$?
node_pid=""
echo "browser tests on $engine: $(( $(date +%s) - start )) s, screenshots in $shots/"
if [[ $status -ne 0 ]]; then
  echo "--- server log ---" >&2
  tail -n 50 "$tmp/server.log" >&2
  if [[ -n "$pg_dir" && -f "$pg_dir/log" ]]; then
    echo "--- PostgreSQL log ---" >&2
    tail -n 30 "$pg_dir/log" >&2
  fi
fi
exit $status
