-- pgml.load_dataset: PostgresML's six built-in scikit-learn datasets, their layout, a few aggregates, bad inputs.
\set VERBOSITY default
SELECT * FROM pgml.load_dataset('breast_cancer');
SELECT * FROM pgml.load_dataset('diabetes');
SELECT * FROM pgml.load_dataset('digits');
SELECT * FROM pgml.load_dataset('iris');
SELECT * FROM pgml.load_dataset('linnerud');
SELECT * FROM pgml.load_dataset('wine');

-- the tables' columns and types (PostgresML's names, with spaces and slashes)
SELECT c.relname, string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) AS columns
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE n.nspname = 'pgml' AND c.relname IN ('breast_cancer', 'diabetes', 'digits', 'iris', 'linnerud', 'wine')
GROUP BY c.relname ORDER BY c.relname;

-- a few aggregates
SELECT target, count(*), round(avg(sepal_length)::numeric, 3) AS sepal_length, round(avg(petal_width)::numeric, 3) AS petal_width
FROM pgml.iris GROUP BY target ORDER BY target;
SELECT malignant, count(*), round(avg("mean radius")::numeric, 3) AS mean_radius, max("worst area") AS worst_area
FROM pgml.breast_cancer GROUP BY malignant ORDER BY malignant;
-- diabetes holds scikit-learn's scaled features: each column is centred with unit L2 norm
SELECT round(sum(age)::numeric, 6) AS age_sum, round(sum(age::float8 * age)::numeric, 6) AS age_norm2,
       round(sum(s6::float8 * s6)::numeric, 6) AS s6_norm2, min(target) AS target_min, max(target) AS target_max,
       sum(target) AS target_sum
FROM pgml.diabetes;
SELECT target, count(*) FROM pgml.digits GROUP BY target ORDER BY target;
SELECT image, array_dims(image) FROM pgml.digits ORDER BY ctid LIMIT 1;
SELECT target, count(*), round(avg(alcohol)::numeric, 3) AS alcohol, round(avg("od280/od315_of_diluted_wines")::numeric, 3) AS od280
FROM pgml.wine GROUP BY target ORDER BY target;
SELECT sum(chins) AS chins, sum(situps) AS situps, sum(jumps) AS jumps, sum(weight) AS weight, sum(waist) AS waist, sum(pulse) AS pulse
FROM pgml.linnerud;

-- "limit" keeps the first rows; a reload replaces the rows in place, so a view on the table survives it
SELECT * FROM pgml.load_dataset('iris', "limit" => 3);
SELECT * FROM pgml.iris ORDER BY ctid;
CREATE VIEW iris_setosa AS SELECT * FROM pgml.iris WHERE target = 0;
SELECT * FROM pgml.load_dataset('iris');
SELECT count(*) FROM pgml.iris;
SELECT count(*) FROM iris_setosa;

-- a table whose columns changed is refused and left as it is
ALTER TABLE pgml.iris ADD COLUMN extra int;
SELECT * FROM pgml.load_dataset('iris', "limit" => 3);
SELECT count(*) FROM pgml.iris;
ALTER TABLE pgml.iris DROP COLUMN extra;

-- inside a rolled-back transaction, nothing stays: no new table, no reload
DROP TABLE pgml.linnerud;
BEGIN;
SELECT * FROM pgml.load_dataset('linnerud');
ROLLBACK;
SELECT to_regclass('pgml.linnerud') IS NULL AS linnerud_gone;
BEGIN;
SELECT * FROM pgml.load_dataset('iris', "limit" => 3);
SELECT count(*) FROM iris_setosa;
ROLLBACK;
SELECT count(*) FROM iris_setosa;
DROP VIEW iris_setosa;

-- another kind of relation in the table's place is refused and left as it is
CREATE VIEW pgml.linnerud AS SELECT 1::real AS chins;
SELECT * FROM pgml.load_dataset('linnerud');
SELECT * FROM pgml.linnerud;
DROP VIEW pgml.linnerud;

-- bad inputs
SELECT * FROM pgml.load_dataset(NULL);
SELECT * FROM pgml.load_dataset('imdb');
SELECT * FROM pgml.load_dataset('iris', 'plain_text');
SELECT * FROM pgml.load_dataset('iris', kwargs => '{"split": "train"}');
SELECT * FROM pgml.load_dataset('iris', "limit" => -1);
SELECT count(*) FROM pgml.iris;
