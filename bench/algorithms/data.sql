-- The data of bench/algorithms/run.sh, the same every run for a given row count (psql -v rows=N).
-- algo_bench(id, f1..f10, y_reg, y_cls): f1..f5 uniform on [-1, 1), f6..f10 standard normal (Box-Muller);
--   y_reg = 2 sin(pi f1 f2) + 3 f3^2 + f4 f6 + 0.5 f7 + exp(0.3 f8) - 0.8 |f9| + 0.1 f5 + 0.5 N(0, 1)
--   (nonlinear, with interactions; f10 is pure noise);
--   y_cls = 0, 1, 2: y_reg below its first tertile, between the tertiles, above (thresholds computed on the data).
-- One seeded stream of random() in one backend, no parallel workers: the same rows every time on the same
-- PostgreSQL major version. The rows are i.i.d. in id order, so the first 75% by id is a random 75%.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
DROP TABLE IF EXISTS algo_bench CASCADE;
CREATE TABLE algo_bench (
    id bigint PRIMARY KEY,
    f1 real, f2 real, f3 real, f4 real, f5 real, f6 real, f7 real, f8 real, f9 real, f10 real,
    y_reg real,
    y_cls int
);
SELECT setseed(0.42);
CREATE TEMP TABLE algo_raw AS
SELECT g::bigint AS id,
       (2 * random() - 1)::real AS f1, (2 * random() - 1)::real AS f2, (2 * random() - 1)::real AS f3,
       (2 * random() - 1)::real AS f4, (2 * random() - 1)::real AS f5,
       (sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::real AS f6,
       (sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::real AS f7,
       (sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::real AS f8,
       (sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::real AS f9,
       (sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::real AS f10,
       sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS noise
FROM generate_series(1, :rows) AS g;
CREATE TEMP TABLE algo_y AS
SELECT id, (2 * sin(pi() * f1 * f2) + 3 * f3 * f3 + f4 * f6 + 0.5 * f7 + exp(0.3 * f8) - 0.8 * abs(f9) + 0.1 * f5
            + 0.5 * noise)::real AS y_reg
FROM algo_raw;
SELECT percentile_cont(1.0 / 3) WITHIN GROUP (ORDER BY y_reg) AS q1,
       percentile_cont(2.0 / 3) WITHIN GROUP (ORDER BY y_reg) AS q2
FROM algo_y \gset
INSERT INTO algo_bench
SELECT r.id, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, y.y_reg,
       CASE WHEN y.y_reg < :q1 THEN 0 WHEN y.y_reg < :q2 THEN 1 ELSE 2 END
FROM algo_raw r JOIN algo_y y USING (id)
ORDER BY r.id;
DROP TABLE algo_raw, algo_y;
VACUUM ANALYZE algo_bench;
