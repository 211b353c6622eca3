using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>
/// Reads scale on streaming standbys: a standby made with pg_basebackup -R serves the primary's models with the same
/// answers, follows each redeploy at replay (its backends' caches are invalidated by the replayed relcache
/// invalidation, with no shared memory and no polling), and refuses writes (training, deploying) with 25006.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StandbyTests(PgCluster cluster)
{
    private const string Answers =
        "SELECT string_agg(pgml.predict('standby', ARRAY[x, z])::text, ',' ORDER BY x) FROM standby_rows WHERE x <= 60";

    private static long Train(NpgsqlConnection c, int rounds)
    {
        PgCluster.Exec(c, $"SELECT * FROM pgml.train('standby', 'regression', 'standby_rows', 'y', algorithm => 'xgboost', " +
                          $"hyperparams => '{{\"n_estimators\": {rounds}}}', automatic_deploy => false)");
        return PgCluster.Scalar<long>(c, "SELECT max(id) FROM pgml.models");
    }

    [Fact]
    public void StandbyPredictsAsThePrimaryFollowsRedeploysAndRefusesWrites()
    {
        using var p = cluster.Open();
        PgCluster.Exec(p, "CREATE TABLE IF NOT EXISTS standby_rows AS SELECT i::real AS x, (i % 5)::real AS z, (2 * i + (i % 5))::real AS y FROM generate_series(1, 300) i");
        long first = Train(p, 3), second = Train(p, 30);
        PgCluster.Exec(p, $"SELECT * FROM pgml.deploy({first})");

        using var standby = cluster.StartStandby();
        using var s = standby.Open();
        Assert.True(PgCluster.Scalar<bool>(s, "SELECT pg_is_in_recovery()"));
        PgCluster.WaitForReplay(p, s);
        string firstAnswers = PgCluster.Scalar<string>(p, Answers);
        Assert.Equal(firstAnswers, PgCluster.Scalar<string>(s, Answers));   // the standby's backend now caches `first`

        PgCluster.Exec(p, $"SELECT * FROM pgml.deploy({second})");
        PgCluster.WaitForReplay(p, s);
        string secondAnswers = PgCluster.Scalar<string>(p, Answers);
        Assert.NotEqual(firstAnswers, secondAnswers);
        Assert.Equal(secondAnswers, PgCluster.Scalar<string>(s, Answers));   // the same standby backend followed

        PgCluster.Exec(p, "SELECT * FROM pgml.deploy('standby', 'rollback')");
        PgCluster.WaitForReplay(p, s);
        Assert.Equal(firstAnswers, PgCluster.Scalar<string>(s, Answers));

        // a rolled-back deploy on the primary is never seen
        using (var tx = p.BeginTransaction())
        {
            PgCluster.Exec(p, $"SELECT * FROM pgml.deploy({second})");
            tx.Rollback();
        }
        PgCluster.WaitForReplay(p, s);
        Assert.Equal(firstAnswers, PgCluster.Scalar<string>(s, Answers));

        foreach (string write in new[]
        {
            "SELECT * FROM pgml.train('standby', 'regression', 'standby_rows', 'y', algorithm => 'xgboost')",
            $"SELECT * FROM pgml.deploy({second})",
            "SELECT * FROM pgml.load_dataset('iris')",
        })
        {
            var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(s, write));
            Assert.Equal("25006", e.SqlState);   // read_only_sql_transaction, PostgreSQL's own error, unchanged
        }
        Assert.Equal(firstAnswers, PgCluster.Scalar<string>(s, Answers));   // the standby's backend is fine
        using var fresh = standby.Open();
        Assert.Equal(firstAnswers, PgCluster.Scalar<string>(fresh, Answers));   // and a new one loads from the replica
    }
}
