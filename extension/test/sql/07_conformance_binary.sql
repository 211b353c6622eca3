-- Conformance: PostgresML's binary classification example (pgml-extension/examples/binary_classification.sql) on
-- breast_cancer (label malignant BOOLEAN), with XGBoost and assertions on values: predict, predict_proba,
-- predict_label, and every metric recomputed in SQL over the 'last' test split.
-- Model ids depend on the earlier test files and are not shown; NOTICEs (which name them) are hidden.
SET client_min_messages = warning;
SELECT * FROM pgml.load_dataset('breast_cancer');

-- the 30 features in training order, rows in table order; 'last' tests on the last round(569 * 0.25) = 142 rows
CREATE VIEW cancer_rows AS
SELECT row_number() OVER (ORDER BY ctid) AS rn, malignant,
       ARRAY["mean radius", "mean texture", "mean perimeter", "mean area", "mean smoothness", "mean compactness",
             "mean concavity", "mean concave points", "mean symmetry", "mean fractal dimension", "radius error",
             "texture error", "perimeter error", "area error", "smoothness error", "compactness error", "concavity error",
             "concave points error", "symmetry error", "fractal dimension error", "worst radius", "worst texture",
             "worst perimeter", "worst area", "worst smoothness", "worst compactness", "worst concavity",
             "worst concave points", "worst symmetry", "worst fractal dimension"] AS x
FROM pgml.breast_cancer;
CREATE VIEW cancer_models AS
SELECT row_number() OVER (ORDER BY m.id) AS version, m.*
FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'Breast Cancer Detection';
CREATE OR REPLACE FUNCTION approx_eq(a float8, b float8) RETURNS bool LANGUAGE sql IMMUTABLE AS $$ SELECT abs(a - b) <= 1e-9 * greatest(1, abs(b)) $$;

SELECT * FROM pgml.train('Breast Cancer Detection', 'classification', 'pgml.breast_cancer', 'malignant', algorithm => 'xgboost',
                         test_sampling => 'last');
-- the metrics PostgresML stores for binary classification, plus the confusion matrix
SELECT version, num_features,
       metrics ?& ARRAY['accuracy', 'f1', 'precision', 'recall', 'mcc', 'roc_auc', 'log_loss', 'fit_time', 'score_time', 'confusion_matrix'] AS has_metrics
FROM cancer_models;

-- predict: 1 for true, 0 for false; predict_label: the label's text; predict_proba: {P(false), P(true)} (classes in
-- order), summing to 1, the larger one the predicted class; by name = by id, on every row
CREATE TABLE cancer_predictions AS
SELECT r.rn, r.malignant, pgml.predict('Breast Cancer Detection', r.x) AS predicted,
       pgml.predict(m.id, r.x) AS predicted_by_id,
       pgml.predict_label('Breast Cancer Detection', r.x) AS label,
       pgml.predict_proba('Breast Cancer Detection', r.x) AS proba,
       pgml.predict_proba(m.id, r.x) AS proba_by_id
FROM cancer_rows r, cancer_models m WHERE m.version = 1;
SELECT DISTINCT predicted, label FROM cancer_predictions ORDER BY 1, 2;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE predicted_by_id = predicted AND proba_by_id = proba) AS same_by_id,
       count(*) FILTER (WHERE array_length(proba, 1) = 2 AND array_ndims(proba) = 1) AS two_probabilities,
       count(*) FILTER (WHERE abs(proba[1]::float8 + proba[2] - 1) < 1e-6) AS sum_to_1,
       count(*) FILTER (WHERE proba[1] >= 0 AND proba[2] >= 0) AS non_negative,
       count(*) FILTER (WHERE (proba[2] > proba[1]) = (predicted = 1)) AS larger_is_predicted,
       count(*) FILTER (WHERE label = CASE predicted WHEN 1 THEN 'true' WHEN 0 THEN 'false' END) AS label_matches,
       count(*) FILTER (WHERE (predicted = 1) = malignant) > 550 AS above_550_correct    -- observed 566 of 569
FROM cancer_predictions;
-- predict_batch and a row of the feature columns give the same predictions
CREATE VIEW cancer_features AS
SELECT "mean radius", "mean texture", "mean perimeter", "mean area", "mean smoothness", "mean compactness",
       "mean concavity", "mean concave points", "mean symmetry", "mean fractal dimension", "radius error",
       "texture error", "perimeter error", "area error", "smoothness error", "compactness error", "concavity error",
       "concave points error", "symmetry error", "fractal dimension error", "worst radius", "worst texture",
       "worst perimeter", "worst area", "worst smoothness", "worst compactness", "worst concavity",
       "worst concave points", "worst symmetry", "worst fractal dimension", row_number() OVER (ORDER BY ctid) AS rn
