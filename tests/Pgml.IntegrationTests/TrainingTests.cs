using System.Text.Json;
using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>pgml.train end to end: tasks, label types, metrics, automatic deployment, transactions.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TrainingTests(PgCluster cluster)
{
    private NpgsqlConnection Setup()
    {
        var c = cluster.Open();
        if (PgCluster.Scalar<long>(c, "SELECT count(*) FROM pg_class WHERE relname = 'train_data'") == 0)
        {
            TestData.CreateRegressionTable(c, "train_data", 3000);
            TestData.CreateClassificationViews(c, "train_data");
        }
        return c;
    }

    private static (string Project, string Task, string Algorithm, bool Deployed) Train(NpgsqlConnection c, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, c);
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        var row = (r.GetString(0), r.GetString(1), r.GetString(2), r.GetBoolean(3));
        Assert.False(r.Read());
        return row;
    }

    private static JsonElement Metrics(NpgsqlConnection c, string project) =>
        JsonDocument.Parse(PgCluster.Scalar<string>(c,
            "SELECT m.metrics::text FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = $1 ORDER BY m.id DESC LIMIT 1",
            project)).RootElement;

    [Fact]
    public void RegressionTrainsStoresMetricsAndDeploys()
    {
        using var c = Setup();
        var row = Train(c, "SELECT * FROM pgml.train('t regression', 'regression', 'train_data', 'y', algorithm => 'xgboost', " +
                           "hyperparams => '{\"n_estimators\": 50}')");
        Assert.Equal(("t regression", "regression", "xgboost", true), row);
        var m = Metrics(c, "t regression");
        // 5% of the rows lack feature a, which carries most of y: r2 cannot reach 1 (about 0.92 here).
        Assert.True(m.GetProperty("r2").GetDouble() > 0.85, m.ToString());
        foreach (var key in new[] { "mean_absolute_error", "mean_squared_error", "fit_time", "score_time" })
            Assert.True(m.GetProperty(key).GetDouble() >= 0, key);
        Assert.Equal(4, PgCluster.Scalar<int>(c,
            "SELECT num_features FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 't regression'"));
        float y = PgCluster.Scalar<float>(c, "SELECT pgml.predict('t regression', ARRAY[5, 2, 1, 10]::real[])");
        Assert.InRange(y, 3 * 5 - 2 * 2 + 1 + 1 - 1.5, 3 * 5 - 2 * 2 + 1 + 1 + 1.5);
    }

    [Fact]
    public void ForestModelBytesGoFromNativeMemoryIntoAnLz4CompressedFile()
    {
        using var c = Setup();
        PgCluster.Exec(c, "DELETE FROM pgml.projects WHERE name = 't forest bytes'");
        Train(c, "SELECT * FROM pgml.train('t forest bytes', 'regression', 'train_data', 'y', algorithm => 'random_forest', " +
                 "hyperparams => '{\"n_estimators\": 40}', preprocess => '{\"a\": {\"impute\": \"mean\"}}')");
        // fully grown trees on 2,250 rows: about 150k nodes, a few MB, above PostgreSQL's 2 kB compression threshold
        var (bytes, compression) = (PgCluster.Scalar<long>(c,
            "SELECT length(f.data)::bigint FROM pgml.files f JOIN pgml.models m ON m.id = f.model_id JOIN pgml.projects p ON p.id = m.project_id " +
            "WHERE p.name = 't forest bytes' AND f.path = 'estimator.compiled'"), PgCluster.Scalar<string>(c,
            "SELECT pg_column_compression(f.data) FROM pgml.files f JOIN pgml.models m ON m.id = f.model_id JOIN pgml.projects p ON p.id = m.project_id " +
            "WHERE p.name = 't forest bytes' AND f.path = 'estimator.compiled'"));
        Assert.True(bytes > 1_000_000, $"{bytes} bytes");
        Assert.Equal("lz4", compression);
        using var other = cluster.Open();   // a new backend loads the stored bytes
        float y = PgCluster.Scalar<float>(other, "SELECT pgml.predict('t forest bytes', ARRAY[5, 2, 1, 10]::real[])");
        Assert.InRange(y, 3 * 5 - 2 * 2 + 1 + 1 - 3, 3 * 5 - 2 * 2 + 1 + 1 + 3);
    }

    [Fact]
    public void ModelFilesOver16MBAreStoredInPiecesAndAMissingPieceIsAnError()
    {
        using var c = Setup();
        if (PgCluster.Scalar<long>(c, "SELECT count(*) FROM pg_class WHERE relname = 'forest_pieces'") == 0)
            TestData.CreateRegressionTable(c, "forest_pieces", 20000);
        PgCluster.Exec(c, "DELETE FROM pgml.projects WHERE name = 't forest pieces'");
        Train(c, "SELECT * FROM pgml.train('t forest pieces', 'regression', 'forest_pieces', 'y', algorithm => 'extra_trees', " +
                 "hyperparams => '{\"n_estimators\": 60}', preprocess => '{\"a\": {\"impute\": \"mean\"}}')");
        const string files = "FROM pgml.files f JOIN pgml.models m ON m.id = f.model_id JOIN pgml.projects p ON p.id = m.project_id " +
                             "WHERE p.name = 't forest pieces' AND f.path = 'estimator.compiled'";
        // 60 fully grown trees on 15,000 rows: about 1.8M nodes, 35 MB of model bytes
        long pieces = PgCluster.Scalar<long>(c, $"SELECT count(*) {files}");
        Assert.True(pieces >= 2, $"{pieces} pieces");
        Assert.Equal(0L, PgCluster.Scalar<long>(c, $"SELECT count(*) {files} AND length(f.data) > 16 * 1024 * 1024"));
        Assert.Equal(pieces * (pieces - 1) / 2, PgCluster.Scalar<long>(c, $"SELECT sum(f.piece)::bigint {files}"));
        using (var other = cluster.Open())   // a new backend puts the pieces back together
        {
            float y = PgCluster.Scalar<float>(other, "SELECT pgml.predict('t forest pieces', ARRAY[5, 2, 1, 10]::real[])");
            Assert.InRange(y, 3 * 5 - 2 * 2 + 1 + 1 - 3, 3 * 5 - 2 * 2 + 1 + 1 + 3);
        }
        PgCluster.Exec(c, $"DELETE FROM pgml.files WHERE id = (SELECT f.id {files} AND f.piece = 1)");
        using var third = cluster.Open();
        var e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<float>(third, "SELECT pgml.predict('t forest pieces', ARRAY[5, 2, 1, 10]::real[])"));
        Assert.Equal("22P03", e.SqlState);
        Assert.Contains("lacks its piece 1", e.MessageText);
    }

    [Fact]
    public void BinaryClassificationWithBooleanLabels()
    {
        using var c = Setup();
        Train(c, "SELECT * FROM pgml.train('t binary', 'classification', 'train_data_binary', 'label', algorithm => 'xgboost')");
        var m = Metrics(c, "t binary");
        foreach (var key in new[] { "accuracy", "f1", "precision", "recall", "roc_auc", "log_loss" })
            Assert.True(m.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number, $"{key} in {m}");
        Assert.True(m.GetProperty("accuracy").GetDouble() > 0.9, m.ToString());
        Assert.True(m.GetProperty("roc_auc").GetDouble() > 0.95, m.ToString());
        // predict returns the label's value: 1 for true, 0 for false
        Assert.Equal(1f, PgCluster.Scalar<float>(c, "SELECT pgml.predict('t binary', ARRAY[9, 0, 0, 1]::real[])"));
        Assert.Equal(0f, PgCluster.Scalar<float>(c, "SELECT pgml.predict('t binary', ARRAY[1, 4, 0, 1]::real[])"));
    }

    [Fact]
    public void MulticlassWithIntegerLabelsPredictsTheOriginalLabelValues()
    {
        using var c = Setup();
        Train(c, "SELECT * FROM pgml.train('t multi', 'classification', 'train_data_multi', 'label', algorithm => 'xgboost')");
        var m = Metrics(c, "t multi");
        Assert.True(m.GetProperty("accuracy").GetDouble() > 0.9, m.ToString());
        Assert.False(m.TryGetProperty("roc_auc", out _));   // binary only
        // labels are 10, 20, 30 (not 0..K-1): predictions come back as those values
        Assert.Equal(10f, PgCluster.Scalar<float>(c, "SELECT pgml.predict('t multi', ARRAY[0, 4, 0, 1]::real[])"));
        Assert.Equal(20f, PgCluster.Scalar<float>(c, "SELECT pgml.predict('t multi', ARRAY[4, 2, 0, 1]::real[])"));
        Assert.Equal(30f, PgCluster.Scalar<float>(c, "SELECT pgml.predict('t multi', ARRAY[9, 0, 0, 1]::real[])"));
        // the whole table: predictions are always one of the labels
        Assert.Equal(0L, PgCluster.Scalar<long>(c,
            "SELECT count(*) FROM train_data_multi WHERE pgml.predict('t multi', ARRAY[a, b, c, d]) NOT IN (10, 20, 30)"));
    }

    [Fact]
    public void AutomaticDeploymentComparesTheTargetMetricAsNumbers()
    {
        using var c = Setup();
        Train(c, "SELECT * FROM pgml.train('t deploy', 'regression', 'train_data', 'y', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 50}')");
        // a much weaker model (2 shallow rounds) must not replace it
        var weak = Train(c, "SELECT * FROM pgml.train('t deploy', relation_name => 'train_data', y_column_name => 'y', algorithm => 'xgboost', " +
                            "hyperparams => '{\"n_estimators\": 2, \"max_depth\": 1}')");
        Assert.False(weak.Deployed);
        // the same settings again score the same: a tie deploys
        Train(c, "SELECT * FROM pgml.train('t deploy', relation_name => 'train_data', y_column_name => 'y', algorithm => 'xgboost', " +
                 "hyperparams => '{\"n_estimators\": 50}', test_sampling => 'last')");
        PgCluster.Exec(c, "SELECT * FROM pgml.deploy((SELECT max(id) FROM pgml.models))");
        var again = Train(c, "SELECT * FROM pgml.train('t deploy', relation_name => 'train_data', y_column_name => 'y', algorithm => 'xgboost', " +
                             "hyperparams => '{\"n_estimators\": 50}', test_sampling => 'last')");
        Assert.True(again.Deployed);
        var notDeployed = Train(c, "SELECT * FROM pgml.train('t deploy', relation_name => 'train_data', y_column_name => 'y', " +
                                   "algorithm => 'xgboost', automatic_deploy => false)");
        Assert.False(notDeployed.Deployed);
        Assert.Equal(PgCluster.Scalar<long>(c, "SELECT max(m.id) FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 't deploy' AND m.hyperparams = '{\"n_estimators\": 50}'"),
            PgCluster.Scalar<long>(c, "SELECT d.model_id FROM pgml.deployments d JOIN pgml.projects p ON p.id = d.project_id WHERE p.name = 't deploy' ORDER BY d.id DESC LIMIT 1"));
    }

    [Fact]
    public void NullFeaturesAreMissingValuesAndNullLabelsAreAClearError()
    {
        using var c = Setup();
        Assert.True(PgCluster.Scalar<long>(c, "SELECT count(*) FROM train_data WHERE a IS NULL") > 0);   // trained on them above
        PgCluster.Exec(c, "CREATE OR REPLACE VIEW train_null_labels AS SELECT a, b, CASE WHEN d = 3 THEN NULL ELSE y END AS y FROM train_data");
        long nulls = PgCluster.Scalar<long>(c, "SELECT count(*) FROM train_null_labels WHERE y IS NULL");
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c,
            "SELECT * FROM pgml.train('t null labels', 'regression', 'train_null_labels', 'y', algorithm => 'xgboost')"));
        Assert.Equal("22004", e.SqlState);
        Assert.Contains($"{nulls} NULL values", e.MessageText);
        Assert.Contains("IS NOT NULL", e.Hint);
    }

    [Fact]
    public void RollbackLeavesNothingBehind()
    {
        using var c = Setup();
        string counts = "SELECT (SELECT count(*) FROM pgml.projects) || '/' || (SELECT count(*) FROM pgml.snapshots) || '/' || " +
                        "(SELECT count(*) FROM pgml.models) || '/' || (SELECT count(*) FROM pgml.files) || '/' || (SELECT count(*) FROM pgml.deployments)";
        string before = PgCluster.Scalar<string>(c, counts);
        using (var tx = c.BeginTransaction())
        {
            Train(c, "SELECT * FROM pgml.train('t rollback', 'regression', 'train_data', 'y', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 5}')");
            Assert.NotEqual(before, PgCluster.Scalar<string>(c, counts));
            Assert.True(float.IsFinite(PgCluster.Scalar<float>(c, "SELECT pgml.predict('t rollback', ARRAY[1, 2, 3, 4]::real[])")));
            tx.Rollback();
        }
        Assert.Equal(before, PgCluster.Scalar<string>(c, counts));
        var e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<float>(c, "SELECT pgml.predict('t rollback', ARRAY[1, 2, 3, 4]::real[])"));
        Assert.Equal("42704", e.SqlState);
    }
}
