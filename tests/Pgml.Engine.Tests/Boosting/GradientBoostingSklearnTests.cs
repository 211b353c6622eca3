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
/// gradient_boosting_trees against scikit-learn's GradientBoostingRegressor / GradientBoostingClassifier on the same
/// float32 rows. With subsample = 1 and every feature a candidate at each node the fit is deterministic: the same initial
/// scores, the same gradients, the same best split of each node (friedman_mse ranks splits as squared error does), the
/// same leaf steps. Up to ties: two candidate splits of a node with exactly equal gains, and each library keeps the first
/// in its own random feature order (scikit-learn's from random_state). Two kinds occur. (1) Two features cut the node's
/// training rows into the same two sets (a row extreme on both): the training rows' predictions are the same either
/// way, only a held-out row between the two thresholds goes another way. (2) With log loss the first stage's gradients
/// take two values (y − prior), so two different partitions with the same class counts have equal gains: then
/// scikit-learn's own model changes with random_state (observed on the 3-class set: random_state 1, 2, 6, 7 give one
/// model, 0, 3, 4, 5 another, 0.7 apart in decision_function). So the test asks scikit-learn for random_state 0, 1, ...
/// until one model agrees with pgml's on every training row within 1e-4 × max(1, max |value|) (pgml hands the
/// gradients to its grower as float32 and stores leaves as float32, scikit-learn keeps double: observed 3e-8..1e-6),
/// at most 8 tries. Held-out rows off by more are counted and printed, not bounded (kind 1 ties move them: observed
/// 0..24 of 100, most on the 3-class set's 300 trees); the held-out metric must agree within 0.03 (3 rows of 100 in
/// accuracy; observed at most 0.01, and 0.0013 in r2).
/// </summary>
public class GradientBoostingSklearnTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> RegressionSettings() => new()
    {
        """{}""",
        """{"max_depth": 5, "learning_rate": 0.05, "n_estimators": 60, "min_samples_leaf": 5}""",
        """{"criterion": "squared_error", "max_leaf_nodes": 6, "n_estimators": 40}""",
        """{"init": "zero", "n_estimators": 30, "learning_rate": 0.3}""",
    };

    [Theory, MemberData(nameof(RegressionSettings))]
    public void Regression_matches_GradientBoostingRegressor(string json)
    {
        using var data = SyntheticData.Friedman(400, 5, seed: 7, noise: 0.5);
        var model = Train(json, data);
        var actual = data.X.Select(r => Predict(model, r)).ToArray();
        var sk = Matching(json, data, "sklearn.ensemble.GradientBoostingRegressor", ["predict"],
            sk => sk["predict"].Vector().Select(v => new[] { v }).ToArray(), actual);
        var expected = sk["predict"].Vector().Select(v => new[] { v }).ToArray();
        Compare(json, data, expected, actual);
        double r2 = R2(data.YTest, actual[data.Train..].Select(o => o[0]).ToArray()), skR2 = R2(data.YTest, expected[data.Train..].Select(o => o[0]).ToArray());
        output.WriteLine($"held-out r2 {r2:F5} vs scikit-learn {skR2:F5}");
        Assert.True(Math.Abs(r2 - skR2) <= 0.03);
    }

    public static TheoryData<string, int> ClassificationSettings() => new()
    {
        { """{}""", 2 },
        { """{}""", 3 },
        { """{"max_depth": 2, "learning_rate": 0.2, "n_estimators": 50}""", 4 },
        { """{"min_samples_split": 10, "max_leaf_nodes": 5}""", 2 },
    };

    [Theory, MemberData(nameof(ClassificationSettings))]
    public void Classification_matches_GradientBoostingClassifier(string json, int classes)
    {
        using var data = SyntheticData.Nonlinear(400, 4, classes, seed: 13);
        var model = Train(json, data);
        var probabilities = data.X.Select(r => Predict(model, r)).ToArray();
        var sk = Matching(json, data, "sklearn.ensemble.GradientBoostingClassifier", ["predict_proba", "decision_function", "predict"],
            sk => sk["predict_proba"].Rows(), probabilities);
        Compare(json, data, sk["predict_proba"].Rows(), probabilities);
        // raw scores: scikit-learn's decision_function (1-d for two classes)
        var skRaw = classes == 2 ? sk["decision_function"].Vector().Select(v => new[] { v }).ToArray() : sk["decision_function"].Rows();
        var raw = data.X.Select(r =>
        {
            var v = new double[classes == 2 ? 1 : classes];
            ((BoostedTreesPredictor)model).RawScores(r, v);
            return v;
        }).ToArray();
        Compare("decision_function", data, skRaw, raw);
        var skPredicted = sk["predict"].Vector()[data.Train..];
        var predicted = raw[data.Train..].Select(v => v.Length == 1 ? (v[0] > 0 ? 1 : 0) : Array.IndexOf(v, v.Max())).ToArray();
        double accuracy = predicted.Zip(data.YTest, (a, b) => a == b ? 1.0 : 0).Average(), skAccuracy = skPredicted.Zip(data.YTest, (a, b) => a == b ? 1.0 : 0).Average();
        output.WriteLine($"held-out accuracy {accuracy:F4} vs scikit-learn {skAccuracy:F4}");
        Assert.True(Math.Abs(accuracy - skAccuracy) <= 0.03);
    }

    [Fact]
    public void Subsampling_scores_as_well_as_scikit_learn()
    {
        // subsample < 1 draws each stage's rows at random: pgml's stream is not numpy's, so only the metric compares.
        // 0.03 of r2: the spread of scikit-learn's own r2 across random_state 0..2 on these rows is printed beside it.
        using var data = SyntheticData.Friedman(600, 5, seed: 3, noise: 0.5);
        var r2 = new List<double>();
        var skR2 = new List<double>();
        for (int seed = 0; seed < 3; seed++)
        {
            var json = $$"""{"subsample": 0.6, "random_state": {{seed}}}""";
            var model = Train(json, data);
            r2.Add(R2(data.YTest, data.PredictTest(model).Select(o => (double)o[0]).ToArray()));
            var sk = SklearnReference.Fit("sklearn.ensemble.GradientBoostingRegressor", Params(json), data.XTrain, data.YTrain, data.XTest, "predict");
            skR2.Add(R2(data.YTest, sk["predict"].Vector()));
        }
        output.WriteLine($"r2 pgml {string.Join(", ", r2.Select(v => v.ToString("F4")))}; scikit-learn {string.Join(", ", skR2.Select(v => v.ToString("F4")))}");
        Assert.True(Math.Abs(r2.Average() - skR2.Average()) <= 0.03, $"mean r2 {r2.Average()} vs {skR2.Average()}");
    }

    private static IPredictor Train(string json, SyntheticData data) =>
        new GradientBoostingAlgorithm().Train(json, data.TrainingSet()).Predictor;

    /// <summary>Training rows: every value within the tolerance. Held-out rows: those off by more are counted (see the class comment).</summary>
    private void Compare(string what, SyntheticData data, double[][] expected, double[][] actual)
    {
        double scale = Math.Max(1, expected.Max(r => r.Max(Math.Abs)));
        double Worst(int r) => expected[r].Zip(actual[r], (a, b) => Math.Abs(a - b)).Max();
        double worstTrain = Enumerable.Range(0, data.Train).Max(Worst);
        int testOff = Enumerable.Range(data.Train, data.X.Length - data.Train).Count(r => Worst(r) > Tolerance * scale);
        output.WriteLine($"{what}: training rows worst |Δ| {worstTrain:g3} (scale {scale:g3}); held-out rows off by more: {testOff}/{data.X.Length - data.Train}");
        Assert.True(worstTrain <= Tolerance * scale, $"training rows: worst {worstTrain} > {Tolerance * scale}");
    }

    /// <summary>scikit-learn's fit with the first random_state (0..7) whose values agree with pgml's on every training
    /// row (see the class comment: random_state only decides ties).</summary>
    private Dictionary<string, JsonElement> Matching(string json, SyntheticData data, string estimator, string[] outputs,
        Func<Dictionary<string, JsonElement>, double[][]> values, double[][] actual)
    {
        var tried = new List<string>();
        for (int seed = 0; seed < 8; seed++)
        {
            var prm = Params(json);
            prm["random_state"] = seed;
            var sk = SklearnReference.Fit(estimator, prm, data.XTrain, data.YTrain, data.X, outputs);
            var expected = values(sk);
            double scale = Math.Max(1, expected.Max(r => r.Max(Math.Abs)));
            double worst = Enumerable.Range(0, data.Train).Max(r => expected[r].Zip(actual[r], (a, b) => Math.Abs(a - b)).Max());
            if (worst <= Tolerance * scale)
            {
                output.WriteLine($"{json}: scikit-learn's random_state {seed} agrees on the training rows");
                return sk;
            }
            tried.Add($"{seed}: {worst:g3}");
        }
        Assert.Fail($"no random_state of scikit-learn agrees with pgml on the training rows (worst by seed: {string.Join(", ", tried)})");
        return null!;
    }
}
