using Pgml.Engine.Algorithms;
using Pgml.Engine.Boosting;
using Pgml.Engine.Models;
using Xunit;

namespace Pgml.Engine.Tests.Boosting;

/// <summary>hist_gradient_boosting's hyperparameter checks, refusals, early stopping's switch, cancellation and data checks.</summary>
public class HistGradientBoostingBehaviourTests
{
    private static readonly HistGradientBoostingAlgorithm Hgb = new();

    [Theory]
    [InlineData("""{"max_bins": 256}""", "max_bins", TaskKind.Regression)]
    [InlineData("""{"max_leaf_nodes": 1}""", "max_leaf_nodes", TaskKind.Regression)]
    [InlineData("""{"learning_rate": 0}""", "learning_rate", TaskKind.Classification)]
    [InlineData("""{"early_stopping": "sometimes"}""", "early_stopping", TaskKind.Regression)]
    [InlineData("""{"scoring": "r2"}""", "scoring", TaskKind.Regression)]
    [InlineData("""{"quantile": 0.5}""", "quantile", TaskKind.Classification)]   // the regressor's
    [InlineData("""{"max_iter": 0}""", "max_iter", TaskKind.Classification)]
    public void Bad_hyperparameters_are_refused(string json, string named, TaskKind task)
    {
        var e = Assert.Throws<InvalidParameterException>(() => Hgb.Validate(json, task));
        Assert.Contains(named, e.Message);
    }

    [Theory]
    [InlineData("""{"loss": "poisson"}""", "poisson", TaskKind.Regression)]
    [InlineData("""{"categorical_features": [0]}""", "categorical_features", TaskKind.Regression)]
    [InlineData("""{"monotonic_cst": [1, 0]}""", "monotonic_cst", TaskKind.Classification)]
    [InlineData("""{"class_weight": "balanced"}""", "class_weight", TaskKind.Classification)]
    [InlineData("""{"warm_start": true}""", "warm_start", TaskKind.Regression)]
    public void What_pgml_does_not_implement_is_refused_by_name(string json, string named, TaskKind task)
    {
        var e = Assert.Throws<UnsupportedException>(() => Hgb.Validate(json, task));
        Assert.Contains(named, e.Message);
        Assert.False(string.IsNullOrEmpty(e.Hint));
    }

    [Fact]
    public void Early_stopping_auto_is_on_only_above_ten_thousand_rows()
    {
        Assert.False(HistGradientBoostingParameters.Parse("{}", TaskKind.Regression).StopsEarly(10_000));
        Assert.True(HistGradientBoostingParameters.Parse("{}", TaskKind.Regression).StopsEarly(10_001));
        Assert.True(HistGradientBoostingParameters.Parse("""{"early_stopping": true}""", TaskKind.Regression).StopsEarly(50));
        Assert.False(HistGradientBoostingParameters.Parse("""{"early_stopping": false}""", TaskKind.Regression).StopsEarly(50_000));
        Hgb.Validate("""{"early_stopping": "auto", "validation_fraction": null, "max_leaf_nodes": null, "loss": "auto", "verbose": 0}""", TaskKind.Classification);
    }

    [Fact]
    public void Early_stopping_on_the_training_loss_stops_when_it_no_longer_improves()
    {
        // validation_fraction null scores the training rows; with tol 1e9 no iteration counts as an improvement, so
        // training stops after n_iter_no_change iterations (scikit-learn's rule: the first n + 1 scores are needed)
        using var data = SyntheticData.Friedman(400, 5, seed: 4);
        var model = (BoostedTreesPredictor)Hgb.Train("""{"early_stopping": true, "validation_fraction": null, "tol": 1e9, "n_iter_no_change": 3}""", data.TrainingSet()).Predictor;
        Assert.Equal(3, model.NumTrees);
    }

    private sealed class Cancelled : Exception;

    [Fact]
    public void Cancellation_propagates_between_trees()
    {
        using var data = SyntheticData.Friedman(400, 5, seed: 2);
        int calls = 0;
        var set = data.TrainingSet(() => { if (++calls >= 12) throw new Cancelled(); });
        Assert.Throws<Cancelled>(() => Hgb.Train("{}", set));
        Assert.Equal(12, calls);
    }

    [Fact]
    public void Missing_values_are_refused_with_a_hint()
    {
        var x = Enumerable.Range(0, 60).Select(r => new[] { (float)r, r == 9 ? float.NaN : 1f }).ToArray();
        using var nan = SyntheticData.AllTraining(x, Enumerable.Range(0, 60).Select(r => (float)r).ToArray(), TaskKind.Regression);
        var e = Assert.Throws<InvalidDataException>(() => Hgb.Train("{}", nan.TrainingSet()));
        Assert.Contains("missing value", e.Message);
        Assert.Contains("impute", e.Hint);
    }
}
