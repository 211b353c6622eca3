-- Conformance: PostgresML's multiclass example (pgml-extension/examples/multi_classification.sql) on iris, with TEXT
-- labels from a VIEW, XGBoost, and assertions on values: predict gives the class index (classes sorted by text),
-- predict_label the name, predict_proba three probabilities in class order; metrics recomputed over the 'last' split.
-- Model ids depend on the earlier test files and are not shown; NOTICEs (which name them) are hidden.
SET client_min_messages = warning;
SELECT * FROM pgml.load_dataset('iris');

-- PostgresML's view takes ORDER BY random() LIMIT 100; this one shuffles deterministically by a hash of the row.
-- Its first labels are versicolor, virginica, setosa: class indices follow the text order, not first appearance.
CREATE VIEW iris_view AS
SELECT sepal_length, sepal_width, petal_length, petal_width,
       CASE target WHEN 0 THEN 'setosa' WHEN 1 THEN 'versicolor' WHEN 2 THEN 'virginica' END AS species
FROM pgml.iris
ORDER BY md5(concat_ws(',', sepal_length::numeric, sepal_width::numeric, petal_length::numeric, petal_width::numeric, target)), sepal_length
LIMIT 100;
SELECT species, count(*) FROM iris_view GROUP BY species ORDER BY species;
SELECT species FROM iris_view LIMIT 3;
CREATE VIEW iris_rows AS
SELECT row_number() OVER () AS rn, species, ARRAY[sepal_length, sepal_width, petal_length, petal_width] AS x FROM iris_view;
CREATE VIEW iris_models AS
SELECT row_number() OVER (ORDER BY m.id) AS version, m.*
FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'Iris Flower Types';
CREATE OR REPLACE FUNCTION approx_eq(a float8, b float8) RETURNS bool LANGUAGE sql IMMUTABLE AS $$ SELECT abs(a - b) <= 1e-9 * greatest(1, abs(b)) $$;

-- 'last' tests on the view's last round(100 * 0.25) = 25 rows
SELECT * FROM pgml.train('Iris Flower Types', 'classification', 'iris_view', 'species', algorithm => 'xgboost', test_sampling => 'last');
SELECT version, num_features,
       metrics ?& ARRAY['accuracy', 'f1', 'precision', 'recall', 'mcc', 'log_loss', 'fit_time', 'score_time', 'confusion_matrix'] AS has_metrics,
       metrics ? 'roc_auc' AS has_roc_auc
FROM iris_models;

CREATE TABLE iris_predictions AS
SELECT r.rn, r.species, pgml.predict('Iris Flower Types', r.x) AS predicted,
       pgml.predict_label('Iris Flower Types', r.x) AS label,
       pgml.predict_proba('Iris Flower Types', r.x) AS proba,
       pgml.predict(m.id, r.x) AS predicted_by_id,
       pgml.predict_label(m.id, r.x) AS label_by_id,
       pgml.predict_proba(m.id, r.x) AS proba_by_id
FROM iris_rows r, iris_models m WHERE m.version = 1;
-- predict is the index of the label in text order; predict_label its text
SELECT DISTINCT predicted, label FROM iris_predictions ORDER BY predicted;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE predicted_by_id = predicted AND label_by_id = label AND proba_by_id = proba) AS same_by_id,
       count(*) FILTER (WHERE label = (ARRAY['setosa', 'versicolor', 'virginica'])[predicted::int + 1]) AS label_is_class_index,
       count(*) FILTER (WHERE array_length(proba, 1) = 3) AS three_probabilities,
       count(*) FILTER (WHERE abs(proba[1]::float8 + proba[2] + proba[3] - 1) < 1e-5) AS sum_to_1,
       count(*) FILTER (WHERE proba[predicted::int + 1] = (SELECT max(p) FROM unnest(proba) p)) AS largest_is_predicted,
       count(*) FILTER (WHERE label = species) > 95 AS above_95_correct    -- observed 98 of 100
