#!/usr/bin/env bash
# pgbench, -M prepared: pgml.predict on a row fetched by primary key versus the same query returning the features
# without predicting, alternated in one run. Usage: pgbench-predict.sh [seconds per run] [rounds]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/env.sh"
secs=${1:-10} rounds=${2:-2}
"$PGML_ROOT/bench/scripts/prepare-flights.sh" >/dev/null
psql -X -q -d pgml -v ON_ERROR_STOP=1 <<'SQL'
SET client_min_messages = warning;
CREATE TABLE IF NOT EXISTS flights_by_id AS
    SELECT row_number() OVER () AS id, year, quarter, month, distance, dayofweek, dayofmonth,
           flight_number_operating_airline, originairportid, destairportid, tail_number
    FROM flights_delay_mat;
CREATE UNIQUE INDEX IF NOT EXISTS flights_by_id_pk ON flights_by_id (id);
ANALYZE flights_by_id;
SQL
n=$(psql -X -A -t -d pgml -c "SELECT count(*) FROM flights_by_id")
dir=$(mktemp -d)
cols="year, quarter, month, distance, dayofweek, dayofmonth, flight_number_operating_airline, originairportid, destairportid, tail_number"
printf '\\set id random(1, %s)\nSELECT pgml.predict('"'"'bench flights'"'"', ARRAY[%s]) FROM flights_by_id WHERE id = :id;\n' "$n" "$cols" > "$dir/predict.sql"
printf '\\set id random(1, %s)\nSELECT ARRAY[%s] FROM flights_by_id WHERE id = :id;\n' "$n" "$cols" > "$dir/features.sql"
echo "clients  query     round  tps"
for c in 1 2; do
    for r in $(seq 1 "$rounds"); do
        for q in features predict; do
            tps=$(pgbench -n -M prepared -c "$c" -j "$c" -T "$secs" -f "$dir/$q.sql" pgml 2>/dev/null \
                  | sed -nE 's/^tps = ([0-9.]+) .*/\1/p')
            printf "%7s  %-8s  %5s  %s\n" "$c" "$q" "$r" "$tps"
        done
    done
done
rm -rf "$dir"
