-- ---------------------------------------------------------------- views (PostgresML's columns)
-- security_invoker: a view reads the catalog as the role that queries it, so row-level security shows each role its
-- own projects (a view runs as its owner otherwise, and the owner, a superuser, would show everyone everything).

-- Every deployment, newest first.
CREATE VIEW pgml.overview WITH (security_invoker = true) AS
SELECT p.name, d.created_at AS deployed_at, p.task, m.algorithm, m.runtime, s.relation_name, s.y_column_name,
       s.test_sampling, s.test_size
FROM pgml.projects p
JOIN pgml.deployments d ON d.project_id = p.id
JOIN pgml.models m ON m.id = d.model_id
LEFT JOIN pgml.snapshots s ON s.id = m.snapshot_id
ORDER BY d.created_at DESC, d.id DESC;

-- Every model; deployed is true for each project's current model.
CREATE VIEW pgml.trained_models WITH (security_invoker = true) AS
SELECT m.id, p.name, p.task, m.algorithm, m.runtime, m.created_at, s.test_sampling, s.test_size,
       m.id = current.model_id AS deployed
FROM pgml.models m
JOIN pgml.projects p ON p.id = m.project_id
LEFT JOIN pgml.snapshots s ON s.id = m.snapshot_id
LEFT JOIN LATERAL (
    SELECT d.model_id FROM pgml.deployments d WHERE d.project_id = p.id ORDER BY d.created_at DESC, d.id DESC LIMIT 1
) current ON true
ORDER BY m.created_at DESC, m.id DESC;

-- The current model of each project.
CREATE VIEW pgml.deployed_models WITH (security_invoker = true) AS
SELECT m.id, p.name, p.task, m.algorithm, m.runtime, current.created_at AS deployed_at
FROM pgml.projects p
JOIN LATERAL (
    SELECT d.model_id, d.created_at FROM pgml.deployments d WHERE d.project_id = p.id ORDER BY d.created_at DESC, d.id DESC LIMIT 1
) current ON true
JOIN pgml.models m ON m.id = current.model_id
ORDER BY p.name;

GRANT SELECT ON pgml.overview, pgml.trained_models, pgml.deployed_models TO PUBLIC;
