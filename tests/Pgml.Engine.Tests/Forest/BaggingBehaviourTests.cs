using Pgml.Engine.Algorithms;
using Pgml.Engine.Forest;
using Pgml.Engine.Models;
using Xunit;

namespace Pgml.Engine.Tests.Forest;

/// <summary>bagging's hyperparameter checks and refusals, reproducibility, its sizes and cancellation.</summary>
public class BaggingBehaviourTests
{
    private static readonly BaggingAlgorithm Bagging = new();

    [Theory]
    [InlineData("""{"estimator": "tree"}""", "estimator")]
    [InlineData("""{"base_estimator": "tree"}""", "estimator")]
    [InlineData("""{"oob_score": true}""", "oob_score")]
    [InlineData("""{"warm_start": true}""", "warm_start")]
    public void What_pgml_does_not_implement_is_refused_by_name(string json, string named)
    {
        var e = Assert.Throws<UnsupportedException>(() => Bagging.Validate(json, TaskKind.Regression));
        Assert.Contains(named, e.Message);
        Assert.False(string.IsNullOrEmpty(e.Hint));
    }

    [Theory]
    [InlineData("""{"n_estimators": 0}""", "n_estimators")]
    [InlineData("""{"max_samples": 1.5}""", "max_samples")]
    [InlineData("""{"max_features": 0}""", "max_features")]
    [InlineData("""{"max_depth": 3}""", "max_depth")]   // the tree's own keys are not bagging's
    public void Bad_hyperparameters_are_refused(string json, string named)
    {
        var e = Assert.Throws<InvalidParameterException>(() => Bagging.Validate(json, TaskKind.Classification));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void Counts_beyond_the_data_are_refused_naming_the_limit()
    {
        using var data = SyntheticData.Friedman(80, 5, seed: 1);
        var e = Assert.Throws<InvalidParameterException>(() => Bagging.Train("""{"max_features": 9}""", data.TrainingSet()));
        Assert.Contains("between 1 and 5", e.Message);
        Assert.Throws<InvalidParameterException>(() => Bagging.Train("""{"max_samples": 61}""", data.TrainingSet()));
    }

    [Fact]
    public void A_random_state_gives_the_same_model_and_another_a_different_one()
    {
        using var data = SyntheticData.Nonlinear(300, 4, 3, seed: 2);
        byte[] Bytes(string json) => Bagging.Train(json, data.TrainingSet()).Predictor.ToBytes();
        Assert.Equal(Bytes("""{"random_state": 7}"""), Bytes("""{"random_state": 7}"""));
        Assert.NotEqual(Bytes("""{"random_state": 7}"""), Bytes("""{"random_state": 8}"""));
        Assert.Equal(Bytes("{}"), Bytes("""{"random_state": 0}"""));   // null is seed 0, as in every pgml algorithm
    }

    [Fact]
    public void Ten_trees_by_default_averaged_into_probabilities()
    {
        using var data = SyntheticData.Nonlinear(300, 4, 3, seed: 2);
        var model = (ForestPredictor)Bagging.Train("{}", data.TrainingSet()).Predictor;
        Assert.Equal(10, model.NumTrees);
        Assert.Equal(PredictionKind.Probabilities, model.Kind);
        Assert.All(data.PredictTest(model), p => Assert.InRange(p.Sum(), 1 - 1e-5, 1 + 1e-5));
    }

    private sealed class Cancelled : Exception;

    [Fact]
    public void Cancellation_propagates_between_trees()
    {
        using var data = SyntheticData.Friedman(300, 5, seed: 2);
        int calls = 0;
        var set = data.TrainingSet(() => { if (++calls >= 3) throw new Cancelled(); });
        Assert.Throws<Cancelled>(() => Bagging.Train("{}", set));
    }
}
