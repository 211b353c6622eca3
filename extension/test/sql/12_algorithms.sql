-- Every algorithm through SQL: trained on a 'last' split, its stored metric recomputed from pgml.predict over the
-- held-out rows (accuracy exact, r2 to 1e-9 relative), its quality shown to two decimals (all training is seeded,
-- so the values are stable); clustering and decomposition without a label; the errors of each kind of model.
SET client_min_messages = warning;
-- (loaded by earlier files, whose views depend on them; load only when missing)
DO $$ BEGIN
    IF to_regclass('pgml.iris') IS NULL THEN PERFORM pgml.load_dataset('iris'); END IF;
    IF to_regclass('pgml.diabetes') IS NULL THEN PERFORM pgml.load_dataset('diabetes'); END IF;
END $$;
CREATE OR REPLACE FUNCTION approx_eq(a float8, b float8) RETURNS bool LANGUAGE sql IMMUTABLE AS $$ SELECT abs(a - b) <= 1e-9 * greatest(1, abs(b)) $$;

-- iris shuffled deterministically (the dataset is sorted by class); diabetes as it comes
CREATE VIEW algo_iris AS
SELECT sepal_length, sepal_width, petal_length, petal_width, target
FROM pgml.iris ORDER BY md5(concat_ws(',', sepal_length, sepal_width, petal_length, petal_width, target)), sepal_length;
CREATE VIEW algo_iris_rows AS SELECT row_number() OVER () AS rn, target, ARRAY[sepal_length, sepal_width, petal_length, petal_width] AS x FROM algo_iris;
CREATE VIEW algo_diabetes_rows AS
SELECT row_number() OVER () AS rn, target, ARRAY[age, sex, bmi, bp, s1, s2, s3, s4, s5, s6] AS x FROM pgml.diabetes;

CREATE TABLE algo_cases (algorithm text, task text, hyperparams jsonb);
INSERT INTO algo_cases VALUES
    ('xgboost', 'classification', '{"n_estimators": 20}'), ('xgboost', 'regression', '{"n_estimators": 20}'),
    ('xgboost_random_forest', 'classification', '{"n_estimators": 20}'), ('xgboost_random_forest', 'regression', '{"n_estimators": 20}'),
    ('lightgbm', 'classification', '{"n_estimators": 20}'), ('lightgbm', 'regression', '{"n_estimators": 20}'),
    ('linear', 'classification', '{"max_iter": 1000}'), ('linear', 'regression', '{}'),
    ('ridge', 'classification', '{}'), ('ridge', 'regression', '{"alpha": 0.1}'),
    ('lasso', 'regression', '{"alpha": 0.1}'), ('elastic_net', 'regression', '{"alpha": 0.01}'),
    ('linear_svm', 'classification', '{"max_iter": 10000}'), ('linear_svm', 'regression', '{"C": 100, "max_iter": 10000}'),
    ('svm', 'classification', '{}'), ('svm', 'regression', '{"C": 100}'),
    ('random_forest', 'classification', '{"n_estimators": 20}'), ('random_forest', 'regression', '{"n_estimators": 20}'),
    ('extra_trees', 'classification', '{"n_estimators": 20}'), ('extra_trees', 'regression', '{"n_estimators": 20}'),
    ('knn', 'classification', '{}'), ('knn', 'regression', '{"n_neighbors": 10}');

DO $$
DECLARE c record;
BEGIN
    FOR c IN SELECT * FROM algo_cases LOOP
        PERFORM pgml.train('algo ' || c.algorithm || ' ' || c.task, c.task,
                           CASE c.task WHEN 'classification' THEN 'algo_iris' ELSE 'pgml.diabetes' END, 'target',
                           algorithm => c.algorithm::pgml.algorithm, hyperparams => c.hyperparams, test_sampling => 'last');
    END LOOP;
END $$;

-- classification: 150 rows, the last 38 held out; accuracy recomputed exactly, the label always one of the classes
SELECT c.algorithm, round((m.metrics->>'accuracy')::numeric, 2) AS accuracy, round((m.metrics->>'f1')::numeric, 2) AS f1,
       (SELECT avg((pgml.predict('algo ' || c.algorithm || ' classification', r.x) = r.target)::int)::float8
        FROM algo_iris_rows r WHERE r.rn > 112) = (m.metrics->>'accuracy')::float8 AS accuracy_recomputed,
       (SELECT bool_and(pgml.predict_label('algo ' || c.algorithm || ' classification', r.x) IN ('0', '1', '2')) FROM algo_iris_rows r) AS labels_ok
FROM algo_cases c JOIN pgml.projects p ON p.name = 'algo ' || c.algorithm || ' ' || c.task JOIN pgml.models m ON m.project_id = p.id
WHERE c.task = 'classification' ORDER BY c.algorithm;

-- regression: 442 rows, the last 111 held out; r2 recomputed from pgml.predict
SELECT c.algorithm, round((m.metrics->>'r2')::numeric, 2) AS r2,
       approx_eq((SELECT 1 - sum((r.target - p.y) ^ 2) / sum((r.target - avg_t) ^ 2)
                  FROM algo_diabetes_rows r,
                       LATERAL (SELECT pgml.predict('algo ' || c.algorithm || ' regression', r.x)::float8 AS y) p,
                       (SELECT avg(target) AS avg_t FROM algo_diabetes_rows WHERE rn > 331) a
                  WHERE r.rn > 331), (m.metrics->>'r2')::float8) AS r2_recomputed
