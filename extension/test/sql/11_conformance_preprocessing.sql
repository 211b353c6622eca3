-- Conformance: PostgresML's preprocessing example (pgml-extension/examples/preprocessing.sql, on the HuggingFace
-- dataset jdxcosta/diamonds, which pgml cannot load) on a deterministic diamonds-like table: text features encoded
-- (target, one_hot, ordinal), a numeric one imputed and scaled, predictions from heterogeneous rows.
-- Model ids depend on the earlier test files and are not shown; NOTICEs (which name them) are hidden.
SET client_min_messages = warning;

-- 2000 diamonds; carat NULL in 117 rows (every 17th); price from carat, cut, color and clarity plus deterministic noise
CREATE TABLE diamonds AS
SELECT i AS id,
       CASE WHEN i % 17 = 0 THEN NULL ELSE round((0.2 + ((i * 7919) % 300) / 100.0)::numeric, 2)::real END AS carat,
       (ARRAY['Fair', 'Good', 'Very Good', 'Premium', 'Ideal'])[1 + (i * 31) % 5] AS cut,
       (ARRAY['D', 'E', 'F', 'G', 'H', 'I', 'J'])[1 + (i * 13) % 7] AS color,
       (ARRAY['I1', 'SI2', 'SI1', 'VS2', 'VS1', 'VVS2', 'VVS1', 'IF'])[1 + (i * 11) % 8] AS clarity
FROM generate_series(1, 2000) AS i;
ALTER TABLE diamonds ADD COLUMN price real;
UPDATE diamonds SET price = round((coalesce(carat, 1.5) * 4000
    * (1 + 0.1 * array_position(ARRAY['Fair', 'Good', 'Very Good', 'Premium', 'Ideal'], cut))
    * (1.6 - 0.08 * array_position(ARRAY['D', 'E', 'F', 'G', 'H', 'I', 'J'], color))
    * (0.8 + 0.06 * array_position(ARRAY['I1', 'SI2', 'SI1', 'VS2', 'VS1', 'VVS2', 'VVS1', 'IF'], clarity))
    + (id * 104729) % 200 - 100)::numeric, 0);
SELECT count(*) AS rows, count(carat) AS carats, count(DISTINCT cut) AS cuts, count(DISTINCT color) AS colors,
       count(DISTINCT clarity) AS clarities, min(price) AS min_price, max(price) AS max_price
FROM diamonds;
-- the features in table order, label last; 'last' trains on the first 1500 rows and tests on the last 500
CREATE VIEW diamonds_training AS SELECT carat, cut, color, clarity, price FROM diamonds ORDER BY id;
CREATE VIEW diamond_models AS
SELECT row_number() OVER (ORDER BY m.id) AS version, m.*
FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'Diamond prices';
CREATE OR REPLACE FUNCTION approx_eq(a float8, b float8) RETURNS bool LANGUAGE sql IMMUTABLE AS $$ SELECT abs(a - b) <= 1e-9 * greatest(1, abs(b)) $$;

SELECT * FROM pgml.train('Diamond prices', 'regression', 'diamonds_training', 'price', algorithm => 'xgboost', test_sampling => 'last',
    preprocess => '{"carat": {"impute": "mean", "scale": "standard"}, "cut": {"encode": "target"}, "color": {"encode": "one_hot"},
                    "clarity": {"encode": {"ordinal": ["I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"]}}}');
-- num_features counts the columns (one-hot color is one)
SELECT version, num_features, metrics ?& ARRAY['r2', 'mean_absolute_error', 'mean_squared_error'] AS has_metrics FROM diamond_models;

-- predictions from a heterogeneous row (real, text, text, text), by name and by id, and from t.* of the view
CREATE TABLE diamond_predictions AS
SELECT d.id, d.price, pgml.predict('Diamond prices', (d.carat, d.cut, d.color, d.clarity)) AS predicted,
       pgml.predict(m.id, (d.carat, d.cut, d.color, d.clarity)) AS predicted_by_id
FROM diamonds d, diamond_models m WHERE m.version = 1;
SELECT count(*) AS rows, count(*) FILTER (WHERE predicted_by_id = predicted) AS same_by_id,
       count(*) FILTER (WHERE abs(predicted - price) < 0.1 * price) > 1900 AS above_1900_within_10_percent    -- observed 1981
FROM diamond_predictions;
SELECT count(*) AS rows, count(*) FILTER (WHERE pgml.predict('Diamond prices', t.*) = p.predicted) AS same_from_t_star
FROM (SELECT row_number() OVER () AS id, carat, cut, color, clarity FROM diamonds_training) r
     CROSS JOIN LATERAL (SELECT r.carat, r.cut, r.color, r.clarity) t
     JOIN diamond_predictions p USING (id);
