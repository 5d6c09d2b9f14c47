#!/usr/bin/env bash
# CTest's `pg` fixture: `start DIR` gives the test run a fresh PostgreSQL cluster in DIR
# (removing one a killed run left behind), `stop DIR` removes it. See pg_cluster.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
case "${1:-}" in
  start)
    bash "$here/pg_cluster.sh" stop "$2" 2>/dev/null || true
    mkdir -p "$(dirname "$2")"
    bash "$here/pg_cluster.sh" start "$2"
    ;;
  stop) bash "$here/pg_cluster.sh" stop "$2" ;;
  *) echo "usage: pg_fixture.sh start|stop DIR" >&2; exit 2 ;;
esac
