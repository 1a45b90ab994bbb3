#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: Debian's server binaries, a fresh cluster under DIR,
# listening on 127.0.0.1 only, trust authentication (nothing but local test clients can reach
# it) and fsync off (its data is worthless after the run).
#
# Usage: tests/services/postgres.sh start|stop|status DIR PORT
#   start   creates the cluster on first use (initdb), starts the server on PORT and makes sure
#           the database `assetd` exists. Prints the connection URL on stdout:
#             postgresql://postgres@127.0.0.1:PORT/assetd
#           Already running: prints the same and leaves it alone.
#   stop    stops the server that `start` began on DIR (the files stay until DIR is removed).
#   status  exits 0 when it is running.
#
# initdb and postgres refuse to run as root, so as root they run as the `postgres` user and
# DIR is handed to that user.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop|status DIR PORT" >&2
  exit 2
}
[ $# -eq 3 ] || usage
action=$1
dir=$(realpath -m "$2")
port=$3
if ! [[ $port =~ ^[0-9]+$ ]] || [ "$port" -lt 1024 ] || [ "$port" -gt 65535 ]; then usage; fi

bin=/usr/lib/postgresql/15/bin
data="$dir/data"
log="$dir/postgres.log"
url="postgresql://postgres@127.0.0.1:$port/assetd"

as_owner() { # runs a server binary as the cluster's owner
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

psql_admin() { # psql_admin SQL: runs one statement in the maintenance database
  "$bin/psql" -X -q -t -A -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "$1"
}

running() {
  [ -f "$data/postmaster.pid" ] && as_owner "$bin/pg_ctl" status -D "$data" >/dev/null 2>&1
}

init_cluster() {
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  # C collation: text compares byte by byte, as the store's prefix filters expect.
  as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C \
    --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    return 1
  }
  cat >>"$data/postgresql.conf" <<EOF
# tests only: nothing here needs to survive a crash
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
shared_buffers = 128MB
log_min_messages = warning
log_checkpoints = off
log_min_error_statement = panic
EOF
}

start() {
  if ! [ -x "$bin/postgres" ]; then
    echo "postgres: needs Debian's postgresql package (scripts/install-deps.sh test)" >&2
    return 1
  fi
  if ! running; then
    [ -f "$data/PG_VERSION" ] || init_cluster
    as_owner "$bin/pg_ctl" start -D "$data" -l "$log" -w -t 60 -o "-p $port" >/dev/null || {
      tail -n 20 "$log" >&2 || true
      return 1
    }
  fi
  if [ "$(psql_admin "SELECT count(*) FROM pg_database WHERE datname = 'assetd'")" = 0 ]; then
    psql_admin "CREATE DATABASE assetd"
  fi
  echo "$url"
}

stop() {
  if running; then as_owner "$bin/pg_ctl" stop -D "$data" -m fast -w -t 60 >/dev/null; fi
}

case "$action" in
  start) start ;;
  stop) stop ;;
  status) running ;;
  *) usage ;;
esac