FROM iris_predictions;
-- in class order: the average probability of each row's true class is above 0.8, of the other two below 0.2
SELECT species, avg(proba[1]) > 0.8 AS p_setosa_high, avg(proba[2]) > 0.8 AS p_versicolor_high, avg(proba[3]) > 0.8 AS p_virginica_high,
       avg(proba[1]) < 0.2 AS p_setosa_low, avg(proba[2]) < 0.2 AS p_versicolor_low, avg(proba[3]) < 0.2 AS p_virginica_low
FROM iris_predictions GROUP BY species ORDER BY species;
-- a row of the features gives the same answers as the array
SELECT count(*) AS rows,
       count(*) FILTER (WHERE pgml.predict('Iris Flower Types', (v.sepal_length, v.sepal_width, v.petal_length, v.petal_width)) = p.predicted
                          AND pgml.predict_label('Iris Flower Types', (v.sepal_length, v.sepal_width, v.petal_length, v.petal_width)) = p.label
                          AND pgml.predict_proba('Iris Flower Types', (v.sepal_length, v.sepal_width, v.petal_length, v.petal_width)) = p.proba) AS same_by_row
FROM (SELECT row_number() OVER () AS rn, * FROM iris_view) v JOIN iris_predictions p USING (rn);

-- metrics recomputed over the last 25 rows: accuracy exactly, precision/recall/f1 as macro averages over the classes
-- present (scikit-learn's average='macro'), log_loss from the probabilities
CREATE VIEW iris_scores AS
WITH t AS (SELECT species, label, proba[array_position(ARRAY['setosa', 'versicolor', 'virginica'], species)]::float8 AS p_true,
                  proba[1]::float8 + proba[2] + proba[3] AS p_sum
           FROM iris_predictions WHERE rn > 100 - 25),
per_class AS (SELECT c, count(*) FILTER (WHERE species = c AND label = c) AS tp, count(*) FILTER (WHERE species <> c AND label = c) AS fp,
                     count(*) FILTER (WHERE species = c AND label <> c) AS fn
              FROM t, unnest(ARRAY['setosa', 'versicolor', 'virginica']) c GROUP BY c)
SELECT (SELECT count(*) FROM t) AS n,
       (SELECT count(*) FILTER (WHERE species = label)::float8 / count(*) FROM t) AS accuracy,
       avg(CASE WHEN tp + fp = 0 THEN 0 ELSE tp::float8 / (tp + fp) END) AS precision,
       avg(CASE WHEN tp + fn = 0 THEN 0 ELSE tp::float8 / (tp + fn) END) AS recall,
       avg(CASE WHEN tp = 0 THEN 0 ELSE 2.0::float8 * tp / (2 * tp + fp + fn) END) AS f1,
       (SELECT avg(-ln(greatest(least(p_true, 1 - 1e-15), 1e-15) / p_sum)) FROM t) AS log_loss,
       -- K-class Matthews correlation (scikit-learn's matthews_corrcoef) from the per-class counts; the confusion matrix
       -- with rows = true class, columns = predicted class, in class order
       (SELECT ((sum(tp) * sum(tp + fn) - sum((tp + fp) * (tp + fn)))
                / sqrt((sum(tp + fn) ^ 2 - sum((tp + fp) ^ 2)) * (sum(tp + fn) ^ 2 - sum((tp + fn) ^ 2))))::float8 FROM per_class) AS mcc,
       (SELECT jsonb_agg(r ORDER BY tc) FROM (
            SELECT tc, jsonb_agg((SELECT count(*) FROM t WHERE species = tc AND label = pc) ORDER BY pc) AS r
            FROM unnest(ARRAY['setosa', 'versicolor', 'virginica']) tc, unnest(ARRAY['setosa', 'versicolor', 'virginica']) pc
            GROUP BY tc) m) AS confusion_matrix
FROM per_class WHERE tp + fp + fn > 0;
SELECT s.n AS test_rows,
       (m.metrics ->> 'accuracy')::float8 = s.accuracy AS accuracy_same,
       approx_eq((m.metrics ->> 'precision')::float8, s.precision) AS precision_same,
       approx_eq((m.metrics ->> 'recall')::float8, s.recall) AS recall_same,
       approx_eq((m.metrics ->> 'f1')::float8, s.f1) AS f1_same,
       abs((m.metrics ->> 'log_loss')::float8 - s.log_loss) < 1e-6 AS log_loss_same,
       approx_eq((m.metrics ->> 'mcc')::float8, s.mcc) AS mcc_same,
       m.metrics -> 'confusion_matrix' = s.confusion_matrix AS confusion_matrix_same,
       s.accuracy > 0.85 AS accuracy_above_0_85,    -- observed 0.92 (23 of 25)
       s.f1 > 0.85 AS f1_above_0_85,                -- observed 0.907
       s.mcc > 0.8 AS mcc_above_0_8,                -- observed 0.887
       s.log_loss < 0.5 AS log_loss_below_0_5       -- observed 0.234
FROM iris_models m, iris_scores s WHERE m.version = 1;

-- PostgresML's default sampling (stratified) on the same view: a new snapshot, a floor on its metrics
-- (whether it deploys depends on its split, seeded by the snapshot id, which the earlier test files move: not shown)
SELECT project, task, algorithm FROM pgml.train('Iris Flower Types', 'classification', 'iris_view', 'species', algorithm => 'xgboost',
                                                hyperparams => '{"n_estimators": 20}');
SELECT version, (SELECT test_sampling FROM pgml.snapshots WHERE id = snapshot_id) AS test_sampling,
       (metrics ->> 'accuracy')::float8 >= 0.8 AS accuracy_at_least_0_8, (metrics ->> 'f1')::float8 >= 0.8 AS f1_at_least_0_8
FROM iris_models WHERE version = 2;
-- both models agree with the labels of almost all 150 rows of the full table
SELECT count(*) AS rows,
       count(*) FILTER (WHERE pgml.predict_label(m1.id, ARRAY[sepal_length, sepal_width, petal_length, petal_width]) = species) > 140 AS v1_above_140,
       count(*) FILTER (WHERE pgml.predict_label(m2.id, ARRAY[sepal_length, sepal_width, petal_length, petal_width]) = species) > 140 AS v2_above_140
FROM (SELECT *, (ARRAY['setosa', 'versicolor', 'virginica'])[target + 1] AS species FROM pgml.iris) i,
     iris_models m1, iris_models m2
WHERE m1.version = 1 AND m2.version = 2;

-- a perfect classifier: setosa against the rest, on the same rows (the last 25 hold 10 setosa); every metric is exactly
-- 1, mcc included (it once came out as 0.9999999999999998 from two separate square roots)
CREATE VIEW iris_setosa AS
SELECT sepal_length, sepal_width, petal_length, petal_width, CASE species WHEN 'setosa' THEN 'setosa' ELSE 'other' END AS kind FROM iris_view;
SELECT * FROM pgml.train('Iris setosa', 'classification', 'iris_setosa', 'kind', algorithm => 'xgboost', test_sampling => 'last');
SELECT metrics -> 'confusion_matrix' AS confusion_matrix, (metrics ->> 'accuracy')::float8 = 1 AS accuracy_1,
       (metrics ->> 'f1')::float8 = 1 AS f1_1, (metrics ->> 'roc_auc')::float8 = 1 AS roc_auc_1,
       (metrics ->> 'mcc')::float8 = 1 AS mcc_1, (metrics ->> 'mcc')::float8 BETWEEN -1 AND 1 AS mcc_in_range,
       (metrics ->> 'log_loss')::float8 < 0.1 AS log_loss_below_0_1
FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'Iris setosa';