FROM pgml.breast_cancer;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE pgml.predict('Breast Cancer Detection',
           ("mean radius", "mean texture", "mean perimeter", "mean area", "mean smoothness", "mean compactness",
            "mean concavity", "mean concave points", "mean symmetry", "mean fractal dimension", "radius error",
            "texture error", "perimeter error", "area error", "smoothness error", "compactness error", "concavity error",
            "concave points error", "symmetry error", "fractal dimension error", "worst radius", "worst texture",
            "worst perimeter", "worst area", "worst smoothness", "worst compactness", "worst concavity",
            "worst concave points", "worst symmetry", "worst fractal dimension")) = p.predicted) AS same_by_row
FROM cancer_features f JOIN cancer_predictions p USING (rn);
SELECT count(*) AS rows, count(*) FILTER (WHERE b.v = p.predicted) AS same_by_batch
FROM pgml.predict_batch('Breast Cancer Detection', (SELECT array_agg(v ORDER BY rn, k) FROM cancer_rows, unnest(x) WITH ORDINALITY u(v, k)))
     WITH ORDINALITY b(v, n)
JOIN cancer_predictions p ON p.rn = b.n;

-- every stored metric, recomputed over the last 142 rows from pgml.predict and pgml.predict_proba by model id
-- (class 1 = true is the positive class)
CREATE FUNCTION cancer_test_scores(model_id bigint, OUT n bigint, OUT tp bigint, OUT fp bigint, OUT fn bigint, OUT tn bigint,
    OUT accuracy float8, OUT "precision" float8, OUT recall float8, OUT f1 float8, OUT mcc float8, OUT roc_auc float8, OUT log_loss float8)
LANGUAGE sql STABLE AS $$
WITH t AS (SELECT malignant::int AS y, pgml.predict(model_id, x)::int AS yhat, (pgml.predict_proba(model_id, x))[2]::float8 AS p
           FROM cancer_rows WHERE rn > 569 - 142),
c AS (SELECT count(*) AS n, count(*) FILTER (WHERE y = 1 AND yhat = 1) AS tp, count(*) FILTER (WHERE y = 0 AND yhat = 1) AS fp,
             count(*) FILTER (WHERE y = 1 AND yhat = 0) AS fn, count(*) FILTER (WHERE y = 0 AND yhat = 0) AS tn
      FROM t),
-- roc_auc as the Mann-Whitney U: ranks of the probabilities, ties sharing their average rank
ranked AS (SELECT y, rank() OVER (ORDER BY p) + (count(*) OVER (PARTITION BY p) - 1) / 2.0 AS r FROM t),
auc AS (SELECT (sum(r) FILTER (WHERE y = 1) - count(*) FILTER (WHERE y = 1) * (count(*) FILTER (WHERE y = 1) + 1) / 2.0)
               / (count(*) FILTER (WHERE y = 1) * count(*) FILTER (WHERE y = 0)) AS roc_auc FROM ranked),
-- log_loss with P(true) clipped to [1e-15, 1 - 1e-15], as scikit-learn
ll AS (SELECT avg(-ln(CASE WHEN y = 1 THEN greatest(least(p, 1 - 1e-15), 1e-15) ELSE 1 - greatest(least(p, 1 - 1e-15), 1e-15) END)) AS log_loss
       FROM t)
SELECT n, tp, fp, fn, tn, (tp + tn)::float8 / n, tp::float8 / (tp + fp), tp::float8 / (tp + fn), 2.0::float8 * tp / (2 * tp + fp + fn),
       (tp * tn - fp * fn) / sqrt((tp + fp)::float8 * (tp + fn) * (tn + fp) * (tn + fn)), roc_auc::float8, log_loss
FROM c, auc, ll
$$;
-- the stored metrics against the recomputed ones (confusion_matrix: rows = true class, columns = predicted, in class order)
CREATE FUNCTION cancer_metrics_check(model_id bigint, OUT test_rows bigint, OUT malignant_rows bigint, OUT accuracy_same bool,
    OUT precision_same bool, OUT recall_same bool, OUT f1_same bool, OUT mcc_same bool, OUT roc_auc_same bool, OUT log_loss_same bool,
    OUT confusion_matrix_same bool)
