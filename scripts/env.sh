# Shared settings of the private cluster; sourced by the other scripts. Override with PGML_PORT / PGML_HOME.
PGML_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PGML_HOME="${PGML_HOME:-$PGML_ROOT/.pgml}"
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
