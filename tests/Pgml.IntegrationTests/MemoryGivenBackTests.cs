using System.Text.Json;
using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>
/// A backend gives back the memory a training statement used, after a success and after an overflow of the managed
/// heap (issue 11): the managed heap's committed bytes fall back after the statement, and so does the backend's
/// private memory (RssAnon), within the 32 MB of what it was before. Not timed: the data is chosen so that
/// without the give-back (PGML_MEMORY_GIVE_BACK=off in the server's environment) both bounds are missed by far (a
/// managed vocabulary of 100,000 distinct 384-byte texts grows its arena to 64 MB; the overflow leaves 200 MB).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class MemoryGivenBackTests(PgCluster cluster)
{
    private const long KeptBound = 32L << 20;        // the bound on what a backend keeps
    private const long CommittedBound = 24L << 20;   // the managed heap after a give-back (about 1-3 MB measured)

    private NpgsqlConnection Setup()
    {
        var c = cluster.Open();
        if (PgCluster.Scalar<long>(c, "SELECT count(*) FROM pg_class WHERE relname = 'memory_texts'") == 0)
        {
            // distinct texts, each 384 bytes: a text feature's vocabulary lives on the managed heap
            PgCluster.Exec(c, "CREATE TABLE memory_texts AS SELECT g, repeat(md5(g::text), 12) AS t, (g % 7)::real AS a, " +
                              "(g % 5)::real AS y FROM generate_series(1, 700000) g");
            PgCluster.Exec(c, "CREATE VIEW memory_texts_100k AS SELECT t, a, y FROM memory_texts WHERE g <= 100000");
            PgCluster.Exec(c, "CREATE VIEW memory_texts_all AS SELECT t, a, y FROM memory_texts");
        }
        PgCluster.Scalar<string>(c, "SELECT pgml.version()");   // the runtime started before the first reading
        return c;
    }

    private static long RssAnon(NpgsqlConnection c) =>
        1024 * long.Parse(PgCluster.Scalar<string>(c,
            "SELECT substring(pg_read_file('/proc/self/status') from 'RssAnon:\\s*(\\d+) kB')"));

    private static JsonElement RuntimeInfo(NpgsqlConnection c) =>
        JsonDocument.Parse(PgCluster.Scalar<string>(c, "SELECT pgml._runtime_info()::text")).RootElement;

    private static void AssertGivenBack(NpgsqlConnection c, long before, long giveBacksBefore, string what)
    {
        long kept = RssAnon(c) - before;
        var info = RuntimeInfo(c);
        Assert.True(kept < KeptBound, $"{what}: the backend keeps {kept >> 20} MiB more private memory than before: {info}");
        // committed_bytes is the figure of the last collection, the give-back's own
        long committed = info.GetProperty("committed_bytes").GetInt64();
        Assert.True(committed < CommittedBound, $"{what}: the managed heap keeps {committed >> 20} MiB committed: {info}");
        Assert.True(info.GetProperty("give_back").GetBoolean(), "the give-back is turned off in this server: " + info);
        Assert.Equal(giveBacksBefore + 1, info.GetProperty("give_backs").GetInt64());
    }

    [Fact]
    public void ATrainingGivesItsMemoryBack()
    {
        using var c = Setup();
        long before = RssAnon(c);
        long giveBacks = RuntimeInfo(c).GetProperty("give_backs").GetInt64();
        PgCluster.Exec(c, "SELECT * FROM pgml.train('memory given back', 'regression', 'memory_texts_100k', 'y', " +
                          "algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 5}')");
        AssertGivenBack(c, before, giveBacks, "after a training of 100,000 rows");
    }

    [Fact]
    public void AnOverflowOfTheManagedHeapGivesItsMemoryBack()
    {
        using var c = Setup();
        long before = RssAnon(c);
        long giveBacks = RuntimeInfo(c).GetProperty("give_backs").GetInt64();
        // 700,000 distinct texts: the vocabulary's arena passes 256 MB and its next doubling exceeds the 512 MB heap
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c,
            "SELECT * FROM pgml.train('memory overflow', 'regression', 'memory_texts_all', 'y', algorithm => 'linear')"));
        Assert.Equal("54000", e.SqlState);
        AssertGivenBack(c, before, giveBacks, "after an overflow of the managed heap (54000)");
        Assert.Equal(1, PgCluster.Scalar<int>(c, "SELECT 1"));   // the same backend goes on
    }

    [Fact]
    public void EveryDataSetStatementGivesBackAndNoOtherDoes()
    {
        using var c = Setup();
        long Count() => RuntimeInfo(c).GetProperty("give_backs").GetInt64();
        long start = Count();
        PgCluster.Exec(c, "SELECT * FROM pgml.load_dataset('iris')");
        Assert.Equal(start + 1, Count());
        PgCluster.Exec(c, "SELECT * FROM pgml.snapshot('pgml.iris', 'target')");
        Assert.Equal(start + 2, Count());
        PgCluster.Exec(c, "SELECT pgml.version()");
        Assert.Throws<PostgresException>(() => PgCluster.Exec(c, "SELECT * FROM pgml.deploy(0::bigint)"));   // no such model
        Assert.Throws<PostgresException>(() => PgCluster.Exec(c, "SELECT * FROM pgml.load_dataset('no such dataset')"));
        Assert.Equal(start + 3, Count());   // the failed load too; version and deploy give nothing back
    }
}
