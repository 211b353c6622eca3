using Pgml.Engine.Algorithms;
using Pgml.Engine.Forest;
using Pgml.Engine.Models;
using Xunit;

namespace Pgml.Engine.Tests.Forest;

public class ForestParametersTests
{
    private static ForestParameters Parse(string json, TaskKind task = TaskKind.Regression, bool extraTrees = false) =>
        ForestParameters.Parse(json, extraTrees ? "extra_trees" : "random_forest", task, extraTrees);

    [Fact]
    public void Defaults_are_scikit_learns()
    {
        var rf = Parse("{}", TaskKind.Classification);
        Assert.Equal(100, rf.NEstimators);
        Assert.Equal(ForestCriterion.Gini, rf.Criterion);
        Assert.True(rf.Bootstrap);
        Assert.Equal(0UL, rf.Seed);
        var resolved = rf.Resolve("random_forest", 1000, 16, TaskKind.Classification);
        Assert.Equal(4, resolved.MaxFeatures);             // sqrt(16)
        Assert.Equal(2, resolved.MinSamplesSplit);
        Assert.Equal(1, resolved.MinSamplesLeaf);
        Assert.Equal(int.MaxValue, resolved.MaxDepth);
        Assert.Equal(1000, resolved.SamplesPerTree);
        var et = Parse("{}", TaskKind.Regression, extraTrees: true);
        Assert.False(et.Bootstrap);
        Assert.Equal(ForestCriterion.SquaredError, et.Criterion);
        var r = et.Resolve("extra_trees", 1000, 16, TaskKind.Regression);
        Assert.Equal(16, r.MaxFeatures);                    // 1.0 for regression
        Assert.Null(r.SamplesPerTree);
    }

    [Theory]
    [InlineData("""{"max_features": 1}""", 1)]            // an integer literal is a count ...
    [InlineData("""{"max_features": 1.0}""", 10)]         // ... a decimal one a fraction
    [InlineData("""{"max_features": 0.25}""", 2)]         // int(0.25 * 10)
    [InlineData("""{"max_features": "log2"}""", 3)]
    [InlineData("""{"max_features": "sqrt"}""", 3)]
    [InlineData("""{"max_features": null}""", 10)]
    [InlineData("""{"max_features": "auto"}""", 10)]      // scikit-learn 1.2's deprecated meaning for regressors
    public void Max_features_counts_like_scikit_learn(string json, int expected) =>
        Assert.Equal(expected, Parse(json).Resolve("random_forest", 100, 10, TaskKind.Regression).MaxFeatures);

    [Fact]
    public void Fractions_resolve_against_the_training_rows()
    {
        var r = Parse("""{"min_samples_split": 0.1, "min_samples_leaf": 0.02, "max_samples": 0.5, "min_weight_fraction_leaf": 0.1}""")
            .Resolve("random_forest", 1001, 4, TaskKind.Regression);
        Assert.Equal(101, r.MinSamplesSplit);      // ceil(100.1)
        Assert.Equal(21, r.MinSamplesLeaf);        // ceil(20.02)
        Assert.Equal(500, r.SamplesPerTree);       // round half to even of 500.5
        Assert.Equal(50.0, r.MinWeightLeaf, 9);    // 0.1 of the rows drawn
        Assert.Equal(42, Parse("""{"min_samples_leaf": 21}""").Resolve("random_forest", 1000, 4, TaskKind.Regression).MinSamplesSplit);
    }

    [Theory]
    [InlineData("""{"n_estimators": 0}""", "n_estimators")]
    [InlineData("""{"criterion": "gini"}""", "criterion")]
    [InlineData("""{"max_depth": 0}""", "max_depth")]
    [InlineData("""{"min_samples_split": 1}""", "min_samples_split")]
    [InlineData("""{"min_samples_split": 1.5}""", "min_samples_split")]
    [InlineData("""{"min_samples_leaf": 1.0}""", "min_samples_leaf")]
    [InlineData("""{"min_samples_leaf": "one"}""", "min_samples_leaf")]
    [InlineData("""{"min_weight_fraction_leaf": 0.6}""", "min_weight_fraction_leaf")]
    [InlineData("""{"max_features": "all"}""", "max_features")]
    [InlineData("""{"max_features": 0}""", "max_features")]
    [InlineData("""{"max_features": 1.5}""", "max_features")]
    [InlineData("""{"max_leaf_nodes": 1}""", "max_leaf_nodes")]
    [InlineData("""{"min_impurity_decrease": -1}""", "min_impurity_decrease")]
    [InlineData("""{"random_state": -1}""", "random_state")]
    [InlineData("""{"max_samples": 0}""", "max_samples")]
    [InlineData("""{"bootstrap": false, "max_samples": 0.5}""", "max_samples")]
    [InlineData("""{"n_estimator": 10}""", "n_estimators")]   // did you mean
    public void Bad_values_are_refused_with_the_rule(string json, string key)
    {
        var e = Assert.Throws<InvalidParameterException>(() => Parse(json));
        Assert.Contains(key, e.Message);
        Assert.False(string.IsNullOrEmpty(e.Hint));
    }

    [Theory]
    [InlineData("""{"oob_score": true}""", "oob_score")]
    [InlineData("""{"warm_start": true}""", "warm_start")]
    [InlineData("""{"class_weight": "balanced"}""", "class_weight")]
    [InlineData("""{"class_weight": {"0": 2}}""", "class_weight")]
    [InlineData("""{"ccp_alpha": 0.01}""", "ccp_alpha")]
    [InlineData("""{"criterion": "absolute_error"}""", "absolute_error")]
    [InlineData("""{"criterion": "poisson"}""", "poisson")]
    public void Options_pgml_does_not_implement_are_refused_by_name(string json, string what)
    {
        var e = Assert.Throws<UnsupportedException>(() => Parse(json));
        Assert.Contains(what, e.Message);
        Assert.False(string.IsNullOrEmpty(e.Hint));
    }

    [Fact]
    public void No_effect_keys_and_the_defaults_of_refused_options_are_accepted()
    {
        var p = Parse("""{"n_jobs": -1, "verbose": 2, "oob_score": false, "warm_start": false, "class_weight": null, "ccp_alpha": 0.0, "random_state": 4294967295}""");
        Assert.Contains("n_jobs", p.IgnoredKeys);
        Assert.Contains("verbose", p.IgnoredKeys);
        Assert.Equal(4294967295UL, p.Seed);
        Parse("""{"criterion": "log_loss", "max_features": 2}""", TaskKind.Classification);
    }

    [Fact]
    public void Data_dependent_limits_are_checked_at_training()
    {
        using var data = SyntheticData.Friedman(200, 5, seed: 1);
        var e = Assert.Throws<InvalidParameterException>(() => new RandomForestAlgorithm().Train("""{"max_features": 6}""", data.TrainingSet()));
        Assert.Contains("max_features = 6 exceeds the 5 features", e.Message);
        e = Assert.Throws<InvalidParameterException>(() => new RandomForestAlgorithm().Train("""{"max_samples": 151}""", data.TrainingSet()));
        Assert.Contains("max_samples = 151 exceeds the 150 training rows", e.Message);
    }

    [Fact]
    public void Clustering_is_not_a_forest_task()
    {
        Assert.Throws<UnsupportedException>(() => AlgorithmRegistry.Find("random_forest", TaskKind.Clustering));
        Assert.Throws<UnsupportedException>(() => new ExtraTreesAlgorithm().Validate("{}", TaskKind.Decomposition));
    }
}
