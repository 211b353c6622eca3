using System.Diagnostics;
using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>
/// Bounded resources (issue 11): pgml.max_threads caps the threads of a training, no OpenMP worker outlives it, and an
/// XGBoost round too large to wait for (one round cannot be interrupted inside libxgboost) is refused before any row is
/// read. Before, {"nthread": 3000} left 3,001 threads in the backend until it disconnected, and
/// {"num_parallel_tree": 1000000} ran ten minutes past its statement_timeout.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ResourceTests(PgCluster cluster)
{
    // The tests run on the cluster's machine, as root: /proc/<pid>/task of a backend is readable.
    private static int Threads(int pid) => Directory.GetDirectories($"/proc/{pid}/task").Length;

    private static readonly int Cores = Math.Max(1, Environment.ProcessorCount);

    private NpgsqlConnection OpenLoaded(out int pid)
    {
        var c = cluster.Open();
        PgCluster.Scalar<string>(c, "SELECT pgml.version()");   // pgml.so and the engine are loaded: the GUC exists
        pid = PgCluster.Scalar<int>(c, "SELECT pg_backend_pid()");
        return c;
    }

    [Fact]
    public void MaxThreadsDefaultsToTheCoresAndCannotGoAbove()
    {
        using var c = OpenLoaded(out _);
        Assert.Equal(Cores.ToString(), PgCluster.Scalar<string>(c, "SHOW pgml.max_threads"));
        Assert.Equal("22023", Assert.Throws<PostgresException>(() => PgCluster.Exec(c, $"SET pgml.max_threads = {Cores + 1}")).SqlState);
        Assert.Equal("22023", Assert.Throws<PostgresException>(() => PgCluster.Exec(c, "SET pgml.max_threads = 0")).SqlState);
        PgCluster.Exec(c, "SET pgml.max_threads = 1");
        Assert.Equal("1", PgCluster.Scalar<string>(c, "SHOW pgml.max_threads"));
        PgCluster.Exec(c, "RESET pgml.max_threads");
        // a resource limit of the administrator's (PGC_SUSET): a role cannot raise it for itself
        PgCluster.Exec(c, "DROP ROLE IF EXISTS pgml_threads_user; CREATE ROLE pgml_threads_user");
        try
        {
            PgCluster.Exec(c, "SET ROLE pgml_threads_user");
            Assert.Equal("42501", Assert.Throws<PostgresException>(() => PgCluster.Exec(c, "SET pgml.max_threads = 1")).SqlState);
            Assert.Equal("42501", Assert.Throws<PostgresException>(() => PgCluster.Exec(c, "SET pgml.max_training_memory = '64GB'")).SqlState);
        }
        finally
        {
            PgCluster.Exec(c, "RESET ROLE; DROP ROLE pgml_threads_user");
        }
    }

    [Theory]
    [InlineData("xgboost", """{"nthread": 3000}""", "nthread")]
    [InlineData("lightgbm", """{"n_jobs": 3000}""", "n_jobs")]
    public void MoreThreadsThanTheCapAreRefused(string algorithm, string hyperparams, string key)
    {
        using var c = OpenLoaded(out int pid);
        TestData.CreateRegressionTable(c, "resource_threads", 200);
        int before = Threads(pid);
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c,
            $"SELECT * FROM pgml.train('resource refused {algorithm}', 'regression', 'resource_threads', 'y', algorithm => '{algorithm}', hyperparams => '{hyperparams}')"));
        Assert.Equal("22023", e.SqlState);
        Assert.Contains($"\"{key}\" is 3000", e.MessageText);
        Assert.Contains("pgml.max_threads", e.Hint);
        Assert.Equal(before, Threads(pid));
    }

    [Theory]
    [InlineData("xgboost")]
    [InlineData("lightgbm")]
    public async Task TrainingAtTheCapLeavesNoThreadBehind(string algorithm)
    {
        using var c = OpenLoaded(out int pid);
        using var observer = cluster.Open();
        TestData.CreateRegressionTable(c, "resource_cap", 100_000);
        int before = Threads(pid);
        string key = algorithm == "xgboost" ? "nthread" : "num_threads";
        int most = before;
        var training = Task.Run(() => PgCluster.Exec(c,
            $"SELECT * FROM pgml.train('resource cap {algorithm}', 'regression', 'resource_cap', 'y', algorithm => '{algorithm}', " +
            $"hyperparams => '{{\"{key}\": {Cores}, \"n_estimators\": 200}}')"));
        while (!training.IsCompleted)
        {
            try { most = Math.Max(most, Threads(pid)); } catch (DirectoryNotFoundException) { break; }
            await Task.Delay(2);
        }
        await training;
        // during: the OpenMP team is the backend's thread and Cores - 1 workers, never more
        Assert.True(most <= before + Cores - 1, $"{most} threads during training, {before} before, cap {Cores}");
        // after: the workers exit as the training ends (they are told to in its finally; give them a moment to go)
        var sw = Stopwatch.StartNew();
        int after = Threads(pid);
        while (after > before && sw.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20);
            after = Threads(pid);
        }
        Assert.True(after <= before, $"{after} threads after training, {before} before (at most {most} during)");
        Assert.Equal(1, PgCluster.Scalar<int>(c, "SELECT 1"));
    }

    [Theory]
    [InlineData("xgboost", """{"num_parallel_tree": 1000000, "n_estimators": 1}""", "\"num_parallel_tree\" must be an integer at least 1 and at most 1000")]
    [InlineData("xgboost_random_forest", """{"n_estimators": 100000}""", "\"n_estimators\" must be at most 1000")]
    public void AHugeRoundIsRefusedBeforeAnyRowIsRead(string algorithm, string hyperparams, string message)
    {
        using var c = cluster.Open();
        // reading a row of this view fails: a refusal after reading would be P0001, not 22023
        PgCluster.Exec(c, """
            CREATE OR REPLACE FUNCTION resource_unreadable() RETURNS real LANGUAGE plpgsql VOLATILE AS
              $$BEGIN RAISE EXCEPTION 'a row was read'; END$$;
            DROP TABLE IF EXISTS resource_small CASCADE;
            CREATE TABLE resource_small AS SELECT i::real AS a, (i % 7)::real AS y FROM generate_series(1, 100) i;
            CREATE VIEW resource_unreadable_rows AS SELECT a, resource_unreadable() AS y FROM resource_small;
            """);
        long snapshots = PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.snapshots");
        PgCluster.Exec(c, "SET statement_timeout = '30s'");
        var sw = Stopwatch.StartNew();
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c,
            $"SELECT * FROM pgml.train('resource huge round', 'regression', 'resource_unreadable_rows', 'y', algorithm => '{algorithm}', hyperparams => '{hyperparams}')"));
        Assert.Equal("22023", e.SqlState);
        Assert.Contains(message, e.MessageText);
        Assert.NotNull(e.Hint);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"refused after {sw.Elapsed}");
        Assert.Equal(snapshots, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.snapshots"));
        PgCluster.Exec(c, "RESET statement_timeout");
    }

    [Fact]
    public void ARoundOfTooManyTreesTimesRowsIsRefusedBeforeTraining()
    {
        using var c = cluster.Open();
        TestData.CreateRegressionTable(c, "resource_round", 200_000);   // 150,000 training rows at the default test_size
        var sw = Stopwatch.StartNew();
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c,
            "SELECT * FROM pgml.train('resource round', 'regression', 'resource_round', 'y', algorithm => 'xgboost_random_forest', hyperparams => '{\"n_estimators\": 1000}')"));
        Assert.Equal("22023", e.SqlState);
        Assert.Contains("one XGBoost boosting round of 1000 trees (num_parallel_tree) on 150000 training rows is too large", e.MessageText);
        Assert.Contains("at most 666 for 150000 rows", e.Hint);
        // 1,000 trees would take about 10 s on this machine; the refusal comes before the first tree
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(8), $"refused after {sw.Elapsed}");
    }
}
