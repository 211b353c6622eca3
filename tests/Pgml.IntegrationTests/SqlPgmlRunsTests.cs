using System.Diagnostics;
using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>
/// The SQL pgml runs for its caller (the relation training reads, a snapshot's copy, the diagnostics' queries):
/// statement_timeout, pg_cancel_backend and pg_terminate_backend reach it, and a view that pgml reads may itself
/// predict with pgml. Before, PostgreSQL's signals stayed blocked while that SQL ran, so a slow view outlived its
/// timeout and pgml._boundary_probe('sql_sleep', 'Infinity') outlived even a terminate; and a view calling
/// pgml.predict broke the outer call's SPI connection (an XX000 "spi_printtup called while not connected to SPI").
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SqlPgmlRunsTests(PgCluster cluster)
{
    // Not performance claims: without the fix each of these statements runs for minutes or forever.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public void StatementTimeoutEndsSqlThatPgmlRuns()
    {
        using var c = cluster.Open();
        PgCluster.Exec(c, "SET statement_timeout = '1s'");
        var sw = Stopwatch.StartNew();
        var e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<string>(c, "SELECT pgml._boundary_probe('sql_sleep', 'Infinity')"));
        Assert.Equal("57014", e.SqlState);
        Assert.True(sw.Elapsed < Bound, $"the timeout took {sw.Elapsed}");
        PgCluster.Exec(c, "RESET statement_timeout");
        Assert.Equal(1, PgCluster.Scalar<int>(c, "SELECT 1"));
    }

    [Fact]
    public void CancelEndsSqlThatPgmlRuns()
    {
        using var victim = cluster.Open();
        using var killer = cluster.Open();
        int pid = PgCluster.Scalar<int>(victim, "SELECT pg_backend_pid()");
        // 200 ms in: inside pg_sleep
        Assert.Equal("57014", PgCluster.CancelWhileRunning(victim, killer, "SELECT pgml._boundary_probe('sql_sleep', 600)", 200).SqlState);
        Assert.Equal(pid, PgCluster.Scalar<int>(victim, "SELECT pg_backend_pid()"));
        // the signal mask is restored: a later cancel of managed work still works
        Assert.Equal("57014", PgCluster.CancelWhileRunning(victim, killer, "SELECT pgml._boundary_probe('spin', 600)").SqlState);
    }

    [Fact]
    public void TerminateEndsSqlThatPgmlRuns()
    {
        using var victim = cluster.Open();
        using var killer = cluster.Open();
        int pid = PgCluster.Scalar<int>(victim, "SELECT pg_backend_pid()");
        var work = Task.Run(() => PgCluster.Scalar<string>(victim, "SELECT pgml._boundary_probe('sql_sleep', 'Infinity')"));
        PgCluster.WaitUntilActive(killer, pid);
        Thread.Sleep(200);
        Assert.True(PgCluster.Scalar<bool>(killer, $"SELECT pg_terminate_backend({pid})"));
        var e = Assert.Throws<AggregateException>(() => work.Wait(Bound));
        Assert.True(e.InnerException is PostgresException { SqlState: "57P01" } or NpgsqlException, $"unexpected: {e.InnerException}");
        using var fresh = cluster.Open();
        Assert.Equal(1, PgCluster.Scalar<int>(fresh, "SELECT 1"));
    }

    [Fact]
    public void StatementTimeoutEndsTrainingOnASlowView()
    {
        using var c = cluster.Open();
        // 3,000 rows at 10 ms each: half a minute of reading, cut to one second by the timeout
        PgCluster.Exec(c, "CREATE TABLE IF NOT EXISTS slow_rows AS SELECT i::real AS x, (2 * i)::real AS y FROM generate_series(1, 3000) i;" +
                          "CREATE OR REPLACE VIEW slow_view AS SELECT x, y, pg_sleep(0.01) IS NULL AS z FROM slow_rows");
        PgCluster.Exec(c, "SET statement_timeout = '1s'");
        var sw = Stopwatch.StartNew();
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c,
            "SELECT * FROM pgml.train('slow view', 'regression', 'slow_view', 'y', algorithm => 'linear')"));
        Assert.Equal("57014", e.SqlState);
        Assert.True(sw.Elapsed < Bound, $"the timeout took {sw.Elapsed}");
        PgCluster.Exec(c, "RESET statement_timeout");
        Assert.Equal(0L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.projects WHERE name = 'slow view'"));
    }

    [Fact]
    public void TrainingReadsAViewThatPredictsWithAnotherModel()
    {
        using var c = cluster.Open();
        PgCluster.Exec(c, "CREATE TABLE IF NOT EXISTS stack_rows AS SELECT i::real AS a, (i % 7)::real AS b, (3 * i + (i % 7))::real AS y FROM generate_series(1, 500) i");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('stack base', 'regression', 'stack_rows', 'y', algorithm => 'linear')");
        PgCluster.Exec(c, "CREATE OR REPLACE VIEW stack_view AS SELECT a, pgml.predict('stack base', ARRAY[a, b]) AS base, y FROM stack_rows");
        // the cold path (the base model loaded inside the view, with its own SPI connection) and the warm one
        using (var cold = cluster.Open())
            PgCluster.Exec(cold, "SELECT * FROM pgml.train('stack top', 'regression', 'stack_view', 'y', algorithm => 'linear')");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('stack top', 'regression', 'stack_view', 'y', algorithm => 'linear', " +
                          "materialize_snapshot => true)");
        Assert.Equal(2L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'stack top'"));
        float base10 = PgCluster.Scalar<float>(c, "SELECT pgml.predict('stack base', ARRAY[10, 3]::real[])");
        Assert.Equal(33f, base10, 0.01f);
        Assert.Equal(33f, PgCluster.Scalar<float>(c, $"SELECT pgml.predict('stack top', ARRAY[10, {base10}]::real[])"), 0.05f);
    }

    [Fact]
    public void ColdFunctionInsideSqlThatPgmlRunsIsRefused()
    {
        using var c = cluster.Open();
        int pid = PgCluster.Scalar<int>(c, "SELECT pg_backend_pid()");
        PgCluster.Exec(c, "CREATE TABLE IF NOT EXISTS nested_rows AS SELECT i::real AS x, (2 * i)::real AS y FROM generate_series(1, 50) i;" +
                          "CREATE OR REPLACE VIEW nested_view AS SELECT x, length(pgml.version())::real AS v, y FROM nested_rows");
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c,
            "SELECT * FROM pgml.train('nested cold', 'regression', 'nested_view', 'y', algorithm => 'linear')"));
        Assert.Equal("0A000", e.SqlState);
        Assert.Equal("pgml.version cannot run inside SQL that another pgml call is running", e.MessageText);
        Assert.Contains("statement of its own", e.Hint);
        Assert.Equal(pid, PgCluster.Scalar<int>(c, "SELECT pg_backend_pid()"));
        Assert.StartsWith("0", PgCluster.Scalar<string>(c, "SELECT pgml.version()"));   // fine on its own
        Assert.Equal(0L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.projects WHERE name = 'nested cold'"));
    }
}
