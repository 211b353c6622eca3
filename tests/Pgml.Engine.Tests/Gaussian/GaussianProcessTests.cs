using System.Runtime.CompilerServices;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Gaussian;
using Pgml.Engine.Models;
using Pgml.Engine.Tests.Algorithms;
using Pgml.Engine.Tests.Neighbors;
using Xunit;
using Xunit.Abstractions;

namespace Pgml.Engine.Tests.Gaussian;

/// <summary>
/// gaussian_process against scikit-learn's GaussianProcessRegressor (default kernel, fixed: no optimisation) on the same
/// float32 rows: the same kernel matrix, the same linear system. Its condition number grows as alpha shrinks (about
/// 1/alpha for a kernel matrix near singularity), and LAPACK's Cholesky and pgml's round differently, so the bound on
/// the predictions scales with it: 1e-9 × scale at alpha 1e-2 (observed 2e-13), 1e-6 × scale at the default 1e-10
/// (observed 4.7e-10 of 3.4).
/// </summary>
public class GaussianProcessTests(ITestOutputHelper output)
{
    private static readonly GaussianProcessAlgorithm Gp = new();

    [Theory]
    [InlineData("""{"alpha": 0.01}""", 1e-9)]
    [InlineData("""{"alpha": 0.01, "normalize_y": true}""", 1e-9)]
    [InlineData("""{}""", 1e-6)]
    public void Predictions_match_GaussianProcessRegressor(string json, double tolerance)
    {
        using var data = SyntheticData.Regression(300, 4, seed: 41, noise: 0.2);
        var model = (GaussianProcessPredictor)Gp.Train(json, data.TrainingSet()).Predictor;
        var prm = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object>>(json)!;
        var sk = SklearnReference.Fit("sklearn.gaussian_process.GaussianProcessRegressor", prm, data.XTrain, data.YTrain, data.XTest, "predict");
        var expected = sk["predict"].Vector();
        var actual = data.XTest.Select(r => model.Mean(r)).ToArray();
        double scale = Math.Max(1, expected.Max(Math.Abs));
        double worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"{json}: worst |Δ predict| {worst:g3} (scale {scale:g3})");
        Assert.True(worst <= tolerance * scale, $"worst {worst}");
    }

    [Fact]
    public void A_training_set_above_the_limit_is_refused_before_any_work()
    {
        var x = Enumerable.Range(0, GaussianProcessAlgorithm.MaxRows + 1).Select(r => new[] { (float)r }).ToArray();
        using var data = SyntheticData.AllTraining(x, x.Select(r => r[0]).ToArray(), TaskKind.Regression);
        var e = Assert.Throws<InvalidParameterException>(() => Gp.Train("{}", data.TrainingSet(() => throw new InvalidOperationException("no work expected"))));
        Assert.Contains("at most 3000 rows", e.Message);
        Assert.Contains("sample", e.Hint);
    }

    [Fact]
    public void Kernels_classification_and_duplicate_rows_are_refused_with_hints()
    {
        Assert.Throws<UnsupportedException>(() => Gp.Validate("""{"kernel": "RBF(2.0)"}""", TaskKind.Regression));
        Assert.Throws<UnsupportedException>(() => AlgorithmRegistry.Find("gaussian_process", TaskKind.Classification));
        Gp.Validate("""{"optimizer": "fmin_l_bfgs_b", "n_restarts_optimizer": 2, "copy_X_train": true, "random_state": 1}""", TaskKind.Regression);
        // two identical rows with alpha 0: K is singular, as scikit-learn's LinAlgError says
        var x = new[] { new[] { 1f, 2f }, new[] { 1f, 2f }, new[] { 0f, 1f } };
        using var data = SyntheticData.AllTraining(x, [1f, 1f, 0f], TaskKind.Regression);
        var e = Assert.Throws<InvalidDataException>(() => Gp.Train("""{"alpha": 0}""", data.TrainingSet()));
        Assert.Contains("alpha", e.Hint);
    }

    private sealed class Cancelled : Exception;

    [Fact]
    public void Cancellation_propagates_from_the_factorisation()
    {
        using var data = SyntheticData.Regression(2400, 4, seed: 2);
        int calls = 0;
        Assert.Throws<Cancelled>(() => Gp.Train("{}", data.TrainingSet(() => { if (++calls >= 3) throw new Cancelled(); })));
    }

    [Fact]
    public void The_committed_v1_model_gives_the_recorded_predictions()
    {
        var model = (GaussianProcessPredictor)FormatFixture.Check("Gaussian", "gaussian-process-v1", TaskKind.Regression, GaussianProcessPredictor.Version == 1);
        Assert.Equal(90, model.TrainingRows);
    }

    [OptInFact(FormatFixture.Variable, "writes the format fixtures into the source tree")]
    public void Write_the_fixture_when_asked()
    {
        using var data = SyntheticData.Regression(120, 3, seed: 43);
        FormatFixture.Write(Source(), $"gaussian-process-v{GaussianProcessPredictor.Version}", Gp.Train("""{"alpha": 0.01, "normalize_y": true}""", data.TrainingSet()).Predictor, data.XTest.Take(12).ToArray());
    }

    private static string Source([CallerFilePath] string path = "") => path;
}
