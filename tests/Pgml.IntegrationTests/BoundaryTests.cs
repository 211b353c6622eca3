using System.Diagnostics;
using System.Runtime.InteropServices;
using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>The rules of the C#/PostgreSQL boundary (docs/architecture.md), each proven on a live backend.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BoundaryTests(PgCluster cluster)
{
    [Fact]
    public void SqlErrorInsideManagedWorkKeepsItsMessageAndSqlState()
    {
        using var c = cluster.Open();
        int pid = PgCluster.Scalar<int>(c, "SELECT pg_backend_pid()");
        var e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<string>(c, "SELECT pgml._boundary_probe('sql_error')"));
        Assert.Equal("22012", e.SqlState);
        Assert.Equal("division by zero", e.MessageText);
        Assert.Equal(pid, PgCluster.Scalar<int>(c, "SELECT pg_backend_pid()"));   // same backend, still usable
    }

    [Fact]
    public void SqlErrorWhileReadingTrainingRowsReachesTheClient()
    {
        using var c = cluster.Open();
        PgCluster.Exec(c, "CREATE TABLE IF NOT EXISTS boundary_rows AS SELECT i::real AS x, (i % 2)::real AS y FROM generate_series(0, 99) i;" +
                          "CREATE OR REPLACE VIEW boundary_bad_view AS SELECT 100 / (x::int - 50) AS x, y FROM boundary_rows;");
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c,
            "SELECT * FROM pgml.train('boundary bad view', 'regression', 'boundary_bad_view', 'y', algorithm => 'xgboost')"));
        Assert.Equal("22012", e.SqlState);
        Assert.Equal(1, PgCluster.Scalar<int>(c, "SELECT 1"));
        Assert.Equal(0L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.projects WHERE name = 'boundary bad view'"));
    }

    [Theory]
    [InlineData("managed_exception", "InvalidOperationException")]
    [InlineData("null_reference", "NullReferenceException")]
    public void ManagedExceptionBecomesAnErrorAndTheBackendLives(string kind, string exceptionName)
    {
        using var c = cluster.Open();
        int pid = PgCluster.Scalar<int>(c, "SELECT pg_backend_pid()");
        var e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<string>(c, $"SELECT pgml._boundary_probe('{kind}')"));
        Assert.Equal("38000", e.SqlState);   // external_routine_exception; never class XX, which makes Npgsql drop the connection
        Assert.Contains(exceptionName, e.MessageText);
        Assert.Contains("bug in pgml", e.Hint);
        Assert.DoesNotContain("   at ", e.MessageText);   // no .NET stack trace in the message
        Assert.Equal(pid, PgCluster.Scalar<int>(c, "SELECT pg_backend_pid()"));
        Assert.Equal("spun", PgCluster.Scalar<string>(c, "SELECT pgml._boundary_probe('spin', 0.01)"));
    }

    [Fact]
    public void CallIntoPostgresFromAnotherThreadIsRefusedAndTheBackendLives()
    {
        using var c = cluster.Open();
        int logStart = cluster.ServerLog().Length;
        int pid = PgCluster.Scalar<int>(c, "SELECT pg_backend_pid()");
        TrainSmallModel(c, "boundary thread");
        var e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<string>(c, "SELECT pgml._boundary_probe('other_thread')"));
        Assert.Equal("38000", e.SqlState);   // a pgml error, never class XX: the connection stays open
        Assert.Equal("pgml called PostgreSQL from a thread other than the backend's main thread", e.MessageText);
        Assert.Contains("bug in pgml", e.Hint);
        Assert.Contains("refused without touching PostgreSQL", e.Detail);
        AssertHealthy(c, pid, "boundary thread");
        AssertNoCrashInLog(cluster.ServerLog()[logStart..]);
        Assert.DoesNotContain("probe: a notice from another thread", cluster.ServerLog()[logStart..]);   // refused, not logged
    }

    [Fact]
    public void RefusedCallFailsTheStatementEvenWhenTheEngineSwallowsTheError()
    {
        using var c = cluster.Open();
        int pid = PgCluster.Scalar<int>(c, "SELECT pg_backend_pid()");
        TrainSmallModel(c, "boundary thread swallowed");
        var e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<string>(c, "SELECT pgml._boundary_probe('other_thread_swallowed')"));
        Assert.Equal("38000", e.SqlState);
        Assert.Equal("pgml called PostgreSQL from a thread other than the backend's main thread", e.MessageText);
        Assert.Contains("the backend is unharmed", e.Detail);
        AssertHealthy(c, pid, "boundary thread swallowed");
    }

    [Fact]
    public void UnknownProbeKindListsEveryKind()
    {
        using var c = cluster.Open();
        var e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<string>(c, "SELECT pgml._boundary_probe('nonsense')"));
        Assert.Equal("22023", e.SqlState);
        foreach (var kind in new[] { "managed_exception", "null_reference", "sql_error", "spin", "sql_sleep", "other_thread", "other_thread_swallowed" })
            Assert.Contains(kind, e.Hint);
    }

    /// <summary>PGML_ABI_VERSION as pgml_abi.h defines it (the version of the build under test).</summary>
    private static int AbiVersion()
    {
        string header = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "../../../../../extension/src/pgml_abi.h"));
        return int.Parse(System.Text.RegularExpressions.Regex.Match(header, @"#define PGML_ABI_VERSION (\d+)").Groups[1].Value);
    }

    [Fact]
    public void EngineRefusesACallbackTableOfAnotherVersion()
    {
        int v = AbiVersion();
        InitWithTable(v + 1, 104, $"pgml.so speaks ABI version {v + 1} but pgml_engine.so speaks {v}");
    }

    [Fact]
    public void EngineRefusesACallbackTableOfAnotherSize()
    {
        int v = AbiVersion();
        InitWithTable(v, 96, $"pgml.so's callback table has 96 bytes but pgml_engine.so's has 112 (ABI version {v} on both)");
    }

    private static unsafe void InitWithTable(int version, int size, string message)
    {
        // What a user sees when pgml.so and pgml_engine.so come from different builds, without PostgreSQL: the
        // installed engine's init export is handed a table with only the stable prefix (version, size, error) filled.
        string engine = Path.Combine(ShimSqlStateTests.PgConfig("--pkglibdir"), "pgml_engine.so");
        var init = (delegate* unmanaged<byte*, int>)NativeLibrary.GetExport(NativeLibrary.Load(engine), "pgml_cs_init");
        byte* table = (byte*)NativeMemory.AllocZeroed(256);
        byte* error = (byte*)NativeMemory.AllocZeroed(8 + 3 * 2048);   // PgmlError: sqlstate[8], message, detail, hint
        try
        {
            *(int*)table = version;
            *(int*)(table + 4) = size;
            *(byte**)(table + 8) = error;
            Assert.Equal(2, init(table));   // status 2: a pgml error, filled in
            Assert.Equal("38000", Marshal.PtrToStringUTF8((nint)error));
            Assert.Equal(message, Marshal.PtrToStringUTF8((nint)(error + 8)));
            Assert.Contains("reinstall both", Marshal.PtrToStringUTF8((nint)(error + 8 + 2 * 2048)));
        }
        finally
        {
            NativeMemory.Free(table);
            // error stays allocated: the engine keeps the pointer for the next report in this process
        }
    }

    [Fact]
    public void StatementTimeoutCancelsTraining()
    {
        using var c = cluster.Open();
        CreateLongTrainingTable(c);
        PgCluster.Exec(c, "SET statement_timeout = '1s'");
        var sw = Stopwatch.StartNew();
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c,
            "SELECT * FROM pgml.train('boundary timeout', 'regression', 'boundary_long', 'y', algorithm => 'xgboost', " +
            "hyperparams => '{\"n_estimators\": 100000, \"max_depth\": 8}')"));
        sw.Stop();
        Assert.Equal("57014", e.SqlState);   // query_canceled
        // Not a performance claim: without interrupt checks the run would go on for many minutes.
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"cancel took {sw.Elapsed}");
        PgCluster.Exec(c, "RESET statement_timeout");
        Assert.Equal(0L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.projects WHERE name = 'boundary timeout'"));
        AssertNoCrashInLog();
    }

    [Fact]
    public void CancelStopsManagedWork()
    {
        using var victim = cluster.Open();
        using var killer = cluster.Open();
        int pid = PgCluster.Scalar<int>(victim, "SELECT pg_backend_pid()");
        Assert.Equal("57014", PgCluster.CancelWhileRunning(victim, killer, "SELECT pgml._boundary_probe('spin', 60)").SqlState);
        Assert.Equal(pid, PgCluster.Scalar<int>(victim, "SELECT pg_backend_pid()"));
    }

    [Fact]
    public void TerminateEndsATrainingBackendWithoutCrashRecovery()
    {
        using (var setup = cluster.Open()) CreateLongTrainingTable(setup);
        int logStart = cluster.ServerLog().Length;
        using var victim = cluster.Open();
        using var killer = cluster.Open();
        int pid = PgCluster.Scalar<int>(victim, "SELECT pg_backend_pid()");
        var work = Task.Run(() => PgCluster.Exec(victim,
            "SELECT * FROM pgml.train('boundary terminate', 'regression', 'boundary_long', 'y', algorithm => 'xgboost', " +
            "hyperparams => '{\"n_estimators\": 100000, \"max_depth\": 8}')"));
        PgCluster.WaitUntilActive(killer, pid);
        Thread.Sleep(1500);   // well inside the boosting rounds
        Assert.True(PgCluster.Scalar<bool>(killer, $"SELECT pg_terminate_backend({pid})"));
        var e = Assert.Throws<AggregateException>(() => work.Wait(TimeSpan.FromSeconds(30)));
        Assert.True(e.InnerException is PostgresException { SqlState: "57P01" } or NpgsqlException,
            $"unexpected: {e.InnerException}");
        // The backend is gone, the cluster is not restarted: new connections work and the log shows no crash.
        for (int i = 0; i < 50 && PgCluster.Scalar<long>(killer, $"SELECT count(*) FROM pg_stat_activity WHERE pid = {pid}") > 0; i++)
            Thread.Sleep(100);
        Assert.Equal(0L, PgCluster.Scalar<long>(killer, $"SELECT count(*) FROM pg_stat_activity WHERE pid = {pid}"));
        using var fresh = cluster.Open();
        Assert.Equal(1, PgCluster.Scalar<int>(fresh, "SELECT 1"));
        string log = cluster.ServerLog()[logStart..];
        Assert.Contains("terminating connection due to administrator command", log);
        AssertNoCrashInLog(log);
    }

    [Fact]
    public void NoSharedPreloadLibrariesNeeded()
    {
        using var c = cluster.Open();
        Assert.Equal("", PgCluster.Scalar<string>(c, "SHOW shared_preload_libraries"));
        string version = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "../../../../../VERSION")).Trim();
        Assert.StartsWith($"{version} (xgboost", PgCluster.Scalar<string>(c, "SELECT pgml.version()"));   // VersionTests checks the rest
    }

    private static void TrainSmallModel(NpgsqlConnection c, string project)
    {
        PgCluster.Exec(c, "CREATE TABLE IF NOT EXISTS boundary_small AS SELECT i::real AS x, (2 * i + 1)::real AS y FROM generate_series(0, 49) i");
        PgCluster.Exec(c, $"SELECT * FROM pgml.train('{project}', 'regression', 'boundary_small', 'y', algorithm => 'linear')");
    }

    /// <summary>The same backend still answers plain SQL and predictions (with the model trained before the probe).</summary>
    private static void AssertHealthy(NpgsqlConnection c, int pid, string project)
    {
        Assert.Equal(pid, PgCluster.Scalar<int>(c, "SELECT pg_backend_pid()"));
        Assert.Equal(1, PgCluster.Scalar<int>(c, "SELECT 1"));
        Assert.Equal(21f, PgCluster.Scalar<float>(c, $"SELECT pgml.predict('{project}', ARRAY[10]::real[])"), 0.01f);
        Assert.Equal("spun", PgCluster.Scalar<string>(c, "SELECT pgml._boundary_probe('spin', 0.01)"));
    }

    private void AssertNoCrashInLog(string? log = null)
    {
        log ??= cluster.ServerLog();
        foreach (var sign in new[] { "terminated by signal", "was terminated by", "server process (PID", "all server processes terminated",
                                     "database system was not properly shut down", "automatic recovery", "PANIC" })
            Assert.DoesNotContain(sign, log);
    }

    private static void CreateLongTrainingTable(NpgsqlConnection c)
    {
        // Big enough that 100,000 deep boosting rounds take minutes: cancellation must come from the interrupt checks.
        if (PgCluster.Scalar<long>(c, "SELECT count(*) FROM pg_class WHERE relname = 'boundary_long'") == 0)
            PgCluster.Exec(c, "SELECT setseed(0.1); CREATE TABLE boundary_long AS SELECT random()::real AS a, random()::real AS b, " +
                              "random()::real AS c, random()::real AS y FROM generate_series(1, 50000)");
    }
}
