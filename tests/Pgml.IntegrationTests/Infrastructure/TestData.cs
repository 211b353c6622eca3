using Npgsql;

namespace Pgml.IntegrationTests.Infrastructure;

/// <summary>Deterministic training tables, generated in SQL with setseed so every run sees the same rows.</summary>
public static class TestData
{
    /// <summary>
    /// y = 3a - 2b + c^2 + noise, with about 5% NULL features; label "cls" (boolean: y above its median),
    /// "grade" (integer 1..3). Columns: a, b, c real; d int; y real; cls bool; grade int.
    /// </summary>
    public static void CreateRegressionTable(NpgsqlConnection c, string name, int rows)
    {
        PgCluster.Exec(c, $"""
            DROP TABLE IF EXISTS {name} CASCADE;
            SELECT setseed(0.5);
            CREATE TABLE {name} AS
            SELECT CASE WHEN random() < 0.05 THEN NULL ELSE a END AS a, b, c, d,
                   (3 * a - 2 * b + c * c + 0.1 * d + 0.3 * (random() - 0.5))::real AS y
            FROM (SELECT (random() * 10)::real AS a, (random() * 5)::real AS b, (random() * 4 - 2)::real AS c,
                         (random() * 20)::int AS d
                  FROM generate_series(1, {rows})) s;
            """);
    }

    /// <summary>A classification view over the regression table: features a, b, c, d and a label column.</summary>
    public static void CreateClassificationViews(NpgsqlConnection c, string table)
    {
        PgCluster.Exec(c, $"""
            CREATE OR REPLACE VIEW {table}_binary AS
                SELECT a, b, c, d, (3 * coalesce(a, 5) - 2 * b + c * c > 10) AS label FROM {table};
            CREATE OR REPLACE VIEW {table}_multi AS
                SELECT a, b, c, d, (CASE WHEN 3 * coalesce(a, 5) - 2 * b < 5 THEN 10 WHEN 3 * coalesce(a, 5) - 2 * b < 15 THEN 20 ELSE 30 END) AS label
                FROM {table};
            """);
    }

    public static int Count(NpgsqlConnection c, string table) => (int)PgCluster.Scalar<long>(c, $"SELECT count(*) FROM {table}");
}
