-- Conformance: PostgresML's image classification example (pgml-extension/examples/image_classification.sql) on
-- digits: the feature is one SMALLINT[][] column (8x8 pixels). Predictions from the 2-D array, from a row holding it,
-- from the flattened array, and accuracy recomputed over the 'last' split.
-- Model ids depend on the earlier test files and are not shown; NOTICEs (which name them) are hidden.
SET client_min_messages = warning;
SELECT * FROM pgml.load_dataset('digits');

-- rows in table order; 'last' tests on the last round(1797 * 0.25) = 449 rows
CREATE VIEW digit_rows AS SELECT row_number() OVER (ORDER BY ctid) AS rn, image, target FROM pgml.digits;
CREATE VIEW digit_models AS
SELECT row_number() OVER (ORDER BY m.id) AS version, m.*
FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'Handwritten Digits';
CREATE OR REPLACE FUNCTION approx_eq(a float8, b float8) RETURNS bool LANGUAGE sql IMMUTABLE AS $$ SELECT abs(a - b) <= 1e-9 * greatest(1, abs(b)) $$;

SELECT * FROM pgml.train('Handwritten Digits', 'classification', 'pgml.digits', 'target', algorithm => 'xgboost', test_sampling => 'last');
-- the array column counts as its 64 elements
SELECT version, num_features, metrics ?& ARRAY['accuracy', 'f1', 'precision', 'recall', 'mcc', 'log_loss', 'confusion_matrix'] AS has_metrics
FROM digit_models;

CREATE TABLE digit_predictions AS
SELECT r.rn, r.target, pgml.predict('Handwritten Digits', r.image) AS predicted,
       pgml.predict(m.id, r.image) AS predicted_by_id,
       pgml.predict('Handwritten Digits', ROW(r.image)) AS predicted_from_row,
       pgml.predict('Handwritten Digits', ARRAY(SELECT unnest(r.image))) AS predicted_flat,
       pgml.predict('Handwritten Digits', ARRAY(SELECT unnest(r.image))::real[]) AS predicted_flat_real,
       pgml.predict_label('Handwritten Digits', r.image) AS label,
       pgml.predict_proba('Handwritten Digits', r.image) AS proba
FROM digit_rows r, digit_models m WHERE m.version = 1;
SELECT array_dims(image) AS image_dims, array_dims(ARRAY(SELECT unnest(image))) AS flat_dims FROM digit_rows WHERE rn = 1;
-- predict returns the digit (the label's own value); every way of passing the image gives the same answer
SELECT count(*) AS rows,
       count(*) FILTER (WHERE predicted = predicted_by_id AND predicted = predicted_from_row
                          AND predicted = predicted_flat AND predicted = predicted_flat_real) AS same_every_way,
       count(*) FILTER (WHERE predicted = round(predicted) AND predicted BETWEEN 0 AND 9) AS digits,
       count(*) FILTER (WHERE label = predicted::int::text) AS label_is_digit,
       count(*) FILTER (WHERE array_length(proba, 1) = 10 AND abs((SELECT sum(p::float8) FROM unnest(proba) p) - 1) < 1e-5) AS ten_probabilities,
       count(*) FILTER (WHERE proba[predicted::int + 1] = (SELECT max(p) FROM unnest(proba) p)) AS largest_is_predicted
FROM digit_predictions;
-- t.* of a relation whose one column is the image
SELECT count(*) AS rows, count(*) FILTER (WHERE pgml.predict('Handwritten Digits', t.*) = p.predicted) AS same_from_t_star
FROM (SELECT row_number() OVER (ORDER BY ctid) AS rn, image FROM pgml.digits) r
     CROSS JOIN LATERAL (SELECT r.image) t
     JOIN digit_predictions p USING (rn);
-- predict_batch over the flattened images of all rows
SELECT count(*) AS rows, count(*) FILTER (WHERE b.v = p.predicted) AS same_by_batch
FROM pgml.predict_batch('Handwritten Digits', (SELECT array_agg(v ORDER BY rn, k)::real[] FROM digit_rows, unnest(image) WITH ORDINALITY u(v, k)))
     WITH ORDINALITY b(v, n)
JOIN digit_predictions p ON p.rn = b.n;

-- accuracy, macro f1, mcc and the confusion matrix (rows = true digit, columns = predicted) over the last 449 rows
WITH t AS (SELECT target, predicted FROM digit_predictions WHERE rn > 1797 - 449),
per_class AS (SELECT c, count(*) FILTER (WHERE target = c AND predicted = c) AS tp, count(*) FILTER (WHERE target <> c AND predicted = c) AS fp,
                     count(*) FILTER (WHERE target = c AND predicted <> c) AS fn
              FROM t, generate_series(0, 9) c GROUP BY c),
s AS (SELECT (SELECT count(*) FROM t) AS n, (SELECT count(*) FILTER (WHERE target = predicted)::float8 / count(*) FROM t) AS accuracy,
             (SELECT avg(CASE WHEN tp = 0 THEN 0 ELSE 2.0::float8 * tp / (2 * tp + fp + fn) END) FROM per_class WHERE tp + fp + fn > 0) AS f1,
             (SELECT ((sum(tp) * sum(tp + fn) - sum((tp + fp) * (tp + fn)))
                      / sqrt((sum(tp + fn) ^ 2 - sum((tp + fp) ^ 2)) * (sum(tp + fn) ^ 2 - sum((tp + fn) ^ 2))))::float8 FROM per_class) AS mcc,
             (SELECT jsonb_agg(r ORDER BY tc) FROM (
                  SELECT tc, jsonb_agg((SELECT count(*) FROM t WHERE target = tc AND predicted = pc) ORDER BY pc) AS r
                  FROM generate_series(0, 9) tc, generate_series(0, 9) pc GROUP BY tc) x) AS confusion_matrix)
SELECT s.n AS test_rows, (m.metrics ->> 'accuracy')::float8 = s.accuracy AS accuracy_same,
       approx_eq((m.metrics ->> 'f1')::float8, s.f1) AS f1_same,
       approx_eq((m.metrics ->> 'mcc')::float8, s.mcc) AS mcc_same,
       m.metrics -> 'confusion_matrix' = s.confusion_matrix AS confusion_matrix_same,
       s.accuracy > 0.85 AS accuracy_above_0_85,    -- observed 0.893
       s.f1 > 0.85 AS f1_above_0_85                 -- observed 0.891
FROM digit_models m, s WHERE m.version = 1;
-- the training rows are learnt
SELECT count(*) FILTER (WHERE target = predicted) = count(*) AS all_training_rows_right FROM digit_predictions WHERE rn <= 1797 - 449;

-- images of the wrong size are refused (the message names the model id, masked here)
DO $$
BEGIN
    PERFORM pgml.predict('Handwritten Digits', ROW(ARRAY[[1, 2], [3, 4]]::smallint[]));
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING '%: %', SQLSTATE, regexp_replace(SQLERRM, 'model \d+', 'model N');
END $$;
-- NULL pixels are missing values, the same as NaN
SELECT count(*) AS rows,
       count(*) FILTER (WHERE pgml.predict('Handwritten Digits', array_replace(image, 0::smallint, NULL))
                            = pgml.predict('Handwritten Digits', array_replace(image::real[], 0, 'NaN'))) AS null_same_as_nan
FROM digit_rows;
