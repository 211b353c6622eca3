#!/usr/bin/env bash
# Similarity search next to the data: ORDER BY pgml.cosine_similarity(v, query) LIMIT 10 (and dot_product, distance_l2)
# over a table of vectors, against the same scan ordered by a stored number (the floor: what the scan and the sort
# cost without any vector arithmetic). Alternated in one run, medians of the rounds, serial plans (no parallel
# workers, so the ratio is per core).
#
#   make cluster && bench/vectors/run.sh [--rows N] [--dims D] [--rounds R]
#
#   --rows N     rows of the generated table (default 100000)
#   --dims D     elements of each real[] vector (default 384, the size of all-MiniLM-L6-v2's embeddings)
#   --rounds R   timed rounds of each query, alternated (default 7)
#
# Uses its own database, pgml_vector_bench (the table is regenerated when its size differs). Prints a Markdown table.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../../scripts/env.sh"
ROWS=100000 DIMS=384 ROUNDS=7
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) ROWS=$2; shift 2 ;;
        --dims) DIMS=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
DB=pgml_vector_bench
psql -X -q -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 || psql -X -q -d postgres -c "CREATE DATABASE $DB"
run() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
run -c "CREATE EXTENSION IF NOT EXISTS pgml"
have=""
if [ "$(run -tAc "SELECT to_regclass('vector_bench') IS NOT NULL")" = t ]; then
    have=$(run -tAc "SELECT count(*) || 'x' || max(cardinality(v)) FROM vector_bench")
fi
if [ "$have" != "${ROWS}x${DIMS}" ]; then
    echo "==> generating $ROWS vectors of $DIMS dimensions"
    run -c "DROP TABLE IF EXISTS vector_bench" \
        -c "SELECT setseed(0.42)" \
        -c "CREATE TABLE vector_bench AS SELECT i AS id, random()::real AS score,
                ARRAY(SELECT (random() - 0.5)::real FROM generate_series(1, $DIMS) WHERE i > 0) AS v
            FROM generate_series(1, $ROWS) i" \
        -c "VACUUM ANALYZE vector_bench"
fi
echo "==> $ROUNDS alternated rounds over $ROWS rows of real[$DIMS] (table $(run -tAc "SELECT pg_size_pretty(pg_total_relation_size('vector_bench'))"))"
run <<SQL
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE timings (query TEXT, ms DOUBLE PRECISION);
DO \$\$
DECLARE
    q REAL[] := (SELECT v FROM vector_bench WHERE id = 1);
    t TIMESTAMPTZ;
    warm INT;
BEGIN
    FOR round IN 0..$ROUNDS LOOP   -- round 0 warms the cache and the plans, and is not counted
        t := clock_timestamp(); PERFORM id FROM vector_bench ORDER BY score DESC LIMIT 10;
        IF round > 0 THEN INSERT INTO timings VALUES ('floor: ORDER BY score', 1000 * extract(epoch FROM clock_timestamp() - t)); END IF;
        t := clock_timestamp(); PERFORM id FROM vector_bench ORDER BY pgml.cosine_similarity(v, q) DESC LIMIT 10;
        IF round > 0 THEN INSERT INTO timings VALUES ('ORDER BY pgml.cosine_similarity(v, q)', 1000 * extract(epoch FROM clock_timestamp() - t)); END IF;
        t := clock_timestamp(); PERFORM id FROM vector_bench ORDER BY pgml.dot_product(v, q) DESC LIMIT 10;
        IF round > 0 THEN INSERT INTO timings VALUES ('ORDER BY pgml.dot_product(v, q)', 1000 * extract(epoch FROM clock_timestamp() - t)); END IF;
        t := clock_timestamp(); PERFORM id FROM vector_bench ORDER BY pgml.distance_l2(v, q) LIMIT 10;
        IF round > 0 THEN INSERT INTO timings VALUES ('ORDER BY pgml.distance_l2(v, q)', 1000 * extract(epoch FROM clock_timestamp() - t)); END IF;
    END LOOP;
END
\$\$;
\pset format aligned
\pset border 2
SELECT query, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS median_ms,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) / (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)
             FROM timings WHERE query LIKE 'floor%'))::numeric, 2) AS vs_floor,
       round(($ROWS / (percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) / 1000))::numeric) AS rows_per_s
FROM timings GROUP BY query ORDER BY median_ms;
SQL
