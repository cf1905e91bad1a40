#!/usr/bin/env bash
# A private PostgreSQL for uprate's tests and for trying uprate on PostgreSQL, on 127.0.0.1 only.
#   scripts/services/postgres.sh start   # installs Debian's postgresql if missing, starts, prints the URL
#   scripts/services/postgres.sh stop    # stops only the server this script started (by its PID file)
#   scripts/services/postgres.sh url
# Data lives in .services/postgres (UPRATE_SERVICES_DIR to move it); port 54329 (UPRATE_PG_PORT).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${UPRATE_SERVICES_DIR:-$root/.services}/postgres"
port="${UPRATE_PG_PORT:-54329}"
url="postgres://uprate:uprate@127.0.0.1:${port}/uprate"

find_bin() {
  local b
  b=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$b" ] && [ -x "$b/pg_ctl" ] && echo "$b"
}

as_owner() {
  # PostgreSQL refuses to run as root: run as the postgres user when we are root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install() {
  if [ -z "$(find_bin)" ]; then
    [ "$(id -u)" = 0 ] || { echo "postgres.sh: PostgreSQL is not installed; run as root to install it (apt-get install postgresql)" >&2; exit 1; }
    echo "postgres.sh: installing Debian's postgresql …"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
}

start() {
  install
  local bin; bin=$(find_bin)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    echo "postgres.sh: already running"
  else
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  fi
  for _ in $(seq 1 60); do
    "$bin/pg_isready" -h 127.0.0.1 -p "$port" >/dev/null 2>&1 && break
    sleep 0.5
  done
  "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'uprate'" | grep -q 1 ||
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE ROLE uprate LOGIN PASSWORD 'uprate' SUPERUSER"
  "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'uprate'" | grep -q 1 ||
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE DATABASE uprate OWNER uprate"
  echo "$url"
}

stop() {
  local bin; bin=$(find_bin)
  if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null && echo "postgres.sh: stopped"
  else
    echo "postgres.sh: not running"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$url" ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