-- the stored metrics are those of the last 500 rows, preprocessed with the training rows' statistics
WITH t AS (SELECT price::float8 AS y, predicted::float8 AS yhat FROM diamond_predictions WHERE id > 1500)
SELECT count(*) AS test_rows,
       approx_eq(1 - sum((y - yhat) ^ 2) / sum((y - (SELECT avg(y) FROM t)) ^ 2), (SELECT (metrics ->> 'r2')::float8 FROM diamond_models WHERE version = 1)) AS r2_same,
       approx_eq(avg(abs(y - yhat)), (SELECT (metrics ->> 'mean_absolute_error')::float8 FROM diamond_models WHERE version = 1)) AS mae_same,
       1 - sum((y - yhat) ^ 2) / sum((y - (SELECT avg(y) FROM t)) ^ 2) > 0.98 AS r2_above_0_98    -- observed 0.995
FROM t;

-- other types in the row are converted to the training types: float8, numeric and int for carat, varchar and char for text
SELECT pgml.predict('Diamond prices', (1.39::real, 'Good'::text, 'J'::text, 'VS2'::text))
         = pgml.predict('Diamond prices', (1.39::float8, 'Good'::varchar, 'J'::char(1), 'VS2'::varchar(10))) AS float8_varchar_char,
       pgml.predict('Diamond prices', (1.39::real, 'Good'::text, 'J'::text, 'VS2'::text))
         = pgml.predict('Diamond prices', (1.39::numeric, 'Good'::text, 'J'::text, 'VS2'::text)) AS numeric,
       pgml.predict('Diamond prices', (2::real, 'Ideal'::text, 'D'::text, 'IF'::text))
         = pgml.predict('Diamond prices', (2::int, 'Ideal'::text, 'D'::text, 'IF'::text)) AS int;
-- impute mean: a NULL carat predicts as the training rows' mean carat
SELECT pgml.predict('Diamond prices', (NULL::real, 'Good'::text, 'J'::text, 'VS2'::text))
         = pgml.predict('Diamond prices', ((SELECT avg(carat) FROM diamonds WHERE id <= 1500)::real, 'Good'::text, 'J'::text, 'VS2'::text)) AS null_is_mean,
       pgml.predict('Diamond prices', (NULL::real, 'Good'::text, 'J'::text, 'VS2'::text))
         <> pgml.predict('Diamond prices', (0.5::real, 'Good'::text, 'J'::text, 'VS2'::text)) AS differs_from_other_carats;
-- categories not seen in training, and NULLs, are missing values: the same prediction for both, whatever the encoding
SELECT pgml.predict('Diamond prices', (1.39::real, 'Astonishing'::text, 'J'::text, 'VS2'::text))
         = pgml.predict('Diamond prices', (1.39::real, NULL::text, 'J'::text, 'VS2'::text)) AS target_encoded_cut,
       pgml.predict('Diamond prices', (1.39::real, 'Good'::text, 'Z'::text, 'VS2'::text))
         = pgml.predict('Diamond prices', (1.39::real, 'Good'::text, NULL::text, 'VS2'::text)) AS one_hot_color,
       pgml.predict('Diamond prices', (1.39::real, 'Good'::text, 'J'::text, 'FL'::text))
         = pgml.predict('Diamond prices', (1.39::real, 'Good'::text, 'J'::text, NULL::text)) AS ordinal_clarity;
-- the encodings carry the categories' order: a better cut, color and clarity each raise the price
SELECT pgml.predict('Diamond prices', (1.5::real, 'Ideal'::text, 'G'::text, 'VS2'::text))
         > pgml.predict('Diamond prices', (1.5::real, 'Fair'::text, 'G'::text, 'VS2'::text)) AS ideal_above_fair,
       pgml.predict('Diamond prices', (1.5::real, 'Premium'::text, 'D'::text, 'VS2'::text))
         > pgml.predict('Diamond prices', (1.5::real, 'Premium'::text, 'J'::text, 'VS2'::text)) AS d_above_j,
       pgml.predict('Diamond prices', (1.5::real, 'Premium'::text, 'G'::text, 'IF'::text))
         > pgml.predict('Diamond prices', (1.5::real, 'Premium'::text, 'G'::text, 'I1'::text)) AS if_above_i1,
       pgml.predict('Diamond prices', (2.5::real, 'Premium'::text, 'G'::text, 'VS2'::text))
         > pgml.predict('Diamond prices', (1.0::real, 'Premium'::text, 'G'::text, 'VS2'::text)) AS heavier_above_lighter;

