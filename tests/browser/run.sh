#!/usr/bin/env bash
# Browser tests: Playwright (playwright-core, no downloaded browser) drives Debian's
# Chromium against the real server.
#   tests/browser/run.sh path/to/qiandao
# Builds nothing. Starts the given binary on a temporary database and a free port, runs
# `node --test` over tests/browser/, stops the server, and exits non-zero on any failure.
# Screenshots land in test-artifacts/screenshots/. Set QIANDAO_WEB_ROOT=web to serve the
# pages from disk instead of the binary's embedded copy (front-end work without rebuilds).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

bin="${1:-}"
if [[ -z "$bin" || ! -x "$bin" ]]; then
  echo "usage: $0 path/to/qiandao   (the binary must exist and be executable)" >&2
  exit 2
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
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# The demo programme fills the board and lists like a real day; the tests sign in as their
# own admin and make their own events.
password="browser-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$password" | "$bin" user add tester --role admin --db "$tmp/main.db" >/dev/null

serve_args=(serve --db "$tmp/main.db" --listen 127.0.0.1:0 --demo)
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

mkdir -p "$root/test-artifacts/screenshots"
export QIANDAO_URL="$url" QIANDAO_BIN="$bin" QIANDAO_ADMIN_USER=tester QIANDAO_ADMIN_PASSWORD="$password"
echo "browser tests against $url ($bin)"
start=$(date +%s)
status=0
(cd "$root" && node --test --test-concurrency=1 tests/browser/) || status=$?
echo "browser tests: $(( $(date +%s) - start )) s, screenshots in test-artifacts/screenshots/"
if [[ $status -ne 0 ]]; then
  echo "--- server log ---" >&2
  tail -n 50 "$tmp/server.log" >&2
fi
exit $status
