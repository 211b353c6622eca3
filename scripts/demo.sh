#!/usr/bin/env bash
# Runs the demo against the private cluster (make demo starts it).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
psql -X -q -d pgml -f "$PGML_ROOT/scripts/demo.sql"
echo
echo "Connect with: psql -h $PGHOST -p $PGPORT -U postgres pgml   (or -h 127.0.0.1)"
echo "Stop the cluster with 'make stop'; remove it with 'make remove-cluster'."
