#!/usr/bin/env bash
# Builds the dashboard and starts it against the private cluster (make dashboard). Extra arguments go to the
# dashboard, e.g. scripts/dashboard.sh --urls http://127.0.0.1:8080 --Dashboard:ReadOnly=true
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PGML_ROOT"
echo "==> building the dashboard"
dotnet build src/Pgml.Dashboard -c Release -nologo -v:q -clp:ErrorsOnly
psql -X -q -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS pgml" >/dev/null
echo "==> dashboard on the private cluster (database $PGDATABASE, port $PGML_PORT); Ctrl-C stops it"
exec dotnet src/Pgml.Dashboard/bin/Release/net10.0/Pgml.Dashboard.dll \
    "--ConnectionStrings:Pgml=Host=$PGHOST;Port=$PGML_PORT;Username=postgres;Database=$PGDATABASE" \
    "--Dashboard:BenchResults=$PGML_ROOT/bench/results" "$@"
