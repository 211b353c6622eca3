using System.Text.Json;
using Pgml.Engine.LightGbm;
using Xunit;

namespace Pgml.Engine.Tests.LightGbm;

[Collection(LightGbmCollection.Name)]
public class LightGbmParametersTests
{
    private static InvalidParameterException Invalid(string json, LightGbmTask task = LightGbmTask.Regression) =>
        Assert.Throws<InvalidParameterException>(() => LightGbmParameters.Parse(json, task));

    [Fact]
    public void DefaultsWhenEmptyOrNull()
    {
        foreach (var p in new[] { LightGbmParameters.Parse(null, LightGbmTask.Regression), LightGbmParameters.Parse("{}", LightGbmTask.Regression) })
        {
            Assert.Equal(100, p.NumIterations);
            Assert.Null(p.Objective);
            Assert.Null(p.NumThreads);
            Assert.Equal([new("verbosity", "-1")], p.BoosterParameters);
            Assert.Equal("regression", p.ResolveObjective(0));
            Assert.Equal("objective=regression verbosity=-1", p.ToLightGbmString(0));
        }
    }

    [Fact]
    public void ParsesTypicalHyperparameters()
    {
        var p = LightGbmParameters.Parse(
            """{"n_estimators": 25, "num_leaves": 15, "learning_rate": 0.05, "max_depth": -1, "colsample_bytree": 0.8, "extra_trees": true, "verbosity": 0}""",
            LightGbmTask.Regression);
        Assert.Equal(25, p.NumIterations);
        Assert.Equal(
            [new("num_leaves", "15"), new("learning_rate", "0.05"), new("max_depth", "-1"), new("feature_fraction", "0.8"),
                new("extra_trees", "true"), new("verbosity", "0")],
            p.BoosterParameters);
        Assert.Equal("objective=regression num_leaves=15 learning_rate=0.05 max_depth=-1 feature_fraction=0.8 extra_trees=true verbosity=0",
            p.ToLightGbmString(0));
    }

    [Fact]
    public void AliasesMapToCanonicalNames()
    {
        var p = LightGbmParameters.Parse(
            """{"num_boost_round": 3, "min_child_samples": 5, "subsample": 0.5, "subsample_freq": 1, "reg_alpha": 0.1, "reg_lambda": 2, "min_split_gain": 0.01, "random_state": 7, "n_jobs": 2, "max_bins": 63}""",
            LightGbmTask.Regression);
        Assert.Equal(3, p.NumIterations);
        Assert.Equal(2, p.NumThreads);
        Assert.Equal(
            ["min_data_in_leaf", "bagging_fraction", "bagging_freq", "lambda_l1", "lambda_l2", "min_gain_to_split", "seed", "num_threads", "max_bin", "verbosity"],
            p.BoosterParameters.Select(kv => kv.Key));
        Assert.Equal(3, LightGbmParameters.Parse("""{"num_iterations": 3}""", LightGbmTask.Regression).NumIterations);
        Assert.Equal(4, LightGbmParameters.Parse("""{"n_estimators": 4.0}""", LightGbmTask.Regression).NumIterations);
    }

    [Fact]
    public void AliasTableMatchesLightGbms()
    {
        // LightGBM's own alias table (LGBM_DumpParamAliases): every supported parameter's aliases, no more, no less.
        using var doc = JsonDocument.Parse(LightGbmNative.DumpParamAliases());
        foreach (var (name, aliases) in LightGbmParameters.Aliases)
        {
            Assert.True(doc.RootElement.TryGetProperty(name, out var theirs), $"LightGBM has no parameter {name}");
            var expected = theirs.EnumerateArray().Select(a => a.GetString()!).Where(a => a != name).Order().ToArray();
            Assert.Equal(expected, aliases.Order().ToArray());
        }
    }

    [Fact]
    public void ObjectivesAndTheirAliases()
    {
        Assert.Equal("regression", LightGbmParameters.Parse("""{"objective": "mse"}""", LightGbmTask.Regression).Objective);
        Assert.Equal("regression_l1", LightGbmParameters.Parse("""{"objective": "mae"}""", LightGbmTask.Regression).Objective);
        Assert.Equal("poisson", LightGbmParameters.Parse("""{"loss": "poisson"}""", LightGbmTask.Regression).Objective);
        Assert.Equal("multiclassova", LightGbmParameters.Parse("""{"objective": "ova"}""", LightGbmTask.Classification).Objective);
        Assert.Contains("not valid for regression", Invalid("""{"objective": "binary"}""").Message);
        Assert.Contains("not valid for classification", Invalid("""{"objective": "regression"}""", LightGbmTask.Classification).Message);
        Assert.Contains("not valid", Invalid("""{"objective": "lambdarank"}""").Message);
        Assert.Equal(["regression", "regression_l1", "huber", "fair", "poisson", "quantile", "mape", "gamma", "tweedie"],
            LightGbmParameters.Objectives(LightGbmTask.Regression));
    }