LANGUAGE sql STABLE AS $$
SELECT s.n, s.tp + s.fn,
       (m.metrics ->> 'accuracy')::float8 = s.accuracy,
       approx_eq((m.metrics ->> 'precision')::float8, s.precision),
       approx_eq((m.metrics ->> 'recall')::float8, s.recall),
       approx_eq((m.metrics ->> 'f1')::float8, s.f1),
       approx_eq((m.metrics ->> 'mcc')::float8, s.mcc),
       approx_eq((m.metrics ->> 'roc_auc')::float8, s.roc_auc),
       abs((m.metrics ->> 'log_loss')::float8 - s.log_loss) < 1e-6,    -- P(false) = 1 - P(true) is computed in float4 here
       m.metrics -> 'confusion_matrix' = jsonb_build_array(jsonb_build_array(s.tn, s.fp), jsonb_build_array(s.fn, s.tp))
FROM pgml.models m, cancer_test_scores(m.id) s WHERE m.id = model_id
$$;
SELECT c.* FROM cancer_models m, cancer_metrics_check(m.id) c WHERE m.version = 1;
SELECT s.accuracy > 0.95 AS accuracy_above_0_95,    -- observed 0.979 (139 of 142)
       s.f1 > 0.93 AS f1_above_0_93,                -- observed 0.959
       s.precision > 0.9 AS precision_above_0_9,    -- observed 0.921
       s.recall > 0.95 AS recall_above_0_95,        -- observed 1
       s.mcc > 0.9 AS mcc_above_0_9,                -- observed 0.946
       s.roc_auc > 0.99 AS roc_auc_above_0_99,      -- observed 0.9992
       s.log_loss < 0.1 AS log_loss_below_0_1       -- observed 0.055
FROM cancer_models m, cancer_test_scores(m.id) s WHERE m.version = 1;

-- XGBoost's binary:logitraw outputs margins: predict splits them at 0, predict_proba turns them into probabilities,
-- and the metrics are computed from those probabilities
SELECT * FROM pgml.train('Breast Cancer Detection (logitraw)', 'classification', 'pgml.breast_cancer', 'malignant', algorithm => 'xgboost',
                         test_sampling => 'last', hyperparams => '{"objective": "binary:logitraw"}');
SELECT count(*) AS rows,
       count(*) FILTER (WHERE abs(proba[1]::float8 + proba[2] - 1) < 1e-6 AND proba[1] >= 0 AND proba[2] >= 0) AS probabilities,
       count(*) FILTER (WHERE (proba[2] > proba[1]) = (predicted = 1)) AS larger_is_predicted,
       count(*) FILTER (WHERE label = CASE predicted WHEN 1 THEN 'true' WHEN 0 THEN 'false' END) AS label_matches,
       count(*) FILTER (WHERE (predicted = 1) = malignant) > 550 AS above_550_correct    -- observed 566 of 569
FROM (SELECT malignant, pgml.predict('Breast Cancer Detection (logitraw)', x) AS predicted,
             pgml.predict_proba('Breast Cancer Detection (logitraw)', x) AS proba,
             pgml.predict_label('Breast Cancer Detection (logitraw)', x) AS label
      FROM cancer_rows) p;
SELECT c.*, s.roc_auc > 0.99 AS roc_auc_above_0_99,    -- observed 0.9976
       s.log_loss < 0.1 AS log_loss_below_0_1          -- observed 0.060
FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id, cancer_metrics_check(m.id) c, cancer_test_scores(m.id) s
WHERE p.name = 'Breast Cancer Detection (logitraw)';

-- deployment compares f1 for classification: a weaker model is not deployed; best_score brings version 1 back
SELECT * FROM pgml.train('Breast Cancer Detection', algorithm => 'xgboost', hyperparams => '{"n_estimators": 1, "max_depth": 1}');
SELECT version, (metrics ->> 'f1')::float8 < (SELECT (metrics ->> 'f1')::float8 FROM cancer_models WHERE version = 1) AS lower_f1
FROM cancer_models WHERE version = 2;
SELECT * FROM pgml.deploy('Breast Cancer Detection', 'most_recent');
SELECT m.version, count(*) FILTER (WHERE pgml.predict('Breast Cancer Detection', r.x) <> p.predicted) > 0 AS differs_from_version_1
FROM pgml.deployed_models d JOIN cancer_models m ON m.id = d.id, cancer_rows r JOIN cancer_predictions p USING (rn)
GROUP BY m.version;
SELECT * FROM pgml.deploy('Breast Cancer Detection', 'best_score');
SELECT m.version, count(*) FILTER (WHERE pgml.predict('Breast Cancer Detection', r.x) = p.predicted) AS same_as_version_1
FROM pgml.deployed_models d JOIN cancer_models m ON m.id = d.id, cancer_rows r JOIN cancer_predictions p USING (rn)
GROUP BY m.version;
