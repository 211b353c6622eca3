using System.Text.Json;
using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>
/// The clustering algorithms of PostgresML's catalogue beyond kmeans, through SQL as PostgresML's clustering example
/// runs them: trained on the digits' images (1,797 rows of 64 features), deployed, a row assigned by pgml.predict,
/// and the silhouette stored with the model.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusteringAlgorithmTests(PgCluster cluster)
{
    private NpgsqlConnection Setup()
    {
        var c = cluster.Open();
        PgCluster.Exec(c, """
            SELECT pgml.load_dataset('digits');
            CREATE OR REPLACE VIEW clu_digit_vectors AS SELECT image::real[] AS image FROM pgml.digits;
            """);
        return c;
    }

    [Theory]
    [InlineData("affinity_propagation", "{}")]
    // the estimated bandwidth (45) leaves the digits in one cluster, in scikit-learn as well: a given one gives 57
    [InlineData("mean_shift", """{"bandwidth": 25}""")]
    public void Trains_on_digits_predicts_and_stores_the_silhouette(string algorithm, string hyperparams)
    {
        using var c = Setup();
        string project = $"clu digits {algorithm}";
        PgCluster.Exec(c, $"SELECT * FROM pgml.train('{project}', 'clustering', 'clu_digit_vectors', algorithm => '{algorithm}', hyperparams => '{hyperparams}')");
        var metrics = JsonDocument.Parse(PgCluster.Scalar<string>(c,
            "SELECT m.metrics::text FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = $1 ORDER BY m.id DESC LIMIT 1",
            project)).RootElement;
        double silhouette = metrics.GetProperty("silhouette").GetDouble();
        Assert.InRange(silhouette, -1, 1);
        // a training row's label is a cluster number: non-negative and the same for the same row twice
        var first = PgCluster.Scalar<float>(c, $"SELECT pgml.predict('{project}', image) FROM clu_digit_vectors LIMIT 1");
        var again = PgCluster.Scalar<float>(c, $"SELECT pgml.predict('{project}', image) FROM clu_digit_vectors LIMIT 1");
        Assert.True(first >= 0 && first == Math.Floor(first), $"label {first}");
        Assert.Equal(first, again);
        long distinct = PgCluster.Scalar<long>(c, $"SELECT count(DISTINCT pgml.predict('{project}', image)) FROM clu_digit_vectors");
        Assert.True(distinct > 1, $"{algorithm} put every digit in one cluster");
    }

    [Fact]
    public void Affinity_propagation_refuses_a_table_too_large_up_front()
    {
        using var c = cluster.Open();
        PgCluster.Exec(c, "CREATE TABLE IF NOT EXISTS clu_large AS SELECT random()::real AS a FROM generate_series(1, 14000)");
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c,
            "SELECT * FROM pgml.train('clu large', 'clustering', 'clu_large', algorithm => 'affinity_propagation', test_size => 0.1)"));
        Assert.Equal("22023", e.SqlState);
        Assert.Contains("10000 rows", e.Hint);
    }
}