    [Fact]
    public void ObjectiveIsResolvedFromTheClassCount()
    {
        var none = LightGbmParameters.Parse("{}", LightGbmTask.Classification);
        Assert.Equal("binary", none.ResolveObjective(2));
        Assert.Equal("objective=binary verbosity=-1", none.ToLightGbmString(2));
        Assert.Equal("multiclass", none.ResolveObjective(5));
        Assert.Equal("objective=multiclass num_class=5 verbosity=-1", none.ToLightGbmString(5));
        Assert.Equal("objective=multiclassova num_class=3 verbosity=-1",
            LightGbmParameters.Parse("""{"objective": "multiclassova"}""", LightGbmTask.Classification).ToLightGbmString(3));
        Assert.Throws<InvalidDataException>(() => none.ResolveObjective(1));
        Assert.Throws<InvalidParameterException>(() => LightGbmParameters.Parse("""{"objective": "multiclass"}""", LightGbmTask.Classification).ResolveObjective(2));
        Assert.Throws<InvalidParameterException>(() => LightGbmParameters.Parse("""{"objective": "binary"}""", LightGbmTask.Classification).ResolveObjective(3));
    }

    [Fact]
    public void UnknownKeyListsTheValidKeys()
    {
        var e = Invalid("""{"num_leavs": 10}""");
        Assert.Contains("unknown LightGBM hyperparameter \"num_leavs\"", e.Message);
        Assert.Contains("did you mean \"num_leaves\"", e.Message);
        Assert.Contains("n_estimators", e.Hint);
        Assert.Contains("colsample_bytree", e.Hint);
        Assert.Contains("num_leaves", e.Hint);
        Assert.Equal(LightGbmParameters.ValidKeys.Order(StringComparer.Ordinal), LightGbmParameters.ValidKeys);
        Assert.Contains("taken from the number of classes", Invalid("""{"num_class": 3}""", LightGbmTask.Classification).Message);
        Assert.Contains("unknown", Invalid("""{"categorical_feature": "0"}""").Message);
        Assert.Contains("unknown", Invalid("""{"linear_tree": true}""").Message);
    }

    [Fact]
    public void TheSameParameterTwiceIsRejected()
    {
        Assert.Contains("\"n_estimators\" and \"num_iterations\" are the same parameter", Invalid("""{"n_estimators": 5, "num_iterations": 6}""").Message);
        Assert.Contains("\"subsample\" and \"bagging_fraction\"", Invalid("""{"subsample": 0.5, "bagging_fraction": 0.6}""").Message);
        Assert.Contains("given twice", Invalid("""{"seed": 1, "seed": 2}""").Message);
    }

    [Fact]
    public void BoostingOtherThanGbdtIsNotSupportedYet()
    {
        Assert.DoesNotContain(LightGbmParameters.Parse("""{"boosting": "gbdt"}""", LightGbmTask.Regression).BoosterParameters, kv => kv.Key == "boosting");
        foreach (string b in new[] { "dart", "rf", "random_forest", "goss" })
            Assert.Contains("not supported yet", Invalid($$"""{"boosting_type": "{{b}}"}""").Message);
        Assert.Contains("must be \"gbdt\"", Invalid("""{"boosting": "xyz"}""").Message);
        Assert.Equal("goss", LightGbmParameters.Parse("""{"data_sample_strategy": "goss"}""", LightGbmTask.Regression).BoosterParameters[0].Value);
    }

    [Theory]
    [InlineData("""{"n_estimators": 0}""", "at least 1")]
    [InlineData("""{"n_estimators": 2.5}""", "an integer")]
    [InlineData("""{"n_estimators": "10"}""", "an integer")]
    [InlineData("""{"learning_rate": 0}""", "greater than 0")]
    [InlineData("""{"learning_rate": "fast"}""", "a number")]
    [InlineData("""{"num_leaves": 1}""", "at least 2 and at most 4096")]
    [InlineData("""{"num_leaves": 200000}""", "at most 4096")]
    [InlineData("""{"feature_fraction": 0}""", "greater than 0 and at most 1")]
    [InlineData("""{"colsample_bytree": 1.5}""", "greater than 0 and at most 1")]
    [InlineData("""{"bagging_fraction": -0.1}""", "greater than 0")]
    [InlineData("""{"bagging_freq": -1}""", "at least 0")]
    [InlineData("""{"lambda_l1": -1}""", "at least 0")]
    [InlineData("""{"reg_lambda": -1}""", "at least 0")]
    [InlineData("""{"max_bin": 1}""", "at least 2")]
    [InlineData("""{"seed": 1e20}""", "fits in 32 bits")]
    [InlineData("""{"seed": 4294967296}""", "fits in 32 bits")]
    [InlineData("""{"extra_trees": 1}""", "a boolean")]
    [InlineData("""{"tweedie_variance_power": 2}""", "at least 1 and less than 2")]
    [InlineData("""{"monotone_constraints": [1, 2]}""", "-1, 0 or 1")]
    [InlineData("""{"monotone_constraints": "1,0"}""", "-1, 0 or 1")]
    [InlineData("""{"data_sample_strategy": "random"}""", "one of bagging, goss")]
    [InlineData("""{"objective": 1}""", "a string")]
    public void BadValuesAreRejectedWithTheRule(string json, string rule)
    {
        var e = Invalid(json);
        Assert.Contains(rule, e.Message);
        Assert.NotNull(e.Hint);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("42")]
    public void NonObjectsAreRejected(string json) => Assert.Contains("LightGBM hyperparameters", Invalid(json).Message);

    [Fact]
    public void MonotoneConstraintsAreSentAsLightGbmsList()
    {
        var p = LightGbmParameters.Parse("""{"monotone_constraints": [1, 0, -1]}""", LightGbmTask.Regression);
        Assert.Equal(new KeyValuePair<string, string>("monotone_constraints", "1,0,-1"), p.BoosterParameters[0]);
    }
}
