#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests, on loopback, run as root on Debian 12.
#
#   pg_cluster.sh start DIR          create DIR, initdb DIR/data, start a server on a free
#                                    127.0.0.1 port; writes the base URL to DIR/url and
#                                    prints it: postgresql://postgres@127.0.0.1:PORT
#   pg_cluster.sh stop DIR           stop that server (immediate) if it runs; remove DIR
#   pg_cluster.sh createdb URL NAME  create database NAME on the server at URL; prints URL/NAME
#
# Every failure exits non-zero with a message on stderr; nothing is ever skipped quietly.
# Several clusters can be started at once with different DIRs: the port is chosen and bound
# under a lock, and a start that loses a port race anyway moves on to the next port.
set -euo pipefail

PGBIN=/usr/lib/postgresql/15/bin
PGLIB=/usr/lib/postgresql/15/lib
FIRST_PORT=55432
LAST_PORT=56431
LOCK_FILE=/tmp/qiandao-pg-cluster.lock
MARKER=.qiandao-pg-cluster

die() {
  echo "pg_cluster.sh: $*" >&2
  exit 1
}

usage() {
  echo "usage: pg_cluster.sh start DIR | stop DIR | createdb URL NAME" >&2
  exit 2
}

as_postgres() { runuser -u postgres -- "$@"; }

python() {
  if [[ -x /usr/bin/python3 ]]; then /usr/bin/python3 "$@"; else python3 "$@"; fi
}

