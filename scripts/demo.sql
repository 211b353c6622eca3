-- The demo: a table of house sales (generated, deterministic), an XGBoost regressor for the price and an XGBoost
-- classifier for "sold within 30 days", their metrics, and predictions next to the true values.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgml;

CREATE TABLE IF NOT EXISTS demo_house_sales (
    id bigint PRIMARY KEY,
    living_area_m2 real NOT NULL,
    lot_area_m2 real,                -- NULL for apartments: a missing value for XGBoost
    bedrooms smallint NOT NULL,
    bathrooms smallint NOT NULL,
    year_built int NOT NULL,
    distance_to_center_km real NOT NULL,
    has_garage boolean NOT NULL,
    condition smallint NOT NULL,      -- 1 (poor) .. 5 (excellent)
    asking_price real NOT NULL,       -- in thousands
    sale_price real NOT NULL,         -- in thousands
    sold_within_30_days boolean NOT NULL
);

-- 20,000 sales, generated once (setseed makes them the same on every machine).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM demo_house_sales) THEN
        -- the same rows on every machine
        PERFORM setseed(0.42);
        INSERT INTO demo_house_sales
        SELECT i, area, lot, beds, baths, built, dist, garage, cond,
               round(ask::numeric, 1), round(sale::numeric, 1),
               -- asked below its value, in good condition and central: likely to sell fast
               random() < 1 / (1 + exp(-(40 * (value / ask - 1) + 0.5 * (cond - 3) - 0.08 * (dist - 8))))
        FROM (
            SELECT i, area, lot, beds, baths, built, dist, garage, cond, value,
                   value * (0.92 + 0.16 * random()) AS ask,
                   value * exp(0.08 * sqrt(-2 * ln(random())) * cos(2 * pi() * random())) AS sale
            FROM (
                SELECT i, area, lot, beds, baths, built, dist, garage, cond,
                       (1.9 * area + 0.05 * coalesce(lot, 0) + 25 * baths + 40 * garage::int + 18 * cond
                        - 4.5 * dist - 0.6 * greatest(0, 2024 - built) + 60) AS value
                FROM (
                    SELECT i,
                           (45 + 160 * random() ^ 1.5)::real AS area,
                           CASE WHEN random() < 0.3 THEN NULL ELSE (150 + 900 * random())::real END AS lot,
                           (1 + floor(4 * random()))::smallint AS beds,
                           (1 + floor(2.5 * random()))::smallint AS baths,
                           (1920 + floor(104 * random()))::int AS built,
                           (0.5 + 30 * random() ^ 2)::real AS dist,
                           random() < 0.45 AS garage,
                           (1 + floor(5 * random()))::smallint AS cond
                    FROM generate_series(1, 20000) AS i
                ) raw
            ) valued
        ) priced;
    END IF;
END $$;

-- Features are every column but the label: views choose them.
CREATE OR REPLACE VIEW demo_price_training AS
    SELECT living_area_m2, lot_area_m2, bedrooms, bathrooms, year_built, distance_to_center_km, has_garage, condition,
           sale_price FROM demo_house_sales;
CREATE OR REPLACE VIEW demo_fast_sale_training AS
    SELECT living_area_m2, lot_area_m2, bedrooms, bathrooms, year_built, distance_to_center_km, has_garage, condition,
           asking_price, sold_within_30_days FROM demo_house_sales;

\echo
\echo '== training an XGBoost regressor (sale price) and an XGBoost classifier (sold within 30 days)'
SELECT * FROM pgml.train('demo house price', 'regression', 'demo_price_training', 'sale_price',
                         algorithm => 'xgboost', hyperparams => '{"n_estimators": 100, "max_depth": 5, "eta": 0.1}');
SELECT * FROM pgml.train('demo fast sale', 'classification', 'demo_fast_sale_training', 'sold_within_30_days',
                         algorithm => 'xgboost', hyperparams => '{"n_estimators": 100, "max_depth": 4, "eta": 0.1}');

\echo '== metrics of the deployed models (scored on the held-out 25%)'
SELECT p.name AS project, m.id AS model, m.algorithm,
       (SELECT string_agg(format('%s=%s', k, round(v::text::numeric, 4)), ', ' ORDER BY k)
          FROM jsonb_each(m.metrics) AS e(k, v) WHERE jsonb_typeof(v) = 'number' AND k NOT LIKE '%time') AS metrics,
       round((m.metrics ->> 'fit_time')::numeric, 3) AS fit_seconds
FROM pgml.projects p
JOIN LATERAL (SELECT model_id FROM pgml.deployments d WHERE d.project_id = p.id ORDER BY created_at DESC LIMIT 1) d ON true
JOIN pgml.models m ON m.id = d.model_id
WHERE p.name LIKE 'demo %' ORDER BY p.name;

\echo '== predicted sale price next to the true one (thousands)'
SELECT id, living_area_m2 AS area, distance_to_center_km AS km, condition, sale_price AS true_price,
       round(pgml.predict('demo house price', ARRAY[living_area_m2, lot_area_m2, bedrooms, bathrooms, year_built,
             distance_to_center_km, has_garage::int, condition])::numeric, 1) AS predicted_price
FROM demo_house_sales ORDER BY id LIMIT 8;

\echo '== predicted fast sale next to the true outcome'
SELECT id, asking_price, sale_price, sold_within_30_days AS truly_fast,
       pgml.predict('demo fast sale', ARRAY[living_area_m2, lot_area_m2, bedrooms, bathrooms, year_built,
             distance_to_center_km, has_garage::int, condition, asking_price]) = 1 AS predicted_fast
FROM demo_house_sales ORDER BY id LIMIT 8;
