using System.Runtime.CompilerServices;
using Pgml.Engine.Boosting;
using Pgml.Engine.Models;
using Pgml.Engine.Tests.Neighbors;
using Xunit;

namespace Pgml.Engine.Tests.Boosting;

/// <summary>Committed models of format "boosted_trees" v1 (gradient_boosting_trees: regression, binary with the logistic
/// link, 3 classes with softmax; hist_gradient_boosting; ada_boost: the weighted median, SAMME.R) must keep loading and
/// giving the recorded outputs bit for bit.</summary>
public class BoostedTreesFixtureTests
{
    [Theory]
    [InlineData("boosted-trees-regression-v1", TaskKind.Regression, 1)]
    [InlineData("boosted-trees-binary-v1", TaskKind.Classification, 2)]
    [InlineData("boosted-trees-multiclass-v1", TaskKind.Classification, 3)]
    [InlineData("boosted-trees-hist-multiclass-v1", TaskKind.Classification, 3)]
    [InlineData("boosted-trees-ada-regression-v1", TaskKind.Regression, 1)]
    [InlineData("boosted-trees-ada-multiclass-v1", TaskKind.Classification, 3)]
    public void The_committed_v1_models_give_the_recorded_outputs(string name, TaskKind task, int outputs)
    {
        var model = (BoostedTreesPredictor)FormatFixture.Check("Boosting", name, task, BoostedTreesPredictor.Version == 1);
        Assert.Equal(outputs, model.NumOutputs);
        if (!name.Contains("-ada-")) Assert.Equal(outputs == 3 ? 3 * 20 : 20, model.NumTrees);
        else Assert.InRange(model.NumTrees, 1, 20);   // AdaBoost may stop early
    }

    [OptInFact(FormatFixture.Variable, "writes the format fixtures into the source tree")]
    public void Write_the_fixtures_when_asked()
    {
        const string json = """{"n_estimators": 20, "max_depth": 2}""";
        string v = $"v{BoostedTreesPredictor.Version}";
        using var r = SyntheticData.Friedman(120, 5, seed: 5);
        FormatFixture.Write(Source(), $"boosted-trees-regression-{v}", new GradientBoostingAlgorithm().Train(json, r.TrainingSet()).Predictor, r.XTest.Take(12).ToArray());
        using var b = SyntheticData.Nonlinear(120, 4, 2, seed: 6);
        FormatFixture.Write(Source(), $"boosted-trees-binary-{v}", new GradientBoostingAlgorithm().Train(json, b.TrainingSet()).Predictor, b.XTest.Take(12).ToArray());
        using var m = SyntheticData.Nonlinear(150, 4, 3, seed: 7);
        FormatFixture.Write(Source(), $"boosted-trees-multiclass-{v}", new GradientBoostingAlgorithm().Train(json, m.TrainingSet()).Predictor, m.XTest.Take(12).ToArray());
        // hist_gradient_boosting's models are the same format
        var hist = new HistGradientBoostingAlgorithm().Train("""{"max_iter": 20, "max_leaf_nodes": 6, "min_samples_leaf": 5}""", m.TrainingSet()).Predictor;
        FormatFixture.Write(Source(), $"boosted-trees-hist-multiclass-{v}", hist, m.XTest.Take(12).ToArray());
        // ada_boost's: the weighted-median link (AdaBoost.R2) and SAMME.R's leaves
        FormatFixture.Write(Source(), $"boosted-trees-ada-regression-{v}", new AdaBoostAlgorithm().Train("""{"n_estimators": 20}""", r.TrainingSet()).Predictor, r.XTest.Take(12).ToArray());
        FormatFixture.Write(Source(), $"boosted-trees-ada-multiclass-{v}", new AdaBoostAlgorithm().Train("""{"n_estimators": 20}""", m.TrainingSet()).Predictor, m.XTest.Take(12).ToArray());
    }

    private static string Source([CallerFilePath] string path = "") => path;
}
