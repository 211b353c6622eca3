-- Regression with XGBoost on a deterministic table: training, metrics, deployment, predictions.
CREATE TABLE houses AS
SELECT i AS id,
       (50 + (i * 37) % 150)::real AS area,
       (1 + i % 4)::smallint AS rooms,
       CASE WHEN i % 10 = 0 THEN NULL ELSE ((i * 13) % 30)::real END AS distance,
       (1000 + 20 * ((i * 37) % 150) + 150 * (i % 4) - 10 * ((i * 13) % 30))::real AS price
FROM generate_series(1, 1000) AS i;
CREATE VIEW houses_training AS SELECT area, rooms, distance, price FROM houses;

SELECT * FROM pgml.train('houses', 'regression', 'houses_training', 'price', algorithm => 'xgboost',
                         hyperparams => '{"n_estimators": 50}', test_sampling => 'last');
SELECT p.name, p.task, m.algorithm, m.num_features, m.status, (m.metrics ->> 'r2')::float8 > 0.99 AS r2_above_0_99,
       m.metrics ?& ARRAY['r2', 'mean_absolute_error', 'mean_squared_error', 'fit_time', 'score_time'] AS has_metrics
FROM pgml.projects p JOIN pgml.models m ON m.project_id = p.id;
SELECT relation_name, y_column_name, test_size, test_sampling, status, analysis FROM pgml.snapshots;
SELECT strategy FROM pgml.deployments;
SELECT path, part, length(data) > 0 AS has_data FROM pgml.files ORDER BY path;

-- predictions next to the true prices (within 2% of the price)
SELECT id, price, abs(pgml.predict('houses', ARRAY[area, rooms, distance]) - price) < 0.02 * price AS close
FROM houses WHERE id IN (1, 2, 10, 500, 999) ORDER BY id;
-- every overload gives the same answer; a NULL array gives NULL
SELECT pgml.predict('houses', ARRAY[100, 2, 5]::real[]) = pgml.predict('houses', ARRAY[100, 2, 5]::float8[]) AS float8_same,
       pgml.predict('houses', ARRAY[100, 2, 5]::real[]) = pgml.predict('houses', ARRAY[100, 2, 5]) AS int_same,
       pgml.predict('houses', ARRAY[100, 2, 5]::real[]) = pgml.predict(1::bigint, ARRAY[100, 2, 5]::real[]) AS by_id_same,
       pgml.predict('houses', NULL::real[]) IS NULL AS null_gives_null;
-- missing values: NULL and NaN elements are the same missing value
SELECT pgml.predict('houses', ARRAY[100, 2, NULL]::real[]) = pgml.predict('houses', ARRAY[100, 2, 'NaN']::real[]) AS null_is_nan;

-- a weaker model does not replace the deployed one; the project's last snapshot is reused
SELECT * FROM pgml.train('houses', algorithm => 'xgboost', hyperparams => '{"n_estimators": 1, "max_depth": 1}');
SELECT count(*) AS models, count(DISTINCT snapshot_id) AS snapshots FROM pgml.models;
-- a deploy rolled back changes nothing
BEGIN;
SELECT * FROM pgml.deploy(2);
SELECT round(pgml.predict('houses', ARRAY[100, 2, 5])) AS weak_prediction_inside;
ROLLBACK;
-- price = 1000 + 20 * (area - 50) + 150 * (rooms - 1) - 10 * distance = 2100 here
SELECT abs(pgml.predict('houses', ARRAY[100, 2, 5]) - 2100) < 100 AS strong_model_again;