FROM algo_cases c JOIN pgml.projects p ON p.name = 'algo ' || c.algorithm || ' ' || c.task JOIN pgml.models m ON m.project_id = p.id
WHERE c.task = 'regression' ORDER BY c.algorithm;

-- probabilities: from the algorithms that have them, summing to 1; decision-score models say they have none
SELECT c.algorithm, count(*) FILTER (WHERE abs((SELECT sum(v) FROM unnest(pgml.predict_proba('algo ' || c.algorithm || ' classification', r.x)) v) - 1) < 1e-5) AS sum_to_1
FROM algo_cases c, algo_iris_rows r
WHERE c.task = 'classification' AND c.algorithm NOT IN ('ridge', 'linear_svm', 'svm') GROUP BY c.algorithm ORDER BY c.algorithm;
SELECT pgml.predict_proba('algo svm classification', ARRAY[5.1, 3.5, 1.4, 0.2]::real[]);

-- clustering: every column a feature, no label; the default algorithm is kmeans
CREATE VIEW algo_iris_features AS SELECT sepal_length, sepal_width, petal_length, petal_width FROM algo_iris;
SELECT * FROM pgml.train('algo clusters', 'clustering', 'algo_iris_features', hyperparams => '{"n_clusters": 3}');
SELECT * FROM pgml.train('algo clusters', algorithm => 'mini_batch_kmeans', hyperparams => '{"n_clusters": 3}');
SELECT m.algorithm, (m.metrics->>'silhouette')::float8 > 0.5 AS silhouette_above_half,
       (SELECT count(DISTINCT pgml.predict(m.id, r.x)) FROM algo_iris_rows r) AS clusters,
       -- the clusters follow the species: each species' rows fall mostly in one cluster
       (SELECT count(*) FROM (SELECT target, mode() WITHIN GROUP (ORDER BY pgml.predict(m.id, r.x)) AS c FROM algo_iris_rows r GROUP BY target) t) AS species
FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'algo clusters' ORDER BY m.id;

-- decomposition: pca (the default), pgml.decompose returns the components
SELECT * FROM pgml.train('algo pca', 'decomposition', 'algo_iris_features', hyperparams => '{"n_components": 2}');
SELECT round((metrics->>'cumulative_explained_variance')::numeric, 2) AS cumulative_explained_variance
FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'algo pca';
SELECT array_length(pgml.decompose('algo pca', ARRAY[5.1, 3.5, 1.4, 0.2]::real[]), 1) AS components,
       pgml.decompose('algo pca', ARRAY[5.1, 3.5, 1.4, 0.2]::real[]) = pgml.decompose('algo pca', (5.1, 3.5, 1.4, 0.2)) AS row_same_as_array;
-- the mean of the components over the training rows is (nearly) zero
SELECT bool_and(abs(c) < 0.2) AS centred
FROM (SELECT avg(d[1]) AS c FROM (SELECT pgml.decompose('algo pca', r.x) AS d FROM algo_iris_rows r WHERE rn <= 112) s
      UNION ALL SELECT avg(d[2]) FROM (SELECT pgml.decompose('algo pca', r.x) AS d FROM algo_iris_rows r WHERE rn <= 112) s) t;

-- errors of each kind of model
SELECT pgml.predict('algo pca', ARRAY[5.1, 3.5, 1.4, 0.2]::real[]);
SELECT pgml.decompose('algo clusters', ARRAY[5.1, 3.5, 1.4, 0.2]::real[]);
SELECT pgml.predict_proba('algo clusters', ARRAY[5.1, 3.5, 1.4, 0.2]::real[]);
SELECT pgml.predict('algo linear regression', ARRAY[0.01, NULL, 0.02, 0.01, 0, 0, 0, 0, 0, 0]::real[]);
SELECT * FROM pgml.train('algo bad', 'clustering', 'algo_iris', 'target');
SELECT * FROM pgml.train('algo bad', 'regression', 'pgml.diabetes', 'target', algorithm => 'kmeans');
SELECT * FROM pgml.train('algo bad', 'classification', 'algo_iris', 'target', algorithm => 'lasso');
SELECT * FROM pgml.train('algo bad', 'classification', 'algo_iris', 'target', algorithm => 'svm', hyperparams => '{"kernel": "cosine"}');
SELECT * FROM pgml.train('algo bad', 'classification', 'algo_iris', 'target', algorithm => 'knn', hyperparams => '{"n_neighbours": 3}');
SELECT * FROM pgml.train('algo bad', 'clustering', 'algo_iris_features', hyperparams => '{"n_clusters": 1000}');
CREATE TABLE algo_missing AS SELECT * FROM pgml.diabetes;
UPDATE algo_missing SET bmi = NULL WHERE age > 0.05;
SELECT * FROM pgml.train('algo bad', 'regression', 'algo_missing', 'target', algorithm => 'ridge');
SELECT algorithm, deployed FROM pgml.train('algo imputed', 'regression', 'algo_missing', 'target', algorithm => 'ridge',
                                           preprocess => '{"bmi": {"impute": "mean"}}');
SELECT count(*) FROM pgml.projects WHERE name = 'algo bad';
