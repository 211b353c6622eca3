using Pgml.Engine.Algorithms;
using Pgml.Engine.Clustering;
using Pgml.Engine.Models;
using Pgml.Engine.Tests.Algorithms;
using Xunit;
using Xunit.Abstractions;

namespace Pgml.Engine.Tests.Clustering;

/// <summary>
/// mean_shift against scikit-learn's MeanShift on the same float32 rows (sent as float64). No randomness on either
/// side: the same radius sets give the same means, so the modes must be the same in the same order (strongest first)
/// within 1e-9 (the means are summed in another order, and scikit-learn's bandwidth estimate uses the expanded
/// distance formula, which differs in the last bits), the same n_iter_, and every held-out row's label equal.
/// </summary>
public class MeanShiftTests(ITestOutputHelper output)
{
    private static readonly MeanShiftAlgorithm Algorithm = new();

    [Theory]
    [InlineData(300, 2, 3, 0.8, "{}")]
    [InlineData(400, 4, 5, 1.0, "{}")]
    [InlineData(300, 3, 4, 1.5, """{"bandwidth": 2.5}""")]
    [InlineData(500, 2, 4, 1.0, """{"bin_seeding": true}""")]
    [InlineData(500, 2, 4, 1.0, """{"bin_seeding": true, "min_bin_freq": 5, "bandwidth": 1.2}""")]
    [InlineData(300, 3, 3, 1.0, """{"max_iter": 2}""")]
    public void Modes_labels_and_iterations_equal_scikit_learns(int rows, int features, int blobs, double spread, string hyperparams)
    {
        using var data = SyntheticData.Unlabeled(rows, features, blobs, seed: 13, TaskKind.Clustering, spread: spread);
        var model = (KMeansPredictor)Algorithm.Train(hyperparams, data.TrainingSet()).Predictor;
        var parameters = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object>>(hyperparams)!;
        var sk = SklearnReference.Fit("sklearn.cluster.MeanShift", parameters, data.XTrain, null, data.XTest, "cluster_centers_", "n_iter_", "predict");
        var centres = sk["cluster_centers_"].Rows();
        output.WriteLine($"pgml: {model.Clusters} modes, n_iter {model.Iterations}; scikit-learn: {centres.Length}, {sk["n_iter_"].Scalar()}");
        Assert.Equal(centres.Length, model.Clusters);
        Assert.Equal((int)sk["n_iter_"].Scalar(), model.Iterations);
        for (int c = 0; c < centres.Length; c++)
            for (int j = 0; j < features; j++)
                Assert.Equal(centres[c][j], model.Centres[c * features + j], 1e-9);
        var labels = sk["predict"].Vector();
        var ours = data.PredictTest(model);
        for (int i = 0; i < labels.Length; i++) Assert.Equal(labels[i], ours[i][0]);
    }

    [Fact]
    public void Estimated_bandwidth_equals_scikit_learns()
    {
        using var data = SyntheticData.Unlabeled(257, 3, 3, seed: 2, TaskKind.Clustering, spread: 1.0, train: 257);
        unsafe
        {
            fixed (float* x = data.XTrain.SelectMany(r => r).ToArray())
            {
                double ours = MeanShiftCore.EstimateBandwidth(new RowSet(x, 3, 257), 0.3, new Pgml.Engine.Training.WorkMeter(() => { }));
                var sk = SklearnReference.Fit("sklearn.cluster.MeanShift", new { }, data.XTrain, null, null, "estimate_bandwidth");
                output.WriteLine($"bandwidth: pgml {ours}, scikit-learn {sk["estimate_bandwidth"].Scalar()}");
                Assert.Equal(sk["estimate_bandwidth"].Scalar(), ours, 1e-12);
            }
        }
    }

    [Fact]
    public void Too_many_rows_are_refused_up_front_and_seeds_is_not_a_key()
    {
        using var data = SyntheticData.Unlabeled(MeanShiftAlgorithm.MaxRows + 1, 1, 2, seed: 1, TaskKind.Clustering, train: MeanShiftAlgorithm.MaxRows + 1);
        var e = Assert.Throws<InvalidParameterException>(() => Algorithm.Train("{}", data.TrainingSet()));
        Assert.Contains("50000 rows", e.Hint);
        Assert.Throws<InvalidParameterException>(() => Algorithm.Validate("""{"bandwidth": 0}""", TaskKind.Clustering));
    }
}