# 0 when nothing can be bound on 127.0.0.1:$1 (something listens there, or it is otherwise taken).
port_free() {
  python - "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}

show_log() {
  local f=$1
  if [[ -s $f ]]; then
    echo "---- last lines of $f ----" >&2
    tail -n 30 "$f" >&2 || true
    echo "----" >&2
  fi
}

cmd_start() {
  local dir=$1
  [[ $EUID -eq 0 ]] || die "start must run as root (initdb and the server run as postgres via runuser)"
  getent passwd postgres >/dev/null || die "no 'postgres' user on this machine (apt-get install postgresql-15)"
  [[ -x $PGBIN/initdb && -x $PGBIN/pg_ctl && -x $PGBIN/postgres ]] ||
    die "PostgreSQL 15 binaries not found in $PGBIN (apt-get install postgresql-15)"
  [[ $dir != *[[:space:]]* ]] || die "DIR must not contain whitespace: '$dir'"
  dir=$(realpath -m -- "$dir")
  [[ $dir != / ]] || die "refusing DIR=/"
  local parent
  parent=$(dirname -- "$dir")
  [[ -d $parent ]] || die "parent directory $parent does not exist (the caller creates it, e.g. with mktemp -d)"
  if [[ -e $dir ]]; then
    [[ -d $dir ]] || die "$dir exists and is not a directory"
    [[ -z $(ls -A -- "$dir") ]] || die "$dir exists and is not empty"
  else
    mkdir -- "$dir" || die "cannot create $dir"
  fi
  : >"$dir/$MARKER" || die "cannot write in $dir"
  # The Unix socket lives in DIR: its path must fit in sun_path (107 bytes).
  (( ${#dir} + 20 <= 107 )) || die "DIR is too long for a Unix socket path: $dir"

  # mktemp -d makes a 0700 root directory the postgres user cannot enter: let it pass
  # through the immediate parent (search bit only, nothing becomes readable). Any other
  # ancestor it cannot enter is the caller's to fix.
  if ! as_postgres test -x "$parent"; then
    chmod o+x -- "$parent" || die "cannot make $parent enterable by postgres"
  fi
  chown postgres:postgres -- "$dir" "$dir/$MARKER" || die "cannot chown $dir to postgres"
  chmod 0700 -- "$dir"
  as_postgres test -w "$dir" ||
    die "the postgres user cannot reach $dir: an ancestor directory is closed to it (check with: namei -l $dir)"

  if ! as_postgres "$PGBIN/initdb" -D "$dir/data" -A trust -E UTF8 --locale=C.UTF-8 -U postgres \
      >"$dir/initdb.log" 2>&1; then
    show_log "$dir/initdb.log"
    die "initdb failed for $dir/data"
  fi

  local preload=""
  if [[ -f $PGLIB/pg_stat_statements.so ]]; then
    preload=" -c shared_preload_libraries=pg_stat_statements"
  fi

  local port=$FIRST_PORT started="" attempts=0
  exec 9>>"$LOCK_FILE" || die "cannot open lock file $LOCK_FILE"
  flock -w 120 9 || die "timed out waiting for $LOCK_FILE"
  while (( port <= LAST_PORT )); do
    if port_free "$port" 9>&-; then
      attempts=$((attempts + 1))
      local opts="-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on -c synchronous_commit=on"
      opts+=" -c max_connections=400 -c shared_buffers=128MB$preload"
      if as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -o "$opts" -w -t 60 start \
          >"$dir/pg_ctl.log" 2>&1 9>&-; then
        started=$port
        break
      fi
      # Lost a race for the port to something outside the lock, or the server cannot start
      # at all: the log says which. Three failed starts in a row is not a port problem.
      if as_postgres "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
      fi
      if (( attempts >= 3 )); then
        flock -u 9
        show_log "$dir/pg_ctl.log"
        show_log "$dir/log"
        die "the server in $dir/data failed to start $attempts times (last port $port)"
      fi
    fi
    port=$((port + 1))
  done
  flock -u 9
  exec 9>&-
  [[ -n $started ]] || die "no free TCP port on 127.0.0.1 in $FIRST_PORT..$LAST_PORT"

  local url="postgresql://postgres@127.0.0.1:$started"
  if ! "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$url/postgres" -c "SELECT 1" >/dev/null 2>"$dir/check.log"; then
    show_log "$dir/check.log"
    show_log "$dir/log"
    as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    die "the server started on port $started but does not answer at $url"
  fi
  if ! printf '%s\n' "$url" >"$dir/url"; then
    as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    die "cannot write $dir/url"
  fi
  printf '%s\n' "$url"
}

cmd_stop() {
  local dir=$1
  [[ -n $dir ]] || die "stop: empty DIR"
  dir=$(realpath -m -- "$dir")
  [[ $dir != / ]] || die "refusing DIR=/"
  [[ -e $dir ]] || return 0
  [[ -f $dir/$MARKER ]] || die "$dir was not made by pg_cluster.sh start (no $MARKER): not removing it"
  if [[ -f $dir/data/postmaster.pid ]]; then
    local rc=0
    as_postgres "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 || rc=$?
    if (( rc == 0 )); then
      as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >"$dir/stop.log" 2>&1 || {
        show_log "$dir/stop.log"
        die "pg_ctl stop failed for $dir/data; $dir kept"
      }
    fi
  fi
  rm -rf -- "$dir" || die "cannot remove $dir"
}

cmd_createdb() {
  local url=${1%/} name=$2
  [[ -n $url ]] || die "createdb: empty URL"
  [[ -n $name ]] || die "createdb: empty NAME"
  # Printed as part of a URL, so only characters that need no escaping there.
  [[ $name =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$ ]] ||
    die "createdb: database name '$name' must be 1-63 of [A-Za-z0-9_.-], not starting with '.' or '-'"
  "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -v "dbname=$name" -d "$url/postgres" >/dev/null <<'SQL' ||
CREATE DATABASE :"dbname" TEMPLATE template0 ENCODING 'UTF8';
SQL
    die "createdb: could not create database '$name' at $url"
  printf '%s/%s\n' "$url" "$name"
}

(( $# >= 1 )) || usage
case $1 in
  start) (( $# == 2 )) || usage; cmd_start "$2" ;;
  stop) (( $# == 2 )) || usage; cmd_stop "$2" ;;
  createdb) (( $# == 3 )) || usage; cmd_createdb "$2" "$3" ;;
  *) usage ;;
esac
