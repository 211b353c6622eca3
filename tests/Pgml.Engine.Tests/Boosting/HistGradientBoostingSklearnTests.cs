using System.Text.Json;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Boosting;
using Pgml.Engine.Models;
using Pgml.Engine.Tests.Algorithms;
using Xunit;
using Xunit.Abstractions;
using static Pgml.Engine.Tests.Boosting.BoostingComparison;

namespace Pgml.Engine.Tests.Boosting;

/// <summary>
/// hist_gradient_boosting against scikit-learn's HistGradientBoostingRegressor / Classifier on the same float32 rows.
/// Without early stopping (scikit-learn's "auto" leaves it off up to 10,000 rows) and below 200,000 rows the fit has no
/// randomness: the same bins (midpoints of distinct values up to max_bins of them, numpy's "midpoint" percentiles
/// above), features and bins scanned in the same order with the first of equal gains kept, the same float32 gradients.
/// What remains is rounding: histogram sums in another order and leaves stored as float32, so values agree within
/// 1e-4 × max(1, max |value|) on every row (observed values are printed); a split whose gain ties another node's
/// to the last bit could be taken in another order, which these data sets do not show. With early stopping the
/// validation rows are drawn at random (pgml's stream is not numpy's), so only the held-out metric is compared.
/// </summary>
public class HistGradientBoostingSklearnTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    /// <summary>Features rounded to 1/40 in [-2, 2]: at most 161 distinct values, each its own bin.</summary>
    private static SyntheticData Quantized(SyntheticData data)
    {
        var x = data.X.Select(r => r.Select(v => MathF.Round(v * 40) / 40).ToArray()).ToArray();
        return new SyntheticData(x, data.Y, data.Train, data.Task, data.Classes);
    }

    public static TheoryData<string, bool> RegressionSettings() => new()
    {
        { """{}""", true },
        { """{}""", false },
        { """{"max_leaf_nodes": 8, "min_samples_leaf": 5, "learning_rate": 0.3, "max_iter": 50}""", false },
        { """{"max_depth": 3, "l2_regularization": 1.0, "max_bins": 32}""", false },
    };

    [Theory, MemberData(nameof(RegressionSettings))]
    public void Regression_matches_HistGradientBoostingRegressor(string json, bool quantized)
    {
        using var raw = SyntheticData.Friedman(1200, 5, seed: 17, noise: 0.5);
        using var data = quantized ? Quantized(raw) : SyntheticData.AllTraining(raw.X, raw.Y, raw.Task);
        using var split = new SyntheticData(data.X, data.Y, raw.Train, raw.Task);
        var model = new HistGradientBoostingAlgorithm().Train(json, split.TrainingSet()).Predictor;
        var sk = SklearnReference.Fit("sklearn.ensemble.HistGradientBoostingRegressor", Params(json), split.XTrain, split.YTrain, split.X, "predict");
        Compare($"{json} quantized={quantized}", sk["predict"].Vector().Select(v => new[] { v }).ToArray(), split.X.Select(r => Predict(model, r)).ToArray());
    }

    public static TheoryData<string, int> ClassificationSettings() => new()
    {
        { """{}""", 2 },
        { """{}""", 3 },
        { """{"max_leaf_nodes": 10, "max_iter": 40, "learning_rate": 0.2}""", 4 },
    };

    [Theory, MemberData(nameof(ClassificationSettings))]
    public void Classification_matches_HistGradientBoostingClassifier(string json, int classes)
    {
        using var data = SyntheticData.Nonlinear(1200, 4, classes, seed: 19);
        var model = new HistGradientBoostingAlgorithm().Train(json, data.TrainingSet()).Predictor;
        var sk = SklearnReference.Fit("sklearn.ensemble.HistGradientBoostingClassifier", Params(json), data.XTrain, data.YTrain, data.X, "predict_proba");
        Compare($"{json} {classes} classes", sk["predict_proba"].Rows(), data.X.Select(r => Predict(model, r)).ToArray());
    }

    [Fact]
    public void Early_stopping_scores_as_well_as_scikit_learn()
    {
        // 12,000 training rows: "auto" turns early stopping on (10 % validation rows drawn at random, stratified for
        // classification); with learning_rate 0.5 both overfit soon and stop well before max_iter = 300. 0.01 of r2 /
        // accuracy: a different tenth of the rows is held out, and training stops at a different iteration.
        const string json = """{"learning_rate": 0.5, "max_iter": 300}""";
        var prm = new { learning_rate = 0.5, max_iter = 300, random_state = 0 };
        using var regression = SyntheticData.Friedman(16000, 5, seed: 23, noise: 1.0);
        var model = new HistGradientBoostingAlgorithm().Train(json, regression.TrainingSet()).Predictor;
        var sk = SklearnReference.Fit("sklearn.ensemble.HistGradientBoostingRegressor", prm, regression.XTrain, regression.YTrain, regression.XTest, "predict", "n_iter_");
        double r2 = R2(regression.YTest, regression.PredictTest(model).Select(o => (double)o[0]).ToArray());
        double skR2 = R2(regression.YTest, sk["predict"].Vector());
        output.WriteLine($"regression: r2 {r2:F4} in {((BoostedTreesPredictor)model).NumTrees} iterations; scikit-learn {skR2:F4} in {sk["n_iter_"].Scalar()}");
        Assert.True(((BoostedTreesPredictor)model).NumTrees < 300, "early stopping stopped before max_iter");
        Assert.True(Math.Abs(r2 - skR2) <= 0.01);

        using var classes = SyntheticData.Nonlinear(16000, 4, 3, seed: 29);
        var classifier = new HistGradientBoostingAlgorithm().Train(json, classes.TrainingSet()).Predictor;
        var skc = SklearnReference.Fit("sklearn.ensemble.HistGradientBoostingClassifier", prm, classes.XTrain, classes.YTrain, classes.XTest, "predict", "n_iter_");
        double accuracy = classes.PredictTest(classifier).Select(p => Array.IndexOf(p, p.Max())).Zip(classes.YTest, (a, b) => a == b ? 1.0 : 0).Average();
        double skAccuracy = skc["predict"].Vector().Zip(classes.YTest, (a, b) => a == b ? 1.0 : 0).Average();
        output.WriteLine($"3 classes: accuracy {accuracy:F4} in {((BoostedTreesPredictor)classifier).NumTrees / 3} iterations; scikit-learn {skAccuracy:F4} in {skc["n_iter_"].Scalar()}");
        Assert.True(((BoostedTreesPredictor)classifier).NumTrees < 3 * 300, "early stopping stopped before max_iter");
        Assert.True(Math.Abs(accuracy - skAccuracy) <= 0.01);
    }

    private void Compare(string what, double[][] expected, double[][] actual)
    {
        double scale = Math.Max(1, expected.Max(r => r.Max(Math.Abs)));
        var worst = expected.Zip(actual, (e, a) => e.Zip(a, (x, y) => Math.Abs(x - y)).Max()).ToArray();
        int off = worst.Count(w => w > Tolerance * scale);
        output.WriteLine($"{what}: worst |Δ| {worst.Max():g3} (scale {scale:g3}), rows off by more {off}/{worst.Length}");
        Assert.Equal(0, off);
    }
}
