#!/usr/bin/env bash
# The private PostgreSQL cluster of this checkout, in .pgml/ (git-ignored): unix socket in .pgml/run plus
# 127.0.0.1:$PGML_PORT. Usage: cluster.sh start | stop | remove | status | psql [args]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
data="$PGML_HOME/data" log="$PGML_HOME/server.log"

start() {
    mkdir -p "$PGML_HOME/run"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGML_HOME" "$PGML_HOME/run"
    if [ ! -f "$data/PG_VERSION" ]; then
        echo "==> creating the private cluster in $data"
        as_pg "$PG_BIN/initdb" -D "$data" -A trust -U postgres -E UTF8 --no-locale >/dev/null
        cat >> "$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGML_PORT
unix_socket_directories = '$PGML_HOME/run'
max_connections = 120
shared_buffers = 256MB
log_line_prefix = '%m [%p] '
fsync = off
synchronous_commit = off
CONF
    fi
    if as_pg "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        echo "==> private cluster already running (port $PGML_PORT)"
    else
        as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null
        echo "==> private cluster started: host $PGHOST (or 127.0.0.1) port $PGML_PORT, log $log"
    fi
    psql -X -q -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'pgml'" | grep -q 1 \
        || psql -X -q -d postgres -c "CREATE DATABASE pgml" >/dev/null
}

stop() {
    if [ -f "$data/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
        echo "==> private cluster stopped"
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    remove) stop; rm -rf "$PGML_HOME"; echo "==> private cluster removed" ;;
    status) as_pg "$PG_BIN/pg_ctl" -D "$data" status ;;
    psql) shift; exec psql -X "$@" ;;
    *) echo "usage: $0 start|stop|remove|status|psql [args]" >&2; exit 2 ;;
esac
