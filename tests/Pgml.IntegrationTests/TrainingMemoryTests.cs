using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>
/// pgml.max_training_memory bounds the native memory one training's data may take: past it the training fails with
/// 54000 and a hint naming the setting, leaves nothing behind, and the backend goes on; within it, the same training
/// runs.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TrainingMemoryTests(PgCluster cluster)
{
    [Fact]
    public void TrainingPastTheBudgetIsRefusedCleanly()
    {
        using var c = cluster.Open();
        // 60,000 rows of a 100-wide array: 24 MB of float32 features
        PgCluster.Exec(c, "CREATE TABLE IF NOT EXISTS budget_rows AS SELECT array_fill((i % 97)::real, ARRAY[100]) AS v, (i % 13)::real AS y " +
                          "FROM generate_series(1, 60000) i");
        PgCluster.Exec(c, "SET pgml.max_training_memory = '16MB'");
        Assert.Equal("16MB", PgCluster.Scalar<string>(c, "SHOW pgml.max_training_memory"));
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c,
            "SELECT * FROM pgml.train('budget', 'regression', 'budget_rows', 'y', algorithm => 'linear')"));
        Assert.Equal("54000", e.SqlState);
        Assert.Contains("MiB allowed", e.MessageText);
        Assert.Contains("pgml.max_training_memory (now 16 MB)", e.Hint);
        Assert.Equal(0L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.projects WHERE name = 'budget'"));

        PgCluster.Exec(c, "SET pgml.max_training_memory = '256MB'");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('budget', 'regression', 'budget_rows', 'y', algorithm => 'linear')");
        Assert.Equal(1L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.projects WHERE name = 'budget'"));
        PgCluster.Exec(c, "RESET pgml.max_training_memory");
    }

    [Fact]
    public void TheSettingHasARange()
    {
        using var c = cluster.Open();
        PgCluster.Scalar<string>(c, "SELECT pgml.version()");   // loads pgml.so, which defines the setting
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c, "SET pgml.max_training_memory = '1MB'"));
        Assert.Equal("22023", e.SqlState);   // PostgreSQL's own check of the GUC's minimum (16 MB)
        Assert.True(PgCluster.Scalar<long>(c, "SELECT setting::int8 FROM pg_settings WHERE name = 'pgml.max_training_memory'") >= 64);
    }
}
