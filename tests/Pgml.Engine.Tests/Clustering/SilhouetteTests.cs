using Pgml.Engine.Clustering;
using Pgml.Engine.Models;
using Pgml.Engine.Tests.Algorithms;
using Pgml.Engine.Tests.Neighbors;
using Xunit;

namespace Pgml.Engine.Tests.Clustering;

/// <summary>
/// <see cref="Silhouette"/> against scikit-learn's silhouette_score within 1e-9 relative. The labels are handed to
/// scikit-learn through a 1-nearest-neighbour classifier fitted on the rows themselves (its predict gives each row its
/// own label back), so the reference harness is used as it is.
/// </summary>
public class SilhouetteTests
{
    private static double Reference(float[][] rows, int[] labels) =>
        SklearnReference.Fit("sklearn.neighbors.KNeighborsClassifier", new { n_neighbors = 1 }, rows,
            labels.Select(l => (float)l).ToArray(), rows, "silhouette")["silhouette"].Scalar();

    private static double Ours(float[][] rows, int[] labels, bool? pairsOnce = null) =>
        Silhouette.Score(rows.SelectMany(r => r).ToArray(), rows[0].Length, labels, null, pairsOnce);

    private static void Same(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void Blobs_clustered_by_kmeans()
    {
        using var data = SyntheticData.Unlabeled(1200, 4, 5, seed: 13, TaskKind.Clustering, spread: 1.5);
        var model = new KMeansAlgorithm().Train("""{"n_clusters": 5, "random_state": 0}""", data.TrainingSet()).Predictor;
        var labels = data.X.Select(r => (int)model.Predict(r)[0]).ToArray();
        double expected = Reference(data.X, labels);
        Same(expected, Ours(data.X, labels, pairsOnce: true));
        Same(expected, Ours(data.X, labels, pairsOnce: false));
        // the same through a matrix and a sample of its rows
        var sample = Enumerable.Range(0, 600).Select(i => (long)(2 * i)).ToArray();
        var sampleLabels = sample.Select(i => labels[i]).ToArray();
        Same(Reference(sample.Select(i => data.X[i]).ToArray(), sampleLabels), Silhouette.Score(data.Matrix, sample, sampleLabels));
    }

    [Fact]
    public void Random_labels_a_lone_row_and_labels_that_are_not_0_to_k()
    {
        var rows = SyntheticData.Uniform(700, 3, seed: 4);
        var rng = new Random(5);
        var labels = rows.Select(_ => new[] { -7, 3, 40, 1000 }[rng.Next(4)]).ToArray();
        labels[17] = 55;   // alone in its cluster: its coefficient is 0
        double expected = Reference(rows, labels);
        Same(expected, Ours(rows, labels, pairsOnce: true));
        Same(expected, Ours(rows, labels, pairsOnce: false));
    }

    [Fact]
    public void Many_clusters()
    {
        var rows = SyntheticData.Uniform(2500, 2, seed: 6);
        var labels = rows.Select(r => (int)((r[0] + 1) * 20) * 100 + (int)((r[1] + 1) * 20)).ToArray();   // up to 1600 cells
        double expected = Reference(rows, labels);
        Same(expected, Ours(rows, labels));   // 2500 x ~1600 > the table: one row at a time
        Same(expected, Ours(rows, labels, pairsOnce: true));
    }

    [Fact]
    public void Undefined_scores_are_NaN()
    {
        var rows = SyntheticData.Uniform(10, 2, seed: 1);
        Assert.True(double.IsNaN(Ours(rows, new int[10])));                          // one cluster
        Assert.True(double.IsNaN(Ours(rows, Enumerable.Range(0, 10).ToArray())));     // every row its own
        Assert.False(double.IsNaN(Ours(rows, Enumerable.Range(0, 10).Select(i => i % 9).ToArray())));
    }

    [Fact]
    public void Identical_rows_score_zero_not_NaN()
    {
        var rows = Enumerable.Range(0, 6).Select(_ => new float[] { 1, 2 }).ToArray();
        Assert.Equal(0, Ours(rows, [0, 0, 0, 1, 1, 1]));
    }
}
