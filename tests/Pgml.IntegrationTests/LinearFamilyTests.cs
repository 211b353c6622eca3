using System.Text.Json;
using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>
/// The linear family added for PostgresML's catalogue, through SQL: every regression algorithm PostgresML wraps in a
/// multi-output estimator trains with train_joint (one model per target) and predict_joint answers every target; the
/// SGD-family classifiers answer predict with the class and refuse predict_proba (decision scores).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LinearFamilyTests(PgCluster cluster)
{
    private NpgsqlConnection Setup()
    {
        var c = cluster.Open();
        // two targets, linear in a and b with a little noise: a = 1, b = 2 gives 3 + 2·1 − 2 = 3 and 1 − 1 + 3·2 = 6
        PgCluster.Exec(c, """
            SELECT setseed(0.7);
            CREATE TABLE IF NOT EXISTS linfam_joint AS
            SELECT a, b, (3 + 2 * a - b + 0.05 * (random() - 0.5))::real AS y1, (1 - a + 3 * b + 0.05 * (random() - 0.5))::real AS y2
            FROM (SELECT (random() * 4 - 2)::real AS a, (random() * 4 - 2)::real AS b FROM generate_series(1, 400)) r;
            CREATE TABLE IF NOT EXISTS linfam_classes AS
            SELECT (random() * 2 + CASE WHEN i % 2 = 0 THEN 3 ELSE -3 END)::real AS x1, (random() * 2)::real AS x2, i % 2 AS label
            FROM generate_series(1, 400) i;
            """);
        return c;
    }

    [Theory]
    [InlineData("bayesian_ridge", "{}")]
    [InlineData("automatic_relevance_determination", "{}")]
    [InlineData("stochastic_gradient_descent", "{}")]
    [InlineData("passive_aggressive", "{\"epsilon\": 0.01}")]
    [InlineData("theil_sen", "{}")]
    [InlineData("huber", "{}")]
    [InlineData("quantile", "{\"alpha\": 0}")]
    public void Train_joint_fits_every_target(string algorithm, string hyperparams)
    {
        using var c = Setup();
        string project = "linfam joint " + algorithm;
        PgCluster.Exec(c, $"SELECT * FROM pgml.train_joint('{project}', 'regression', 'linfam_joint', ARRAY['y1', 'y2'], algorithm => '{algorithm}', hyperparams => '{hyperparams}')");
        var metrics = JsonDocument.Parse(PgCluster.Scalar<string>(c,
            "SELECT m.metrics::text FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = $1 ORDER BY m.id DESC LIMIT 1",
            project)).RootElement;
        Assert.True(metrics.GetProperty("r2").GetDouble() > 0.99, metrics.ToString());
        var p = PgCluster.Scalar<float[]>(c, $"SELECT pgml.predict_joint('{project}', ARRAY[1, 2]::real[])");
        Assert.Equal(2, p.Length);
        Assert.InRange(p[0], 2.8f, 3.2f);
        Assert.InRange(p[1], 5.8f, 6.2f);
    }

    [Theory]
    [InlineData("stochastic_gradient_descent")]
    [InlineData("passive_aggressive")]
    [InlineData("perceptron")]
    public void Sgd_family_classifiers_answer_with_classes_not_probabilities(string algorithm)
    {
        using var c = Setup();
        string project = "linfam classes " + algorithm;
        PgCluster.Exec(c, $"SELECT * FROM pgml.train('{project}', 'classification', 'linfam_classes', 'label', algorithm => '{algorithm}')");
        Assert.Equal(0f, PgCluster.Scalar<float>(c, $"SELECT pgml.predict('{project}', ARRAY[3.5, 1]::real[])"));
        Assert.Equal(1f, PgCluster.Scalar<float>(c, $"SELECT pgml.predict('{project}', ARRAY[-3.5, 1]::real[])"));
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c, $"SELECT pgml.predict_proba('{project}', ARRAY[3.5, 1]::real[])"));
        Assert.Equal("0A000", e.SqlState);
    }

    [Fact]
    public void A_bad_hyperparameter_names_the_valid_ones_before_training()
    {
        using var c = Setup();
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c,
            "SELECT * FROM pgml.train('linfam bad', 'regression', 'linfam_joint', 'y1', algorithm => 'bayesian_ridge', hyperparams => '{\"n_iters\": 3}')"));
        Assert.Equal("22023", e.SqlState);
        Assert.Contains("n_iter", e.MessageText + e.Hint);
    }
}
