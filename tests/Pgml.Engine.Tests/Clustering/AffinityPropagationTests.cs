using Pgml.Engine.Algorithms;
using Pgml.Engine.Clustering;
using Pgml.Engine.Models;
using Pgml.Engine.Tests.Algorithms;
using Pgml.Engine.Tests.Neighbors;
using Xunit;
using Xunit.Abstractions;

namespace Pgml.Engine.Tests.Clustering;

/// <summary>
/// affinity_propagation against scikit-learn's AffinityPropagation on the same float32 rows (sent as float64, so both
/// sides build double similarities). The algorithm is deterministic but for a tie-breaking noise of relative size 2e-16
/// whose draws differ (pgml's generator): on rows without tied distances the noise decides nothing, so the exemplars
/// must be the same rows (centres equal exactly, as they are copies of rows), in the same order, the iterations equal,
/// and every test row's label equal (tolerance zero). The cases are fits that converge: where the messages oscillate
/// (tight blobs with damping 0.5 often do) and the fit runs to max_iter, the noise decides the outcome, and scikit-learn's
/// own result changes with its random_state (on 300 rows of 4 blobs of spread 0.3: 150 to 300 clusters over 5 seeds).
/// </summary>
public class AffinityPropagationTests(ITestOutputHelper output)
{
    private static readonly AffinityPropagationAlgorithm Algorithm = new();

    [Theory]
    [InlineData(300, 3, 4, 1.0, "{}")]
    [InlineData(400, 5, 6, 1.5, "{}")]
    [InlineData(250, 2, 3, 1.0, """{"damping": 0.9, "preference": -50}""")]
    [InlineData(300, 4, 5, 2.0, """{"damping": 0.7, "convergence_iter": 5, "max_iter": 500}""")]
    public void Exemplars_labels_and_iterations_equal_scikit_learns(int rows, int features, int blobs, double spread, string hyperparams)
    {
        using var data = SyntheticData.Unlabeled(rows, features, blobs, seed: 11, TaskKind.Clustering, spread: spread);
        var model = (KMeansPredictor)Algorithm.Train(hyperparams, data.TrainingSet()).Predictor;
        var parameters = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object>>(hyperparams)!;
        parameters["random_state"] = 0;
        var sk = SklearnReference.Fit("sklearn.cluster.AffinityPropagation", parameters, data.XTrain, null, data.XTest,
            "cluster_centers_", "n_iter_", "predict");
        var centres = sk["cluster_centers_"].Rows();
        output.WriteLine($"pgml: {model.Clusters} clusters in {model.Iterations} iterations; scikit-learn: {centres.Length} in {sk["n_iter_"].Scalar()}");
        Assert.Equal(centres.Length, model.Clusters);
        Assert.Equal((int)sk["n_iter_"].Scalar(), model.Iterations);
        for (int c = 0; c < centres.Length; c++)
            for (int j = 0; j < features; j++)
                Assert.Equal(centres[c][j], model.Centres[c * features + j]);
        var labels = sk["predict"].Vector();
        var ours = data.PredictTest(model);
        for (int i = 0; i < labels.Length; i++) Assert.Equal(labels[i], ours[i][0]);
    }

    [Fact]
    public void Too_many_rows_are_refused_up_front_with_the_limit()
    {
        using var data = SyntheticData.Unlabeled(AffinityPropagationAlgorithm.MaxRows + 1, 1, 2, seed: 1, TaskKind.Clustering, train: AffinityPropagationAlgorithm.MaxRows + 1);
        var e = Assert.Throws<InvalidParameterException>(() => Algorithm.Train("{}", data.TrainingSet()));
        Assert.Contains("10000", e.Message);
        Assert.Contains("10000 rows", e.Hint);
    }

    [Fact]
    public void A_fit_without_exemplars_is_refused_with_a_hint()
    {
        // one iteration cannot converge, and after one iteration no row votes itself an exemplar
        using var data = SyntheticData.Unlabeled(60, 2, 3, seed: 4, TaskKind.Clustering, spread: 1.0);
        var e = Assert.Throws<InvalidDataException>(() => Algorithm.Train("""{"max_iter": 1}""", data.TrainingSet()));
        Assert.Contains("max_iter", e.Hint);
    }

    [Fact]
    public void Equal_rows_give_scikit_learns_degenerate_answer()
    {
        // all similarities equal (0) and the preference (their median, 0) is not below them: every row is an exemplar
        var x = Enumerable.Range(0, 5).Select(_ => new float[] { 1, 2 }).ToArray();
        using var data = new SyntheticData(x, null, 5, TaskKind.Clustering, 0);
        var model = (KMeansPredictor)Algorithm.Train("{}", data.TrainingSet()).Predictor;
        var sk = SklearnReference.Fit("sklearn.cluster.AffinityPropagation", new { random_state = 0 }, data.XTrain, null, null, "cluster_centers_");
        Assert.Equal(sk["cluster_centers_"].Rows().Length, model.Clusters);
    }

    [Fact]
    public void Precomputed_affinity_is_refused_naming_euclidean()
    {
        var e = Assert.Throws<InvalidParameterException>(() => Algorithm.Validate("""{"affinity": "precomputed"}""", TaskKind.Clustering));
        Assert.Contains("euclidean", e.Message + e.Hint);
    }
}
