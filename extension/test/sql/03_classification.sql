-- Classification with XGBoost: boolean labels (binary) and integer labels (multiclass).
CREATE TABLE flowers AS
SELECT i AS id,
       (4 + (i % 30) / 10.0)::real AS petal,
       (2 + (i * 7 % 20) / 10.0)::real AS sepal,
       (i % 30) >= 15 AS big,
       CASE WHEN i % 30 < 10 THEN 7 WHEN i % 30 < 20 THEN 8 ELSE 9 END AS species
FROM generate_series(1, 900) AS i;
CREATE VIEW flowers_binary AS SELECT petal, sepal, big FROM flowers;
CREATE VIEW flowers_multi AS SELECT petal, sepal, species FROM flowers;

SELECT * FROM pgml.train('big flowers', 'classification', 'flowers_binary', 'big', algorithm => 'xgboost',
                         hyperparams => '{"n_estimators": 10}');
SELECT * FROM pgml.train('species', 'classification', 'flowers_multi', 'species', algorithm => 'xgboost',
                         hyperparams => '{"n_estimators": 10}');
SELECT p.name, (m.metrics ->> 'accuracy')::float8 AS accuracy, (m.metrics ->> 'f1')::float8 AS f1,
       m.metrics ? 'roc_auc' AS has_roc_auc, m.metrics ? 'log_loss' AS has_log_loss
FROM pgml.projects p JOIN pgml.models m ON m.project_id = p.id WHERE p.task = 'classification' ORDER BY p.name;
-- binary: 1 for true, 0 for false; multiclass: the label's own value
SELECT petal, pgml.predict('big flowers', ARRAY[petal, sepal]) AS big, pgml.predict('species', ARRAY[petal, sepal]) AS species
FROM (VALUES (4.0::real, 2.5::real), (5.2, 2.5), (6.8, 2.5)) AS v(petal, sepal) ORDER BY petal;
SELECT count(*) FILTER (WHERE pgml.predict('species', ARRAY[petal, sepal]) = species) AS right, count(*) AS total FROM flowers;
