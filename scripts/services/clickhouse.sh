#!/usr/bin/env bash
# A private 2-shard ClickHouse cluster (cluster name `uprate`) on 127.0.0.1, for uprate's tests
# and for trying uprate on ClickHouse. Debian's clickhouse-server (18.16) is installed if missing.
#   scripts/services/clickhouse.sh start         # start both shards, wait until ready, print the URL
#   scripts/services/clickhouse.sh stop          # stop only the servers this script started (PID files)
#   scripts/services/clickhouse.sh stop-shard N  # stop one shard (fault tests); start-shard N brings it back
#   scripts/services/clickhouse.sh pause-shard N # freeze one shard (SIGSTOP: a slow shard); resume-shard N
#   scripts/services/clickhouse.sh url
# Shard N listens on HTTP 18122+N, TCP 19000+N-1, interserver 19008+N (UPRATE_CH_BASE moves them).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${UPRATE_SERVICES_DIR:-$root/.services}/clickhouse"
base="${UPRATE_CH_BASE:-0}"
http_port() { echo $((18122 + $1 + base)); }
tcp_port() { echo $((18999 + $1 + base)); }
inter_port() { echo $((19008 + $1 + base)); }
url="clickhouse://default@127.0.0.1:$(http_port 1)/default?cluster=uprate"

install() {
  if ! command -v clickhouse-server >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || { echo "clickhouse.sh: clickhouse-server is not installed; run as root to install it" >&2; exit 1; }
    echo "clickhouse.sh: installing Debian's clickhouse-server …"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server clickhouse-client >/dev/null
  fi
}

config() {
  local n=$1 d="$dir/shard$1"
  mkdir -p "$d/data" "$d/tmp" "$d/log" "$d/format_schemas"
  cat >"$d/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage><load_balancing>random</load_balancing></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
  cat >"$d/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$d/log/server.log</log><errorlog>$d/log/error.log</errorlog><size>10M</size><count>2</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$(http_port "$n")</http_port>
  <tcp_port>$(tcp_port "$n")</tcp_port>
  <interserver_http_port>$(inter_port "$n")</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <max_connections>256</max_connections>
  <keep_alive_timeout>3</keep_alive_timeout>
  <max_concurrent_queries>64</max_concurrent_queries>
  <mark_cache_size>268435456</mark_cache_size>
  <path>$d/data/</path>
  <tmp_path>$d/tmp/</tmp_path>
  <format_schema_path>$d/format_schemas/</format_schema_path>
  <users_config>$d/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <remote_servers>
    <uprate>
      <shard><replica><host>127.0.0.1</host><port>$(tcp_port 1)</port></replica></shard>
      <shard><replica><host>127.0.0.1</host><port>$(tcp_port 2)</port></replica></shard>
    </uprate>
  </remote_servers>
  <macros><shard>$n</shard><http_port>$(http_port "$n")</http_port></macros>
</yandex>
XML
}

running() { [ -f "$dir/shard$1/server.pid" ] && kill -0 "$(cat "$dir/shard$1/server.pid")" 2>/dev/null; }

start_shard() {
  local n=$1 d="$dir/shard$1"
  config "$n"
  if running "$n"; then return 0; fi
  nohup clickhouse-server --config-file="$d/config.xml" >"$d/log/stdout.log" 2>&1 &
  echo $! >"$d/server.pid"
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$(http_port "$n")/ping" >/dev/null 2>&1; then return 0; fi
    running "$n" || { echo "clickhouse.sh: shard $n exited; see $d/log" >&2; tail -5 "$d/log/stdout.log" "$d/log/error.log" >&2 2>/dev/null || true; return 1; }
    sleep 0.5
  done
  echo "clickhouse.sh: shard $n did not answer /ping within 60 s" >&2
  return 1
}

stop_shard() {
  local n=$1 pidfile="$dir/shard$1/server.pid"
  if running "$n"; then
    local pid; pid=$(cat "$pidfile")
    kill -CONT "$pid" 2>/dev/null || true
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  start)
    install
    # A fresh data directory per start: 18.16 can resurrect truncated rows after a restart.
    if [ "${UPRATE_CH_KEEP_DATA:-}" != 1 ] && ! running 1 && ! running 2; then rm -rf "$dir"; fi
    start_shard 1 && start_shard 2
    echo "$url"
    ;;
  stop) stop_shard 1; stop_shard 2; echo "clickhouse.sh: stopped" ;;
  stop-shard) stop_shard "${2:?shard number}" ;;
  start-shard) start_shard "${2:?shard number}" ;;
  pause-shard) running "${2:?shard number}" && kill -STOP "$(cat "$dir/shard$2/server.pid")" ;;
  resume-shard) running "${2:?shard number}" && kill -CONT "$(cat "$dir/shard$2/server.pid")" ;;
  url) echo "$url" ;;
  *) echo "usage: $0 start|stop|stop-shard N|start-shard N|pause-shard N|resume-shard N|url" >&2; exit 2 ;;
esac
