#!/usr/bin/env bash
# A small flights_delay_mat (the PostgresML benchmark's schema, synthetic rows) and the 'bench flights' model:
# XGBoost, 25 trees, as in the benchmark. Idempotent. Usage: prepare-flights.sh [rows]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/env.sh"
rows=${1:-100000}
psql -X -q -d pgml -v ON_ERROR_STOP=1 -v rows="$rows" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgml;
CREATE TABLE IF NOT EXISTS flights_delay_mat (depdelayminutes real, year real NOT NULL, quarter real NOT NULL,
    month real NOT NULL, distance real NOT NULL, dayofweek real NOT NULL, dayofmonth real NOT NULL,
    flight_number_operating_airline real NOT NULL, originairportid real NOT NULL, destairportid real NOT NULL,
    tail_number real NOT NULL);
SELECT count(*) = 0 AS empty FROM flights_delay_mat \gset
\if :empty
SELECT setseed(0.7);
INSERT INTO flights_delay_mat
SELECT greatest(0, -5 + 20 * (-ln(random())) * (1 + (month IN (6, 7, 12))::int) + distance / 500)::real, year,
       ceil(month / 3.0), month, distance, dayofweek, dayofmonth, flight, origin, dest, tail
FROM (SELECT (2018 + floor(random() * 5))::real AS year, (1 + floor(random() * 12))::real AS month,
             (100 + floor(random() * 2500))::real AS distance, (1 + floor(random() * 7))::real AS dayofweek,
             (1 + floor(random() * 28))::real AS dayofmonth, floor(random() * 7000)::real AS flight,
             (10000 + floor(random() * 400))::real AS origin, (10000 + floor(random() * 400))::real AS dest,
             floor(random() * 5000)::real AS tail
      FROM generate_series(1, :rows)) s;
CREATE INDEX ON flights_delay_mat USING btree (originairportid, year, month, dayofmonth);
ANALYZE flights_delay_mat;
\endif
SELECT count(*) = 0 AS untrained FROM pgml.projects WHERE name = 'bench flights' \gset
\if :untrained
SELECT * FROM pgml.train('bench flights', 'regression', 'flights_delay_mat', 'depdelayminutes',
                         algorithm => 'xgboost', hyperparams => '{"n_estimators": 25}');
\endif
SQL
