# Shared settings of the private cluster; sourced by the other scripts. Override with PGML_PORT / PGML_HOME.
PGML_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PGML_HOME="${PGML_HOME:-$PGML_ROOT/.pgml}"
# The server runs as the postgres user, which must be able to reach the folder. When the checkout sits under a
# private directory (e.g. /root), keep the cluster in /var/tmp and leave a .pgml link to it in the checkout.
if [ "$(id -u)" = 0 ] && [ ! -L "$PGML_HOME" ] && ! su postgres -s /bin/sh -c "test -x '$PGML_ROOT'" 2>/dev/null; then
    target="/var/tmp/pgml-$(printf '%s' "$PGML_ROOT" | md5sum | cut -c1-12)"
    mkdir -p "$target" && rm -rf "$PGML_HOME" && ln -s "$target" "$PGML_HOME"
fi
[ -L "$PGML_HOME" ] && PGML_HOME="$(readlink -f "$PGML_HOME")"
PGML_PORT="${PGML_PORT:-55433}"
PG_BIN="$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)"
export PGHOST="$PGML_HOME/run" PGPORT="$PGML_PORT" PGUSER=postgres PGDATABASE="${PGDATABASE:-pgml}"

# initdb and postgres refuse root: run them as the postgres user when we are root.
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
    else
        "$@"
    fi
}
