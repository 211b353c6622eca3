using Pgml.Engine.Algorithms;
using Pgml.Engine.LinearFamily;
using Pgml.Engine.Tests.Algorithms;
using Pgml.Engine.Tests.Linear;
using Pgml.Engine.Tests.TestData;
using Xunit;

namespace Pgml.Engine.Tests.LinearFamily;

/// <summary>kernel_ridge against KernelRidge.</summary>
public class KernelRidgeTests
{
    // 1e-8 of the predictions' scale: the same linear system (K + αI)c = y solved by Cholesky in double on both sides;
    // only rounding differs (the kernel values' summation order, the factorisation's), amplified at most by the
    // system's condition number, which alpha keeps small here.
    private const double SameSystem = 1e-8;

    [Theory]
    [InlineData("{}", "linear")]
    [InlineData("""{"kernel": "rbf"}""", "rbf")]
    [InlineData("""{"kernel": "rbf", "gamma": 0.5, "alpha": 0.1}""", "rbf")]
    [InlineData("""{"kernel": "poly", "degree": 2, "alpha": 0.5}""", "poly")]
    [InlineData("""{"kernel": "polynomial", "degree": 3, "coef0": 0.5, "gamma": 0.2}""", "polynomial")]
    [InlineData("""{"kernel": "sigmoid", "gamma": 0.05, "alpha": 2.0}""", "sigmoid")]
    public void Predictions_and_dual_coefficients_match_scikit_learn(string json, string kernel)
    {
        using var data = SyntheticData.Friedman(400, 5, seed: 91);
        var p = AlgorithmRegistry.Find("kernel_ridge", TaskKind.Regression).Train(json, data.TrainingSet()).Predictor;
        var parameters = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        parameters["kernel"] = kernel;
        var s = data.Sklearn("sklearn.kernel_ridge.KernelRidge", parameters, "predict", "dual_coef_");
        var actual = data.PredictTest(p).Select(o => (double)o[0]).ToArray();
        // the outputs are float32: 1e-8 of the scale is below their rounding, so compare to float32's precision too
        Close.Vector(s["predict"].Flat(), actual, Math.Max(SameSystem, 2e-7));
        var svm = Assert.IsType<Pgml.Engine.Svm.SvmPredictor>(p);
        Assert.Equal(data.Train, svm.SupportVectors);
    }

    [Fact]
    public void An_indefinite_sigmoid_kernel_falls_back_to_least_squares_as_scikit_learn()
    {
        // tanh(x·z) with alpha 0 is indefinite: the Cholesky factorisation fails on both sides and both take the
        // least-squares solution of the same system; it is well conditioned enough here for 1e-6
        using var data = SyntheticData.Friedman(200, 5, seed: 94);
        string json = """{"kernel": "sigmoid", "gamma": 1.0, "coef0": 0.0, "alpha": 0.0}""";
        Assert.False(new KernelRidgeAlgorithm().IsPositiveDefinite(json, data.TrainingSet()));
        var p = AlgorithmRegistry.Find("kernel_ridge", TaskKind.Regression).Train(json, data.TrainingSet()).Predictor;
        var s = data.Sklearn("sklearn.kernel_ridge.KernelRidge", new { kernel = "sigmoid", gamma = 1.0, coef0 = 0.0, alpha = 0.0 }, "predict");
        Close.Vector(s["predict"].Flat(), data.PredictTest(p).Select(o => (double)o[0]).ToArray(), 1e-6);
    }

    [Fact]
    public void A_training_set_beyond_the_limit_is_refused_before_any_work()
    {
        using var data = SyntheticData.Regression(KernelRidgeAlgorithm.MaxRows + 2, 2, seed: 92, train: KernelRidgeAlgorithm.MaxRows + 1);
        int checks = 0;
        var e = Assert.Throws<InvalidParameterException>(() =>
            AlgorithmRegistry.Find("kernel_ridge", TaskKind.Regression).Train("{}", data.TrainingSet(() => checks++)));
        Assert.Contains("5,000", e.Message);
        Assert.Contains("sample", e.Hint);
        Assert.Equal(0, checks);
    }

    [Fact]
    public void Training_polls_for_interrupts()
    {
        using var data = SyntheticData.Regression(2000, 5, seed: 93);
        int checks = 0;
        AlgorithmRegistry.Find("kernel_ridge", TaskKind.Regression).Train("""{"kernel": "rbf"}""", data.TrainingSet(() => checks++));
        // 1,500 rows: ~5.6·10⁸ multiply-adds for the factorisation, so a check about every 2^24 of them
        Assert.True(checks >= 10, $"{checks} checks");
    }
}
