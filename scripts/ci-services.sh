#!/usr/bin/env bash
# The database servers the engine tests run against, started through the repository's own
# scripts: PostgreSQL (scripts/services/postgres.sh) and a 2-shard ClickHouse cluster
# (scripts/services/clickhouse.sh). Each script installs its Debian package when it is missing
# and we are root, and does nothing more when its server is already up, so running this twice
# is harmless. It exports nothing: tests find the servers through each script's `url` subcommand.
#   scripts/ci-services.sh          # start both (as root in CI: installs what is missing)
#   scripts/ci-services.sh stop     # stop both (only what the scripts started)
set -euo pipefail
cd "$(dirname "$0")/.."

need() {
  # Packages the service scripts call besides the servers themselves.
  local missing=()
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "ci-services.sh: missing ${missing[*]}; run as root to install them" >&2
    return 1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

case "${1:-start}" in
  start)
    need
    status=0
    echo "ci-services.sh: PostgreSQL"
    scripts/services/postgres.sh start || status=1
    echo "ci-services.sh: ClickHouse (2 shards)"
    scripts/services/clickhouse.sh start || status=1
    exit "$status"
    ;;
  stop)
    scripts/services/postgres.sh stop || true
    scripts/services/clickhouse.sh stop || true
    ;;
  *)
    echo "usage: $0 [start|stop]" >&2
    exit 2
    ;;
esac
