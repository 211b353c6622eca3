-- Conformance: PostgresML's regression example (pgml-extension/examples/regression.sql) on the diabetes dataset, with
-- XGBoost (pgml's one algorithm so far), and assertions on values: metrics recomputed in SQL over the 'last' test
-- split, predictions by name and by id, the catalog views, deploy strategies and a grid search.
-- Model ids depend on the earlier test files, so models are shown by their version in this project (1, 2, ...), and
-- NOTICEs (automatic deployment names model ids) are hidden.
SET client_min_messages = warning;
SELECT * FROM pgml.load_dataset('diabetes');

-- the rows in table order; test_sampling 'last' tests on the last round(442 * 0.25) = 111 of them
CREATE VIEW diabetes_rows AS
SELECT row_number() OVER (ORDER BY ctid) AS rn, ARRAY[age, sex, bmi, bp, s1, s2, s3, s4, s5, s6] AS x, target
FROM pgml.diabetes;
CREATE VIEW diabetes_test AS SELECT * FROM diabetes_rows WHERE rn > 442 - 111;
CREATE VIEW diabetes_models AS
SELECT row_number() OVER (ORDER BY m.id) AS version, m.*
FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'Diabetes Progression';
-- r2, mean absolute and squared error of a model over the test rows, from pgml.predict
CREATE FUNCTION diabetes_test_scores(model_id bigint, OUT n bigint, OUT r2 float8, OUT mae float8, OUT mse float8)
LANGUAGE sql STABLE AS $$
    WITH p AS (SELECT target::float8 AS y, pgml.predict(model_id, x)::float8 AS yhat FROM diabetes_test)
    SELECT count(*), 1 - sum((y - yhat) ^ 2) / sum((y - (SELECT avg(y) FROM p)) ^ 2), avg(abs(y - yhat)), avg((y - yhat) ^ 2)
    FROM p
$$;
-- a == b up to a relative 1e-9 (the engine sums in another order)
CREATE OR REPLACE FUNCTION approx_eq(a float8, b float8) RETURNS bool LANGUAGE sql IMMUTABLE AS $$ SELECT abs(a - b) <= 1e-9 * greatest(1, abs(b)) $$;

-- version 1: XGBoost's defaults
SELECT * FROM pgml.train('Diabetes Progression', 'regression', 'pgml.diabetes', 'target', algorithm => 'xgboost',
                         test_sampling => 'last');
SELECT version, algorithm, runtime, status, num_features, hyperparams, search, search_params, search_args,
       metrics ?& ARRAY['r2', 'mean_absolute_error', 'mean_squared_error', 'fit_time', 'score_time'] AS has_metrics
FROM diabetes_models;
SELECT relation_name, y_column_name, test_size, test_sampling, status, analysis FROM pgml.snapshots
WHERE id = (SELECT snapshot_id FROM diabetes_models WHERE version = 1);
-- the stored metrics are those of the last 111 rows: recomputed from pgml.predict
SELECT t.n AS test_rows, approx_eq(t.r2, (m.metrics ->> 'r2')::float8) AS r2_same,
       approx_eq(t.mae, (m.metrics ->> 'mean_absolute_error')::float8) AS mae_same,
       approx_eq(t.mse, (m.metrics ->> 'mean_squared_error')::float8) AS mse_same,
       t.r2 > 0.2 AS r2_above_0_2    -- observed 0.267
FROM diabetes_models m, diabetes_test_scores(m.id) t WHERE m.version = 1;
-- predictions by project name and by model id are the same, on every row
SELECT count(*) AS rows,
       count(*) FILTER (WHERE pgml.predict('Diabetes Progression', x) = pgml.predict((SELECT id FROM diabetes_models WHERE version = 1), x)) AS same_by_id,
       count(*) FILTER (WHERE pgml.predict('Diabetes Progression', x) BETWEEN 0 AND 500) AS plausible
FROM diabetes_rows;
-- predict_batch (rows concatenated) gives the same values in the same order
SELECT count(*) AS rows, count(*) FILTER (WHERE b.v = pgml.predict('Diabetes Progression', r.x)) AS same_as_predict
FROM pgml.predict_batch('Diabetes Progression', (SELECT array_agg(v ORDER BY rn, k) FROM diabetes_rows, unnest(x) WITH ORDINALITY u(v, k)))
     WITH ORDINALITY b(v, n)
JOIN diabetes_rows r ON r.rn = b.n;

-- more models on the same snapshot (relation_name omitted): a better one deploys, a tie deploys (PostgresML's rule:
-- deploy unless the deployed model is better), a weaker one does not; runtime 'python' is accepted and ignored
SELECT * FROM pgml.train('Diabetes Progression', algorithm => 'xgboost', hyperparams => '{"n_estimators": 50, "max_depth": 2, "eta": 0.1}');
SELECT * FROM pgml.train('Diabetes Progression', algorithm => 'xgboost', hyperparams => '{"n_estimators": 50, "max_depth": 2, "eta": 0.1}',
                         runtime => 'python');
SELECT * FROM pgml.train('Diabetes Progression', algorithm => 'xgboost', hyperparams => '{"n_estimators": 5, "max_depth": 1}');
SELECT m.version, m.runtime, m.hyperparams, m.snapshot_id = (SELECT snapshot_id FROM diabetes_models WHERE version = 1) AS same_snapshot,
       t.n AS test_rows, approx_eq(t.r2, (m.metrics ->> 'r2')::float8) AS r2_same, approx_eq(t.mae, (m.metrics ->> 'mean_absolute_error')::float8) AS mae_same
FROM diabetes_models m, diabetes_test_scores(m.id) t ORDER BY m.version;
-- floors: version 2 observed r2 0.469, version 4 0.208; versions 2 and 3 are the same model (same split, same trees)
SELECT (SELECT (metrics ->> 'r2')::float8 FROM diabetes_models WHERE version = 2) > 0.4 AS v2_r2_above_0_4,
       (SELECT (metrics ->> 'r2')::float8 FROM diabetes_models WHERE version = 4) > 0.1 AS v4_r2_above_0_1,
       (SELECT metrics - 'fit_time' - 'score_time' FROM diabetes_models WHERE version = 2)
           = (SELECT metrics - 'fit_time' - 'score_time' FROM diabetes_models WHERE version = 3) AS v2_v3_same_metrics,
       (SELECT data FROM pgml.files WHERE path = 'estimator.json' AND model_id = (SELECT id FROM diabetes_models WHERE version = 2))
           = (SELECT data FROM pgml.files WHERE path = 'estimator.json' AND model_id = (SELECT id FROM diabetes_models WHERE version = 3)) AS v2_v3_same_trees;
SELECT m.version, d.strategy FROM pgml.deployments d JOIN diabetes_models m ON m.id = d.model_id ORDER BY d.id;

-- the catalog views
SELECT m.version, t.name, t.task, t.algorithm, t.runtime, t.test_sampling, t.test_size, t.deployed
FROM pgml.trained_models t JOIN diabetes_models m ON m.id = t.id;
SELECT m.version, d.name, d.task, d.algorithm, d.runtime FROM pgml.deployed_models d JOIN diabetes_models m ON m.id = d.id;
SELECT name, task, algorithm, runtime, relation_name, y_column_name, test_sampling, test_size
FROM pgml.overview WHERE name = 'Diabetes Progression';
-- PostgresML's "best models" query (ordered by metrics->>'r2' as text, which is numeric order for these r2 values)
SELECT m.version, trained_models.deployed
FROM pgml.trained_models JOIN diabetes_models m ON m.id = trained_models.id
ORDER BY m.metrics ->> 'r2' DESC, m.version LIMIT 5;

-- deploy strategies; after each, predictions by name are those of the deployed model
SELECT * FROM pgml.deploy('Diabetes Progression', 'most_recent', 'xgboost');
SELECT m.version, count(*) FILTER (WHERE pgml.predict('Diabetes Progression', r.x) = pgml.predict(m.id, r.x)) AS same_as_deployed
FROM pgml.deployed_models d JOIN diabetes_models m ON m.id = d.id, diabetes_rows r GROUP BY m.version;
SELECT * FROM pgml.deploy('Diabetes Progression', 'best_score');
-- best_score compares r2 as numbers; versions 2 and 3 tie at the best r2 and the newer one wins
SELECT m.version, (m.metrics ->> 'r2')::float8 = (SELECT max((metrics ->> 'r2')::float8) FROM diabetes_models) AS has_best_r2,
       count(*) FILTER (WHERE pgml.predict('Diabetes Progression', r.x) = pgml.predict(m.id, r.x)) AS same_as_deployed
FROM pgml.deployed_models d JOIN diabetes_models m ON m.id = d.id, diabetes_rows r GROUP BY m.version, m.metrics;
-- rollback walks back through the deployments (PostgresML swaps between the last two)
SELECT * FROM pgml.deploy('Diabetes Progression', 'rollback');
SELECT m.version FROM pgml.deployed_models d JOIN diabetes_models m ON m.id = d.id;
SELECT * FROM pgml.deploy('Diabetes Progression', 'rollback');
SELECT m.version FROM pgml.deployed_models d JOIN diabetes_models m ON m.id = d.id;
SELECT * FROM pgml.deploy('Diabetes Progression', 'rollback');
SELECT m.version, count(*) FILTER (WHERE pgml.predict('Diabetes Progression', r.x) = pgml.predict(m.id, r.x)) AS same_as_deployed
FROM pgml.deployed_models d JOIN diabetes_models m ON m.id = d.id, diabetes_rows r GROUP BY m.version;
SELECT * FROM pgml.deploy('Diabetes Progression', 'best_score', 'svm');
SELECT m.version, d.strategy FROM pgml.deployments d JOIN diabetes_models m ON m.id = d.model_id ORDER BY d.id;

-- PostgresML's grid search: 2 x 2 x 2 = 8 candidates, each scored by 5-fold cross-validation of the training rows;
-- the best is refit on all training rows and scored on the test rows. The deployed model (version 2 after the
-- rollbacks) has the better r2, so the search's model is not deployed.
SELECT * FROM pgml.train('Diabetes Progression', algorithm => 'xgboost', search => 'grid',
                         search_params => '{"max_depth": [1, 2], "n_estimators": [20, 40], "learning_rate": [0.1, 0.2]}');
SELECT version, search, search_params, search_args, hyperparams = metrics -> 'search_results' -> 'best_params' AS hyperparams_are_best,
       metrics -> 'search_results' ?& ARRAY['params', 'mean_test_score', 'std_test_score', 'rank_test_score', 'best_index',
           'best_params', 'best_score', 'n_splits', 'metric'] AS has_search_results
FROM diabetes_models WHERE version = 5;
-- every result array has one entry per candidate; the candidates are the whole grid, each once
WITH s AS (SELECT metrics -> 'search_results' AS r FROM diabetes_models WHERE version = 5)
SELECT r ->> 'metric' AS metric, (r ->> 'n_splits')::int AS n_splits, jsonb_array_length(r -> 'params') AS candidates,
       (SELECT count(DISTINCT p) FROM jsonb_array_elements(r -> 'params') p) AS distinct_candidates,
       (SELECT bool_and(jsonb_array_length(r -> k) = 8) FROM unnest(ARRAY['params', 'param_max_depth', 'param_n_estimators',
            'param_learning_rate', 'mean_test_score', 'std_test_score', 'rank_test_score', 'split0_test_score', 'split1_test_score',
            'split2_test_score', 'split3_test_score', 'split4_test_score', 'mean_fit_time', 'std_fit_time']) k) AS arrays_of_8,
       (SELECT bool_and(p @> jsonb_build_object('max_depth', d, 'n_estimators', e, 'learning_rate', l))
        FROM jsonb_array_elements(r -> 'params') WITH ORDINALITY c(p, i),
             LATERAL (SELECT r -> 'param_max_depth' -> (i::int - 1) AS d, r -> 'param_n_estimators' -> (i::int - 1) AS e,
                             r -> 'param_learning_rate' -> (i::int - 1) AS l) v) AS param_arrays_match,
       (SELECT count(*) FROM jsonb_array_elements(r -> 'params') p
        WHERE (p ->> 'max_depth')::int IN (1, 2) AND (p ->> 'n_estimators')::int IN (20, 40)
          AND (p ->> 'learning_rate')::numeric IN (0.1, 0.2)) AS candidates_in_grid
FROM s;
-- each mean_test_score is the mean of its 5 split scores; best_index has the highest mean, rank 1, and best_score/params
WITH s AS (SELECT metrics -> 'search_results' AS r FROM diabetes_models WHERE version = 5),
c AS (SELECT i - 1 AS i, (r -> 'mean_test_score' ->> (i::int - 1))::float8 AS mean,
             (SELECT avg((r -> ('split' || k || '_test_score') ->> (i::int - 1))::float8) FROM generate_series(0, 4) k) AS split_mean,
             (r -> 'rank_test_score' ->> (i::int - 1))::int AS rank
      FROM s, generate_series(1, 8) i)
SELECT bool_and(approx_eq(mean, split_mean)) AS means_of_splits,
       (SELECT (r ->> 'best_index')::int FROM s) = (SELECT i FROM c ORDER BY mean DESC LIMIT 1) AS best_index_has_best_mean,
       (SELECT rank FROM c WHERE i = (SELECT (r ->> 'best_index')::int FROM s)) AS best_rank,
       (SELECT (r ->> 'best_score')::float8 = (r -> 'mean_test_score' ->> (r ->> 'best_index')::int)::float8
               AND r -> 'best_params' = r -> 'params' -> (r ->> 'best_index')::int FROM s) AS best_score_and_params,
       (SELECT max(mean) FROM c) > 0.35 AS best_cv_r2_above_0_35    -- observed 0.446
FROM c;
-- the search's model: metrics over the test rows, and the same model as a plain training with the best hyperparams
SELECT * FROM pgml.train('Diabetes Progression', algorithm => 'xgboost', automatic_deploy => false,
                         hyperparams => (SELECT hyperparams FROM diabetes_models WHERE version = 5));
SELECT t.n AS test_rows, approx_eq(t.r2, (m.metrics ->> 'r2')::float8) AS r2_same,
       t.r2 > 0.4 AS r2_above_0_4,    -- observed 0.457
       (SELECT metrics ->> 'r2' FROM diabetes_models WHERE version = 6) = m.metrics ->> 'r2' AS refit_same_r2,
       (SELECT data FROM pgml.files WHERE path = 'estimator.json' AND model_id = m.id)
           = (SELECT data FROM pgml.files WHERE path = 'estimator.json' AND model_id = (SELECT id FROM diabetes_models WHERE version = 6)) AS refit_same_trees
FROM diabetes_models m, diabetes_test_scores(m.id) t WHERE m.version = 5;
SELECT version, deployed FROM pgml.trained_models JOIN diabetes_models USING (id) WHERE version >= 5 ORDER BY version;
