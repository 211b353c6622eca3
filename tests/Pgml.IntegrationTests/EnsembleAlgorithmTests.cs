using System.Text.Json;
using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>
/// nu_svm, gradient_boosting_trees, hist_gradient_boosting, ada_boost, bagging and gaussian_process through SQL: train, deploy, predict
/// (and predict_proba where the model gives probabilities), train_joint with the algorithms PostgresML wraps in a
/// multi-output estimator, and the clustering names without predict refused with 0A000.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EnsembleAlgorithmTests(PgCluster cluster)
{
    private NpgsqlConnection Setup()
    {
        var c = cluster.Open();
        PgCluster.Exec(c, """
            SELECT setseed(0.7);
            CREATE TABLE IF NOT EXISTS ens_rows AS
            SELECT (i % 3)::real AS kind, (random() * 2 - 1)::real AS a, (random() * 2 - 1)::real AS b,
                   CASE WHEN i % 3 = 0 THEN 'low' WHEN i % 3 = 1 THEN 'mid' ELSE 'high' END AS label,
                   (10 * (i % 3) + random())::real AS target, (5 - 2 * (i % 3) + random())::real AS other
            FROM generate_series(1, 450) i;
            CREATE OR REPLACE VIEW ens_regression AS SELECT kind, a, b, target FROM ens_rows;
            CREATE OR REPLACE VIEW ens_classification AS SELECT kind, a, b, label FROM ens_rows;
            CREATE OR REPLACE VIEW ens_joint AS SELECT kind, a, b, target, other FROM ens_rows;
            """);
        return c;
    }

    private static JsonElement LastMetrics(NpgsqlConnection c, string project) =>
        JsonDocument.Parse(PgCluster.Scalar<string>(c,
            "SELECT m.metrics::text FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = $1 ORDER BY m.id DESC LIMIT 1",
            project)).RootElement;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string a in (string[])["nu_svm", "gradient_boosting_trees", "hist_gradient_boosting", "ada_boost", "bagging"])
        {
            data.Add(a, "regression");
            data.Add(a, "classification");
        }
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Trains_deploys_and_predicts(string algorithm, string task)
    {
        using var c = Setup();
        string project = $"ens {algorithm} {task}";
        string relation = task == "regression" ? "ens_regression" : "ens_classification";
        string label = task == "regression" ? "target" : "label";
        // hist_gradient_boosting's min_samples_leaf 20 and 31 leaves are fine on 337 rows; the others' defaults too
        var row = PgCluster.Scalar<string>(c, $"SELECT task || '/' || deployed FROM pgml.train('{project}', '{task}', '{relation}', '{label}', algorithm => '{algorithm}')");
        Assert.Equal($"{task}/true", row);
        var metrics = LastMetrics(c, project);
        if (task == "regression")
        {
            Assert.True(metrics.GetProperty("r2").GetDouble() > 0.9, $"r2 {metrics.GetProperty("r2")}");
            float p = PgCluster.Scalar<float>(c, $"SELECT pgml.predict('{project}', ARRAY[1, 0.2, -0.3]::real[])");
            Assert.InRange(p, 8f, 13f);   // kind 1: target about 10.5
        }
        else
        {
            Assert.True(metrics.GetProperty("accuracy").GetDouble() > 0.9, $"accuracy {metrics.GetProperty("accuracy")}");
            Assert.Equal("mid", PgCluster.Scalar<string>(c, $"SELECT pgml.predict_label('{project}', ARRAY[1, 0.2, -0.3]::real[])"));
            if (algorithm == "nu_svm")
            {
                var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c, $"SELECT pgml.predict_proba('{project}', ARRAY[1, 0.2, -0.3]::real[])"));
                Assert.Equal("0A000", e.SqlState);
            }
            else
            {
                var proba = PgCluster.Scalar<float[]>(c, $"SELECT pgml.predict_proba('{project}', ARRAY[1, 0.2, -0.3]::real[])");
                Assert.Equal(3, proba.Length);
                Assert.InRange(proba.Sum(), 0.999f, 1.001f);
            }
        }
    }

    [Fact]
    public void Gaussian_process_regresses_and_refuses_classification()
    {
        using var c = Setup();
        PgCluster.Exec(c, "SELECT * FROM pgml.train('ens gp', 'regression', 'ens_regression', 'target', algorithm => 'gaussian_process', hyperparams => '{\"alpha\": 0.01}')");
        Assert.True(LastMetrics(c, "ens gp").GetProperty("r2").GetDouble() > 0.9);
        Assert.InRange(PgCluster.Scalar<float>(c, "SELECT pgml.predict('ens gp', ARRAY[1, 0.2, -0.3]::real[])"), 8f, 13f);
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c,
            "SELECT * FROM pgml.train('ens gp cls', 'classification', 'ens_classification', 'label', algorithm => 'gaussian_process')"));
        Assert.Equal("0A000", e.SqlState);
    }

    [Theory]
    [InlineData("gradient_boosting_trees")]
    [InlineData("ada_boost")]
    [InlineData("bagging")]
    public void Train_joint_predicts_every_target(string algorithm)
    {
        using var c = Setup();
        string project = $"ens joint {algorithm}";
        PgCluster.Exec(c, $"SELECT * FROM pgml.train_joint('{project}', 'regression', 'ens_joint', ARRAY['target', 'other'], algorithm => '{algorithm}')");
        Assert.True(LastMetrics(c, project).GetProperty("r2").GetDouble() > 0.9);
        var p = PgCluster.Scalar<float[]>(c, $"SELECT pgml.predict_joint('{project}', ARRAY[2, 0.1, 0.4]::real[])");
        Assert.Equal(2, p.Length);
        Assert.InRange(p[0], 18.5f, 22.5f);   // kind 2: target about 20.5
        Assert.InRange(p[1], -0.5f, 3.5f);    // and other about 1.5
    }

    [Theory]
    [InlineData("dbscan")]
    [InlineData("optics")]
    [InlineData("spectral")]
    [InlineData("feature_agglomeration")]
    public void Clustering_without_predict_is_refused(string algorithm)
    {
        using var c = Setup();
        PgCluster.Exec(c, "CREATE OR REPLACE VIEW ens_points AS SELECT a, b FROM ens_rows");
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c, $"SELECT * FROM pgml.train('ens {algorithm}', 'clustering', 'ens_points', algorithm => '{algorithm}')"));
        Assert.Equal("0A000", e.SqlState);
        Assert.Contains("no predict", e.MessageText);
        Assert.Contains("kmeans", e.Hint);
    }
}
