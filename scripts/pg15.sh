#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 cluster with pg_stat_statements and HypoPG (Debian packages),
# print its URL on stdout. Usage: scripts/pg15.sh start <dir> <port> | scripts/pg15.sh stop <dir>
set -euo pipefail
BIN=/usr/lib/postgresql/15/bin
cmd=${1:?install|start|stop}; dir=${2:-}
case "$cmd" in
  install)
    export DEBIAN_FRONTEND=noninteractive
    if [ ! -x "$BIN/postgres" ] || [ ! -f /usr/share/postgresql/15/extension/hypopg.control ]; then
      apt-get update -qq >&2
      apt-get install -y -qq postgresql-15 postgresql-contrib postgresql-15-hypopg >&2
    fi
    ;;
  start)
    port=${3:?port}
    rm -rf "$dir"; mkdir -p "$dir"; chown postgres:postgres "$dir"
    echo pglens-ci > "$dir/pw"; chown postgres "$dir/pw"
    su postgres -s /bin/sh -c "cd / && $BIN/initdb -D '$dir/data' -U postgres --auth=scram-sha-256 --pwfile='$dir/pw' -E UTF8 >/dev/null"
    su postgres -s /bin/sh -c "cd / && $BIN/pg_ctl -D '$dir/data' -l '$dir/log' -w -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c shared_preload_libraries=pg_stat_statements -c compute_query_id=on -c fsync=off -c max_connections=200\" start >/dev/null"
    echo "postgres://postgres:pglens-ci@127.0.0.1:$port/postgres"
    ;;
  stop)
    su postgres -s /bin/sh -c "cd / && $BIN/pg_ctl -D '$dir/data' -m fast stop >/dev/null" || true
    rm -rf "$dir"
    ;;
esac
