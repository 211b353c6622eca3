-- Bad inputs: clear errors with SQLSTATEs and hints; nothing half-written.
\set VERBOSITY default
CREATE TABLE e_ok AS SELECT i::real AS x, (2 * i)::real AS y, jsonb_build_object('n', i) AS doc FROM generate_series(1, 40) AS i;
CREATE VIEW e_numeric AS SELECT x, y FROM e_ok;
CREATE TABLE e_empty (x real, y real);
CREATE VIEW e_null_labels AS SELECT x, CASE WHEN x > 30 THEN NULL ELSE y END AS y FROM e_ok;
SELECT count(*) AS models_before FROM pgml.models;

SELECT * FROM pgml.train('e', 'regression', 'e_missing', 'y', algorithm => 'xgboost');
SELECT * FROM pgml.train('e', 'regression', 'e_numeric', 'z', algorithm => 'xgboost');
SELECT * FROM pgml.train('e', 'regression', 'e_ok; DROP TABLE e_ok', 'y', algorithm => 'xgboost');
SELECT * FROM pgml.train('e', 'regression', 'e_empty', 'y', algorithm => 'xgboost');
SELECT * FROM pgml.train('e', 'regression', 'e_ok', 'y', algorithm => 'xgboost');
SELECT * FROM pgml.train('e', 'regression', 'e_null_labels', 'y', algorithm => 'xgboost');
SELECT * FROM pgml.train('e', 'regression', 'e_numeric', 'y', algorithm => 'xgboost', test_size => 1.5);
SELECT * FROM pgml.train('e', 'regression', 'e_numeric', 'y', algorithm => 'xgboost', test_size => 0);
SELECT * FROM pgml.train('e', 'regression', 'e_numeric', 'y', algorithm => 'transformers');
SELECT * FROM pgml.train('e', 'regression', 'e_numeric', 'y', algorithm => 'nope');
SELECT * FROM pgml.train('e', 'regresion', 'e_numeric', 'y', algorithm => 'xgboost');
SELECT * FROM pgml.train('e', 'regression', 'e_numeric', 'y', algorithm => 'xgboost', hyperparams => '{"max_deep": 2}');
SELECT * FROM pgml.train('e', 'regression', 'e_numeric', 'y', algorithm => 'xgboost', hyperparams => '{"max_depth": "two"}');
SELECT * FROM pgml.train('e', 'regression', 'e_numeric', 'y', algorithm => 'xgboost', hyperparams => '{"max_depth": 2');
SELECT pgml.predict('e', ARRAY[1]::real[]);
SELECT count(*) AS models_after, (SELECT count(*) FROM pgml.projects) AS projects FROM pgml.models;
SELECT count(*) AS e_ok_rows FROM e_ok;

SELECT * FROM pgml.train('e', 'regression', 'e_numeric', 'y', algorithm => 'xgboost', hyperparams => '{"n_estimators": 3}',
                         automatic_deploy => false);
SELECT pgml.predict('e', ARRAY[1]::real[]);
SELECT * FROM pgml.deploy((SELECT max(id) FROM pgml.models));
SELECT pgml.predict('e', ARRAY[1, 2]::real[]);
SELECT pgml.predict('e', ARRAY[1]::real[]) IS NOT NULL AS predicts;
