-- Conformance: PostgresML's joint regression example (pgml-extension/examples/joint_regression.sql) on linnerud:
-- pgml.train_joint with three targets on the three exercise columns, predict_joint, metrics averaged over the targets
-- and recomputed over the 'last' split. Model ids depend on the earlier test files and are not shown.
SET client_min_messages = warning;
SELECT * FROM pgml.load_dataset('linnerud');

-- rows in table order; 'last' tests on the last round(20 * 0.25) = 5 rows
CREATE VIEW linnerud_rows AS
SELECT row_number() OVER (ORDER BY ctid) AS rn, ARRAY[chins, situps, jumps] AS x, ARRAY[weight, waist, pulse] AS y, chins, situps, jumps
FROM pgml.linnerud;
CREATE VIEW linnerud_models AS
SELECT row_number() OVER (ORDER BY m.id) AS version, m.*
FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'Exercise vs Physiology';
CREATE OR REPLACE FUNCTION approx_eq(a float8, b float8) RETURNS bool LANGUAGE sql IMMUTABLE AS $$ SELECT abs(a - b) <= 1e-9 * greatest(1, abs(b)) $$;

SELECT * FROM pgml.train_joint('Exercise vs Physiology', 'regression', 'pgml.linnerud', ARRAY['weight', 'waist', 'pulse'],
                               algorithm => 'xgboost', test_sampling => 'last');
SELECT version, num_features, metrics ?& ARRAY['r2', 'mean_absolute_error', 'mean_squared_error', 'fit_time', 'score_time'] AS has_metrics
FROM linnerud_models;
SELECT relation_name, y_column_name, test_sampling, analysis FROM pgml.snapshots
WHERE id = (SELECT snapshot_id FROM linnerud_models WHERE version = 1);
-- one estimator per target
SELECT path, part FROM pgml.files WHERE model_id = (SELECT id FROM linnerud_models WHERE version = 1) AND path LIKE 'estimator%'
ORDER BY path, part;

CREATE TABLE linnerud_predictions AS
SELECT r.rn, r.y, pgml.predict_joint('Exercise vs Physiology', r.x) AS yhat,
       pgml.predict_joint(m.id, r.x) AS yhat_by_id,
       pgml.predict_joint('Exercise vs Physiology', (r.chins, r.situps, r.jumps)) AS yhat_by_row,
       pgml.predict('Exercise vs Physiology', r.x) AS predicted
FROM linnerud_rows r, linnerud_models m WHERE m.version = 1;
-- three values per row (weight, waist, pulse), the same by name, by id and from a row; pgml.predict gives the first
SELECT count(*) AS rows,
       count(*) FILTER (WHERE array_length(yhat, 1) = 3 AND array_ndims(yhat) = 1) AS three_values,
       count(*) FILTER (WHERE yhat_by_id = yhat AND yhat_by_row = yhat) AS same_by_id_and_row,
       count(*) FILTER (WHERE predicted = yhat[1]) AS predict_is_first_target
FROM linnerud_predictions;
-- the 15 training rows are fitted closely (observed within 0.01), and each prediction is in the target's range
SELECT k AS target, count(*) FILTER (WHERE abs(yhat[k] - y[k]) < 0.5) AS training_rows_within_0_5,
       count(*) FILTER (WHERE yhat[k] BETWEEN (SELECT min(y[k]) FROM linnerud_rows) AND (SELECT max(y[k]) FROM linnerud_rows)) AS in_range
FROM linnerud_predictions, generate_series(1, 3) k WHERE rn <= 15 GROUP BY k ORDER BY k;
-- the stored metrics are each target's r2 / errors over the 5 test rows, averaged over the 3 targets
WITH per_target AS (
    SELECT k, 1 - sum((y[k]::float8 - yhat[k]) ^ 2) / sum((y[k]::float8 - avg_y) ^ 2) AS r2,
           avg(abs(y[k]::float8 - yhat[k])) AS mae, avg((y[k]::float8 - yhat[k]) ^ 2) AS mse
    FROM linnerud_predictions, generate_series(1, 3) k,
         LATERAL (SELECT avg(y[k]::float8) AS avg_y FROM linnerud_predictions WHERE rn > 15) a
    WHERE rn > 15 GROUP BY k)
SELECT count(*) AS targets,
       approx_eq(avg(r2), (SELECT (metrics ->> 'r2')::float8 FROM linnerud_models WHERE version = 1)) AS r2_same,
       approx_eq(avg(mae), (SELECT (metrics ->> 'mean_absolute_error')::float8 FROM linnerud_models WHERE version = 1)) AS mae_same,
       approx_eq(avg(mse), (SELECT (metrics ->> 'mean_squared_error')::float8 FROM linnerud_models WHERE version = 1)) AS mse_same,
       avg(mae) < 15 AS mae_below_15    -- observed 10.5 (linnerud is tiny: r2 over 5 rows is negative, observed -0.70)
FROM per_target;

-- predict_batch is for single-target models too: on a joint model it gives the first target of each row
SELECT count(*) AS rows, count(*) FILTER (WHERE b.v = p.yhat[1]) AS first_target
FROM pgml.predict_batch('Exercise vs Physiology', (SELECT array_agg(v ORDER BY rn, k) FROM linnerud_rows, unnest(x) WITH ORDINALITY u(v, k)))
     WITH ORDINALITY b(v, n)
JOIN linnerud_predictions p ON p.rn = b.n;

-- a second joint model on the same snapshot, then deploy by strategy; predict_joint follows the deployed model
SELECT * FROM pgml.train_joint('Exercise vs Physiology', algorithm => 'xgboost', hyperparams => '{"n_estimators": 20, "max_depth": 1, "eta": 0.3}');
SELECT version, snapshot_id = (SELECT snapshot_id FROM linnerud_models WHERE version = 1) AS same_snapshot,
       (metrics ->> 'r2')::float8 > (SELECT (metrics ->> 'r2')::float8 FROM linnerud_models WHERE version = 1) AS better_r2    -- observed -0.30 vs -0.70
FROM linnerud_models WHERE version = 2;
SELECT * FROM pgml.deploy('Exercise vs Physiology', 'rollback');
SELECT count(*) FILTER (WHERE pgml.predict_joint('Exercise vs Physiology', x) = p.yhat) AS same_as_version_1
FROM linnerud_rows r JOIN linnerud_predictions p USING (rn);
SELECT * FROM pgml.deploy('Exercise vs Physiology', 'best_score');
SELECT m.version, count(*) FILTER (WHERE pgml.predict_joint('Exercise vs Physiology', r.x) = pgml.predict_joint(m.id, r.x)) AS same_as_deployed
FROM pgml.deployed_models d JOIN linnerud_models m ON m.id = d.id, linnerud_rows r GROUP BY m.version;
