using System.Text.Json.Nodes;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;
using Xunit;
using Xunit.Abstractions;

namespace Pgml.Engine.Tests.Forest;

/// <summary>
/// Randomized forests cannot equal scikit-learn's tree for tree (different random streams), so the test compares what
/// a user sees: the held-out metrics (r2; accuracy and f1) of pgml and scikit-learn, each averaged over random_state
/// 0, 1, 2, on the same rows, split and hyperparameters. Tolerance 0.02 absolute on the means: the spread between
/// scikit-learn's own seeds on these sets (printed, max - min over the 3 seeds) is about 0.005-0.02 for accuracy/f1
/// and 0.002-0.01 for r2, so 0.02 between two 3-seed means leaves room for chance but not for a wrong criterion,
/// threshold rule, bootstrap or max_features (each of which moves these metrics by more, see the remarks).
/// </summary>
/// <remarks>
/// Measured while writing the test: training on a bootstrap with max_features = 1 instead of "sqrt", or with the
/// gini criterion inverted, moves accuracy by 0.03-0.2 on these sets.
/// </remarks>
public class ForestVsSklearnTests(ITestOutputHelper output)
{
    private static readonly int[] Seeds = [0, 1, 2];

    public static TheoryData<string, string, string> Cases() => new()
    {
        { "random_forest", "regression", "{}" },
        { "random_forest", "regression", """{"n_estimators": 30, "max_depth": 6, "max_features": "sqrt"}""" },
        { "random_forest", "regression", """{"n_estimators": 30, "min_samples_leaf": 5, "max_features": 0.5, "max_samples": 0.5, "criterion": "friedman_mse"}""" },
        { "random_forest", "binary", """{"n_estimators": 50}""" },
        { "random_forest", "multiclass", """{"n_estimators": 50, "criterion": "entropy", "max_depth": 8}""" },
        { "random_forest", "multiclass", """{"n_estimators": 30, "max_leaf_nodes": 16, "max_features": "log2"}""" },
        { "extra_trees", "regression", """{"n_estimators": 50}""" },
        { "extra_trees", "regression", """{"n_estimators": 30, "max_depth": 8, "max_features": 0.5, "bootstrap": true}""" },
        { "extra_trees", "binary", """{"n_estimators": 50, "min_samples_split": 10}""" },
        { "extra_trees", "multiclass", """{"n_estimators": 30, "criterion": "log_loss", "max_leaf_nodes": 32}""" },
        { "extra_trees", "multiclass", """{"n_estimators": 30, "max_features": 2, "min_impurity_decrease": 0.002}""" },
    };

    [Theory, MemberData(nameof(Cases))]
    public void Metrics_match_scikit_learn(string algorithm, string kind, string hyper)
    {
        using var data = kind switch
        {
            "regression" => ForestData.Friedman(1600, 8, seed: 3),
            "binary" => ForestData.Nonlinear(1600, 6, 2, seed: 7),
            _ => ForestData.Nonlinear(1600, 6, 3, seed: 9),
        };
        var task = data.Task;
        string estimator = "sklearn.ensemble." + (algorithm == "random_forest" ? "RandomForest" : "ExtraTrees") +
            (task == TaskKind.Regression ? "Regressor" : "Classifier");
        var sk = ForestSklearn.Fit(estimator, JsonNode.Parse(hyper)!, data.XTrain, data.YTrain, data.XTest,
            proba: task == TaskKind.Classification, seeds: Seeds).Select(r => data.Score(r.Output)).ToArray();
        var ours = Seeds.Select(seed =>
        {
            var json = JsonNode.Parse(hyper)!.AsObject();
            json["random_state"] = seed;
            var model = AlgorithmRegistry.Find(algorithm, task).Train(json.ToJsonString(), data.TrainingSet());
            return data.Score(data.PredictTest(model.Predictor));
        }).ToArray();
        foreach (string metric in sk[0].Keys)
        {
            double skMean = sk.Average(m => m[metric]), ourMean = ours.Average(m => m[metric]);
            double skSpread = sk.Max(m => m[metric]) - sk.Min(m => m[metric]);
            output.WriteLine($"{algorithm} {kind} {hyper} {metric}: scikit-learn {skMean:F4} (seed spread {skSpread:F4}), pgml {ourMean:F4} (seed spread {ours.Max(m => m[metric]) - ours.Min(m => m[metric]):F4})");
            Assert.True(Math.Abs(ourMean - skMean) <= 0.02, $"{metric}: pgml {ourMean:F4}, scikit-learn {skMean:F4}");
        }
    }
}
