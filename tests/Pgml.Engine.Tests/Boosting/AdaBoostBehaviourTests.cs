using Pgml.Engine.Algorithms;
using Pgml.Engine.Boosting;
using Pgml.Engine.Models;
using Xunit;

namespace Pgml.Engine.Tests.Boosting;

/// <summary>ada_boost's hyperparameter checks and refusals, reproducibility, early stops and cancellation.</summary>
public class AdaBoostBehaviourTests
{
    private static readonly AdaBoostAlgorithm Ada = new();

    [Theory]
    [InlineData("""{"algorithm": "SAMME.R"}""", "algorithm", TaskKind.Regression)]   // the classifier's
    [InlineData("""{"loss": "square"}""", "loss", TaskKind.Classification)]          // the regressor's
    [InlineData("""{"loss": "huber"}""", "loss", TaskKind.Regression)]
    [InlineData("""{"learning_rate": 0}""", "learning_rate", TaskKind.Regression)]
    [InlineData("""{"n_estimators": 0}""", "n_estimators", TaskKind.Classification)]
    public void Bad_hyperparameters_are_refused(string json, string named, TaskKind task)
    {
        var e = Assert.Throws<InvalidParameterException>(() => Ada.Validate(json, task));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void An_estimator_cannot_be_chosen()
    {
        var e = Assert.Throws<UnsupportedException>(() => Ada.Validate("""{"estimator": "svm"}""", TaskKind.Classification));
        Assert.Contains("estimator", e.Message);
        Assert.Contains("gradient_boosting_trees", e.Hint);
        Ada.Validate("""{"base_estimator": "deprecated", "estimator": null, "random_state": 2}""", TaskKind.Regression);
    }

    [Fact]
    public void A_random_state_gives_the_same_regressor_and_another_a_different_one()
    {
        using var data = SyntheticData.Friedman(300, 5, seed: 3);
        byte[] Bytes(string json) => Ada.Train(json, data.TrainingSet()).Predictor.ToBytes();
        Assert.Equal(Bytes("""{"random_state": 5}"""), Bytes("""{"random_state": 5}"""));
        Assert.NotEqual(Bytes("""{"random_state": 5}"""), Bytes("""{"random_state": 6}"""));
    }

    [Fact]
    public void A_perfect_first_stump_ends_the_boosting()
    {
        // separable on feature 0: the first stump's weighted error is 0, scikit-learn keeps it and stops
        var x = Enumerable.Range(0, 40).Select(r => new[] { (float)r, (float)(r % 3) }).ToArray();
        var y = Enumerable.Range(0, 40).Select(r => r < 20 ? 0f : 1f).ToArray();
        using var data = SyntheticData.AllTraining(x, y, TaskKind.Classification, classes: 2);
        var model = (BoostedTreesPredictor)Ada.Train("{}", data.TrainingSet()).Predictor;
        Assert.Equal(1, model.NumTrees);
        var p = new float[2];
        model.Predict([35f, 1f], p);
        Assert.True(p[1] > 0.99f);
    }

    private sealed class Cancelled : Exception;

    [Fact]
    public void Cancellation_propagates_between_trees()
    {
        using var data = SyntheticData.Nonlinear(300, 4, 3, seed: 2);
        int calls = 0;
        var set = data.TrainingSet(() => { if (++calls >= 4) throw new Cancelled(); });
        Assert.Throws<Cancelled>(() => Ada.Train("{}", set));
        Assert.Equal(4, calls);
    }
}
