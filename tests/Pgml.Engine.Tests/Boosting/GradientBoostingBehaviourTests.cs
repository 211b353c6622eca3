using Pgml.Engine.Algorithms;
using Pgml.Engine.Boosting;
using Pgml.Engine.Models;
using Xunit;

namespace Pgml.Engine.Tests.Boosting;

/// <summary>gradient_boosting_trees' hyperparameter checks, refusals, cancellation, reproducibility and data checks.</summary>
public class GradientBoostingBehaviourTests
{
    private static readonly GradientBoostingAlgorithm Gb = new();

    [Theory]
    [InlineData("""{"learning_rate": -0.1}""", "learning_rate", TaskKind.Regression)]
    [InlineData("""{"n_estimators": 0}""", "n_estimators", TaskKind.Regression)]
    [InlineData("""{"subsample": 0}""", "subsample", TaskKind.Regression)]
    [InlineData("""{"subsample": 1.5}""", "subsample", TaskKind.Classification)]
    [InlineData("""{"criterion": "gini"}""", "criterion", TaskKind.Classification)]
    [InlineData("""{"max_depth": 0}""", "max_depth", TaskKind.Regression)]
    [InlineData("""{"alpha": 0.5}""", "alpha", TaskKind.Classification)]       // the regressor's quantile
    [InlineData("""{"loss": "log_loss"}""", "loss", TaskKind.Regression)]
    [InlineData("""{"init": "mean"}""", "init", TaskKind.Regression)]
    public void Bad_hyperparameters_are_refused(string json, string named, TaskKind task)
    {
        var e = Assert.Throws<InvalidParameterException>(() => Gb.Validate(json, task));
        Assert.Contains(named, e.Message);
    }

    [Theory]
    [InlineData("""{"loss": "huber"}""", "huber", TaskKind.Regression)]
    [InlineData("""{"loss": "exponential"}""", "exponential", TaskKind.Classification)]
    [InlineData("""{"n_iter_no_change": 5}""", "n_iter_no_change", TaskKind.Regression)]
    [InlineData("""{"warm_start": true}""", "warm_start", TaskKind.Classification)]
    [InlineData("""{"ccp_alpha": 0.1}""", "ccp_alpha", TaskKind.Regression)]
    public void What_pgml_does_not_implement_is_refused_by_name(string json, string named, TaskKind task)
    {
        var e = Assert.Throws<UnsupportedException>(() => Gb.Validate(json, task));
        Assert.Contains(named, e.Message);
        Assert.False(string.IsNullOrEmpty(e.Hint));
    }

    [Fact]
    public void Scikit_learn_keys_are_accepted()
    {
        Gb.Validate("""{"loss": "deviance", "max_features": "sqrt", "validation_fraction": 0.2, "tol": 0.001, "verbose": 1, "random_state": 3}""", TaskKind.Classification);
        Gb.Validate("""{"alpha": 0.5, "max_features": 0.5, "min_samples_leaf": 0.1, "init": "zero", "criterion": "squared_error"}""", TaskKind.Regression);
    }

    private sealed class Cancelled : Exception;

    [Fact]
    public void Cancellation_propagates_between_trees()
    {
        using var data = SyntheticData.Friedman(300, 5, seed: 2);
        int calls = 0;
        var set = data.TrainingSet(() => { if (++calls >= 5) throw new Cancelled(); });
        Assert.Throws<Cancelled>(() => Gb.Train("{}", set));
        Assert.Equal(5, calls);   // the grower checks at every tree, so 100 trees cannot run past a cancel
    }

    [Fact]
    public void A_random_state_gives_the_same_model_and_another_a_different_one_with_subsampling()
    {
        using var data = SyntheticData.Friedman(300, 5, seed: 2);
        byte[] Bytes(string json) => Gb.Train(json, data.TrainingSet()).Predictor.ToBytes();
        Assert.Equal(Bytes("""{"subsample": 0.5, "random_state": 4}"""), Bytes("""{"subsample": 0.5, "random_state": 4}"""));
        Assert.NotEqual(Bytes("""{"subsample": 0.5, "random_state": 4}"""), Bytes("""{"subsample": 0.5, "random_state": 5}"""));
    }

    [Fact]
    public void Missing_values_and_a_single_class_are_data_errors()
    {
        var x = Enumerable.Range(0, 20).Select(r => new[] { (float)r, r == 7 ? float.NaN : 1f }).ToArray();
        using var nan = SyntheticData.AllTraining(x, Enumerable.Range(0, 20).Select(r => (float)r).ToArray(), TaskKind.Regression);
        var e = Assert.Throws<InvalidDataException>(() => Gb.Train("{}", nan.TrainingSet()));
        Assert.Contains("missing value", e.Message);

        var clean = Enumerable.Range(0, 20).Select(r => new[] { (float)r, 1f }).ToArray();
        using var one = SyntheticData.AllTraining(clean, new float[20], TaskKind.Classification, classes: 2);
        Assert.Throws<InvalidDataException>(() => Gb.Train("{}", one.TrainingSet()));
    }

    [Fact]
    public void Probabilities_sum_to_one_and_stay_in_range()
    {
        using var data = SyntheticData.Nonlinear(300, 4, 4, seed: 8);
        var model = Gb.Train("""{"n_estimators": 30}""", data.TrainingSet()).Predictor;
        Assert.Equal(PredictionKind.Probabilities, model.Kind);
        foreach (var p in data.PredictTest(model))
        {
            Assert.InRange(p.Sum(), 1 - 1e-5, 1 + 1e-5);
            Assert.All(p, v => Assert.InRange(v, 0, 1));
        }
    }
}
