using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>pgml.deploy's strategies, the catalog views, and a database that survives pg_dump and restore.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DeploymentTests(PgCluster cluster)
{
    /// <summary>Trains three models of increasing quality (2, 10, 50 rounds) in a fresh project; returns their ids.</summary>
    private static long[] ThreeModels(NpgsqlConnection c, string project)
    {
        PgCluster.Exec(c, "CREATE TABLE IF NOT EXISTS deploy_data AS SELECT i::real AS x, (i % 7)::real AS z, (3 * i + (i % 7))::real AS y FROM generate_series(1, 500) i");
        PgCluster.Exec(c, $"DELETE FROM pgml.projects WHERE name = '{project}'");
        var ids = new List<long>();
        foreach (int rounds in new[] { 2, 10, 50 })
        {
            PgCluster.Exec(c, $"SELECT * FROM pgml.train('{project}', 'regression', 'deploy_data', 'y', algorithm => 'xgboost', " +
                              $"hyperparams => '{{\"n_estimators\": {rounds}}}', automatic_deploy => false)");
            ids.Add(PgCluster.Scalar<long>(c, "SELECT max(id) FROM pgml.models"));
        }
        return [.. ids];
    }

    private static long Deployed(NpgsqlConnection c, string project) =>
        PgCluster.Scalar<long>(c, "SELECT id FROM pgml.deployed_models WHERE name = $1", project);

    private static (string Project, string Strategy, string Algorithm) Deploy(NpgsqlConnection c, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, c);
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        return (r.GetString(0), r.GetString(1), r.GetString(2));
    }

    [Fact]
    public void BestScoreMostRecentAndSpecific()
    {
        using var c = cluster.Open();
        var ids = ThreeModels(c, "d strategies");
        // make the most recent model the worst by r2, so best_score and most_recent differ
        PgCluster.Exec(c, $"UPDATE pgml.models SET metrics = jsonb_set(metrics, '{{r2}}', '-0.5') WHERE id = {ids[2]}");
        PgCluster.Exec(c, $"UPDATE pgml.models SET metrics = jsonb_set(metrics, '{{r2}}', '0.3') WHERE id = {ids[0]}");
        PgCluster.Exec(c, $"UPDATE pgml.models SET metrics = jsonb_set(metrics, '{{r2}}', '1e-1') WHERE id = {ids[1]}");
        // numbers, not text: 0.3 > 1e-1 > -0.5 (as text, '1e-1' and '-0.5' would sort differently)
        Assert.Equal(("d strategies", "best_score", "xgboost"), Deploy(c, "SELECT * FROM pgml.deploy('d strategies', 'best_score')"));
        Assert.Equal(ids[0], Deployed(c, "d strategies"));
        Deploy(c, "SELECT * FROM pgml.deploy('d strategies', 'most_recent', 'xgboost')");
        Assert.Equal(ids[2], Deployed(c, "d strategies"));
        Assert.Equal("specific", Deploy(c, $"SELECT * FROM pgml.deploy({ids[1]})").Strategy);
        Assert.Equal(ids[1], Deployed(c, "d strategies"));
        var e = Assert.Throws<PostgresException>(() => Deploy(c, "SELECT * FROM pgml.deploy('d strategies', 'best_score', 'lightgbm')"));
        Assert.Equal("P0002", e.SqlState);
    }

    [Fact]
    public void RollbackWalksBackThroughTheHistory()
    {
        using var c = cluster.Open();
        var ids = ThreeModels(c, "d rollback");
        foreach (var id in ids) PgCluster.Exec(c, $"SELECT * FROM pgml.deploy({id})");
        Assert.Equal(ids[2], Deployed(c, "d rollback"));
        Deploy(c, "SELECT * FROM pgml.deploy('d rollback', 'rollback')");
        Assert.Equal(ids[1], Deployed(c, "d rollback"));
        Deploy(c, "SELECT * FROM pgml.deploy('d rollback', 'rollback')");
        Assert.Equal(ids[0], Deployed(c, "d rollback"));   // not back to ids[2]: no oscillation
        var e = Assert.Throws<PostgresException>(() => Deploy(c, "SELECT * FROM pgml.deploy('d rollback', 'rollback')"));
        Assert.Equal("P0002", e.SqlState);
        Assert.Contains("earlier deployment", e.Hint);
    }

    [Fact]
    public void DeployErrors()
    {
        using var c = cluster.Open();
        ThreeModels(c, "d errors");
        var e = Assert.Throws<PostgresException>(() => Deploy(c, "SELECT * FROM pgml.deploy('no such project', 'best_score')"));
        Assert.Equal("42704", e.SqlState);
        e = Assert.Throws<PostgresException>(() => Deploy(c, "SELECT * FROM pgml.deploy('d errors', 'new_score')"));
        Assert.Equal("22023", e.SqlState);
        Assert.Contains("best_score, most_recent or rollback", e.Hint);
        e = Assert.Throws<PostgresException>(() => Deploy(c, "SELECT * FROM pgml.deploy(-1)"));
        Assert.Equal("42704", e.SqlState);
        e = Assert.Throws<PostgresException>(() => Deploy(c, "SELECT * FROM pgml.deploy('d errors', 'fastest')"));
        Assert.Equal("22P02", e.SqlState);   // not a pgml.strategy value
    }

    [Fact]
    public void ViewsShowTrainedAndDeployedModels()
    {
        using var c = cluster.Open();
        var ids = ThreeModels(c, "d views");
        PgCluster.Exec(c, $"SELECT * FROM pgml.deploy({ids[1]})");
        Assert.Equal(3L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.trained_models WHERE name = 'd views'"));
        Assert.Equal(ids[1], PgCluster.Scalar<long>(c, "SELECT id FROM pgml.trained_models WHERE name = 'd views' AND deployed"));
        Assert.Equal(1L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.deployed_models WHERE name = 'd views'"));
        Assert.Equal("public.deploy_data", PgCluster.Scalar<string>(c, "SELECT relation_name FROM pgml.overview WHERE name = 'd views' LIMIT 1"));
        Assert.Equal("regression", PgCluster.Scalar<string>(c, "SELECT task::text FROM pgml.deployed_models WHERE name = 'd views'"));
    }

    [Fact]
    public void PgDumpAndRestoreKeepModelsThatStillPredict()
    {
        using (var c = cluster.Open())
        {
            ThreeModels(c, "d dump");
            PgCluster.Exec(c, "SELECT * FROM pgml.deploy('d dump', 'most_recent')");
        }
        string source = $"pgml_dump_src_{Environment.ProcessId}", target = $"pgml_dump_dst_{Environment.ProcessId}";
        using (var admin = cluster.Open("postgres"))
        {
            PgCluster.Exec(admin, $"DROP DATABASE IF EXISTS {source}; DROP DATABASE IF EXISTS {target}");
            PgCluster.Exec(admin, $"CREATE DATABASE {source} TEMPLATE pgml_test; CREATE DATABASE {target}");
        }
        float expected;
        using (var src = cluster.Open(source))
            expected = PgCluster.Scalar<float>(src, "SELECT pgml.predict('d dump', ARRAY[100, 3]::real[])");
        string dump = Path.Combine(Path.GetTempPath(), $"pgml-dump-{Environment.ProcessId}.sql");
        try
        {
            PgCluster.Run(Path.Combine(PgCluster.Bin, "pg_dump"), "-h", cluster.SocketDir, "-p", cluster.Port.ToString(), "-U", "postgres", "-f", dump, source);
            PgCluster.Run(Path.Combine(PgCluster.Bin, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", cluster.SocketDir, "-p", cluster.Port.ToString(), "-U", "postgres", "-d", target, "-f", dump);
            using var dst = cluster.Open(target);
            Assert.Equal(expected, PgCluster.Scalar<float>(dst, "SELECT pgml.predict('d dump', ARRAY[100, 3]::real[])"));
            Assert.Equal(PgCluster.Scalar<long>(dst, "SELECT count(*) FROM pgml.models"),
                PgCluster.Scalar<long>(dst, "SELECT count(*) FROM pgml.models WHERE id IN (SELECT model_id FROM pgml.files)"));
            // the sequences came along: a new model gets a fresh id
            PgCluster.Exec(dst, "SELECT * FROM pgml.train('d dump', relation_name => 'deploy_data', y_column_name => 'y', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 2}')");
        }
        finally
        {
            File.Delete(dump);
            using var admin = cluster.Open("postgres");
            PgCluster.Exec(admin, $"DROP DATABASE IF EXISTS {source}; DROP DATABASE IF EXISTS {target}");
        }
    }
}