-- the fitted statistics come from the 1500 training rows only: carat's mean and population standard deviation, and
-- each cut's target encoding (its mean price), as stored with the model in pgml.files (preprocess.json)
WITH f AS (SELECT convert_from(data, 'UTF8')::jsonb AS pipeline FROM pgml.files
           WHERE path = 'preprocess.json' AND model_id = (SELECT id FROM diamond_models WHERE version = 1)),
train AS (SELECT * FROM diamonds WHERE id <= 1500),
carat AS (SELECT x -> 'statistics' AS s FROM f, jsonb_array_elements(pipeline -> 'features') x WHERE x ->> 'name' = 'carat'),
cut AS (SELECT c ->> 'name' AS cut, (c ->> 'value')::float8 AS value, (c ->> 'members')::int AS members
        FROM f, jsonb_array_elements(pipeline -> 'features') x, jsonb_array_elements(x -> 'categories') c WHERE x ->> 'name' = 'cut')
SELECT (SELECT (pipeline ->> 'train_rows')::int FROM f) AS train_rows,
       (SELECT approx_eq((s ->> 'mean')::float8, (SELECT avg(carat) FROM train))
           AND approx_eq((s ->> 'std_dev')::float8, (SELECT stddev_pop(carat) FROM train))
           AND (s ->> 'missing')::int = (SELECT count(*) FROM train WHERE carat IS NULL) FROM carat) AS carat_statistics,
       (SELECT count(*) FROM cut) AS cut_categories,
       (SELECT bool_and(approx_eq(cut.value, a.mean) AND cut.members = a.n)
        FROM cut JOIN (SELECT cut, avg(price) AS mean, count(*) AS n FROM train GROUP BY cut) a USING (cut)) AS cut_target_means;

-- pgml applies the preprocessing to arrays too (PostgresML only to rows): a numbers-only model imputing and scaling
-- carat gives the same answer for ARRAY[carat] and ROW(carat), and a NULL element is the training mean
CREATE VIEW diamond_carats AS SELECT carat, price FROM diamonds ORDER BY id;
SELECT * FROM pgml.train('Diamond carats', 'regression', 'diamond_carats', 'price', algorithm => 'xgboost', test_sampling => 'last',
                         preprocess => '{"carat": {"impute": "mean", "scale": "standard"}}');
SELECT count(*) AS rows,
       count(*) FILTER (WHERE pgml.predict('Diamond carats', ARRAY[carat]) = pgml.predict('Diamond carats', ROW(carat))) AS array_same_as_row,
       count(*) FILTER (WHERE pgml.predict('Diamond carats', ARRAY[carat]) = pgml.predict('Diamond carats', ARRAY[coalesce(carat, m.mean)])) AS null_is_mean,
       count(*) FILTER (WHERE carat IS NULL) AS null_rows
FROM diamonds, (SELECT avg(carat)::real AS mean FROM diamonds WHERE id <= 1500) m;
SELECT count(*) AS rows, count(*) FILTER (WHERE b.v = pgml.predict('Diamond carats', ARRAY[d.carat])) AS same_by_batch
FROM pgml.predict_batch('Diamond carats', (SELECT array_agg(carat ORDER BY id) FROM diamonds)) WITH ORDINALITY b(v, n)
JOIN diamonds d ON d.id = b.n;

-- PostgresML's defaults: with impute 'error', NULL carats are refused when training
\set VERBOSITY default
SELECT * FROM pgml.train('Diamond prices strict', 'regression', 'diamonds_training', 'price', algorithm => 'xgboost', test_sampling => 'last',
                         preprocess => '{"carat": {"impute": "error"}}');
-- a text column cannot be imputed with a mean unless it is target-encoded; a number cannot be one-hot encoded
SELECT * FROM pgml.train('Diamond prices strict', 'regression', 'diamonds_training', 'price', algorithm => 'xgboost',
                         preprocess => '{"cut": {"impute": "mean"}}');
SELECT * FROM pgml.train('Diamond prices strict', 'regression', 'diamonds_training', 'price', algorithm => 'xgboost',
                         preprocess => '{"carat": {"encode": "one_hot"}}');
SELECT count(*) AS strict_projects FROM pgml.projects WHERE name = 'Diamond prices strict';
-- untyped literals in the row have no type to check against the training columns (the hint could say to cast them)
SELECT pgml.predict('Diamond prices', (1.39, 'Good', 'J', 'VS2'));
