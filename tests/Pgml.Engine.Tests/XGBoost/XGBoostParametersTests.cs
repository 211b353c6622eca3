using Pgml.Engine.XGBoost;
using Xunit;

namespace Pgml.Engine.Tests.XGBoost;

public class XGBoostParametersTests
{
    private static InvalidParameterException Invalid(string json, XGBoostTask task = XGBoostTask.Regression) =>
        Assert.Throws<InvalidParameterException>(() => XGBoostParameters.Parse(json, task));

    [Fact]
    public void DefaultsWhenEmptyOrNull()
    {
        foreach (var p in new[] { XGBoostParameters.Parse(null, XGBoostTask.Regression), XGBoostParameters.Parse("{}", XGBoostTask.Regression) })
        {
            Assert.Equal(100, p.NEstimators);
            Assert.Null(p.Objective);
            Assert.Null(p.NThread);
            Assert.Empty(p.BoosterParameters);
            Assert.Equal("reg:squarederror", p.ResolveObjective(0));
        }
    }

    [Fact]
    public void ParsesTypicalHyperparameters()
    {
        var p = XGBoostParameters.Parse("""{"n_estimators": 25, "max_depth": 4, "eta": 0.1, "subsample": 0.8, "tree_method": "hist"}""", XGBoostTask.Regression);
        Assert.Equal(25, p.NEstimators);
        Assert.Equal(
            [new("max_depth", "4"), new("eta", "0.1"), new("subsample", "0.8"), new("tree_method", "hist")],
            p.BoosterParameters);
    }

    [Fact]
    public void AliasesMapToCanonicalNames()
    {
        var p = XGBoostParameters.Parse(
            """{"learning_rate": 0.05, "min_split_loss": 1, "reg_lambda": 2, "reg_alpha": 0.5, "random_state": 7, "num_boost_round": 3}""",
            XGBoostTask.Regression);
        Assert.Equal(3, p.NEstimators);
        Assert.Equal(
            [new("eta", "0.05"), new("gamma", "1"), new("lambda", "2"), new("alpha", "0.5"), new("seed", "7")],
            p.BoosterParameters);
    }

    [Fact]
    public void SameParameterTwiceUnderAliasIsRejected()
    {
        var e = Invalid("""{"eta": 0.1, "learning_rate": 0.2}""");
        Assert.Contains("\"eta\"", e.Message);
        Assert.Contains("\"learning_rate\"", e.Message);
    }

    [Fact]
    public void UnknownKeyNamesItAndHintListsValidKeys()
    {
        var e = Invalid("""{"max_dept": 3}""");
        Assert.Contains("\"max_dept\"", e.Message);
        Assert.Contains("did you mean \"max_depth\"", e.Message);
        Assert.NotNull(e.Hint);
        foreach (string key in new[] { "max_depth", "eta", "learning_rate", "n_estimators", "objective", "colsample_bynode", "random_state" })
            Assert.Contains(key, e.Hint);
        Assert.Equal(XGBoostParameters.ValidKeys.Count, e.Hint!.Split(", ").Length);
    }

    [Fact]
    public void NumClassIsSetFromTheData()
    {
        var e = Invalid("""{"num_class": 3}""", XGBoostTask.Classification);
        Assert.Contains("num_class", e.Message);
        Assert.Contains("number of classes", e.Message);
    }

    [Theory]
    [InlineData("""{"max_depth": "4"}""", "max_depth", "an integer", "the string \"4\"")]
    [InlineData("""{"max_depth": 2.5}""", "max_depth", "an integer", "the number 2.5")]
    [InlineData("""{"n_estimators": true}""", "n_estimators", "an integer", "the boolean true")]
    [InlineData("""{"eta": "fast"}""", "eta", "a number", "the string \"fast\"")]
    [InlineData("""{"eta": null}""", "eta", "a number", "null")]
    [InlineData("""{"objective": 1}""", "objective", "a string", "the number 1")]
    [InlineData("""{"validate_parameters": 1}""", "validate_parameters", "a boolean", "the number 1")]
    [InlineData("""{"monotone_constraints": [1, 2]}""", "monotone_constraints", "-1, 0 or 1", "the array [1, 2]")]
    [InlineData("""{"interaction_constraints": [0, 1]}""", "interaction_constraints", "arrays of feature indices", "the array [0, 1]")]
    public void WrongTypeNamesKeyExpectedTypeAndValue(string json, string key, string expected, string got)
    {
        var e = Invalid(json);
        Assert.Contains($"\"{key}\"", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.Contains($"got {got}", e.Message);
        Assert.False(string.IsNullOrEmpty(e.Hint));
    }

    [Theory]
    [InlineData("""{"n_estimators": -5}""", "\"n_estimators\" must be an integer at least 1 and at most 2147483647; got -5")]
    [InlineData("""{"n_estimators": 0}""", "\"n_estimators\" must be an integer at least 1 and at most 2147483647; got 0")]
    [InlineData("""{"subsample": 0}""", "\"subsample\" must be a number greater than 0 and at most 1; got 0")]
    [InlineData("""{"colsample_bytree": 1.5}""", "\"colsample_bytree\" must be a number greater than 0 and at most 1; got 1.5")]
    [InlineData("""{"eta": -0.1}""", "\"eta\" must be a number at least 0; got -0.1")]
    [InlineData("""{"verbosity": 4}""", "\"verbosity\" must be an integer at least 0 and at most 3; got 4")]
    [InlineData("""{"max_depth": 1e30}""", "\"max_depth\" must be an integer at least 0 and at most 2147483647; got 1e30")]
    public void OutOfRangeValuesAreRejected(string json, string message)
    {
        Assert.Contains(message, Invalid(json).Message);
    }

    [Fact]
    public void IntegralNumbersAreIntegers()
    {
        var p = XGBoostParameters.Parse("""{"max_depth": 4.0, "n_estimators": 1e1}""", XGBoostTask.Regression);
        Assert.Equal(10, p.NEstimators);
        Assert.Equal([new("max_depth", "4")], p.BoosterParameters);
    }

    [Theory]
    [InlineData("[1, 2]", "got the array")]
    [InlineData("\"eta\"", "got the string")]
    [InlineData("42", "got the number")]
    [InlineData("null", "got null")]
    public void NonObjectJsonIsRejected(string json, string got)
    {
        var e = Invalid(json);
        Assert.Contains("must be a JSON object", e.Message);
        Assert.Contains(got, e.Message);
        Assert.Contains("n_estimators", e.Hint);
    }

    [Fact]
    public void MalformedJsonIsRejected()
    {
        Assert.Contains("not valid JSON", Invalid("{\"eta\": ").Message);
    }

    [Fact]
    public void OnlyGbtreeBoosterIsSupported()
    {
        var e = Invalid("""{"booster": "gblinear"}""");
        Assert.Contains("\"gblinear\" is not supported yet", e.Message);
        Assert.Contains("gbtree", e.Hint);
        // gbtree is accepted and not passed on (it is the only booster anyway).
        Assert.Empty(XGBoostParameters.Parse("""{"booster": "gbtree"}""", XGBoostTask.Regression).BoosterParameters);
    }

    [Fact]
    public void ChoicesAreChecked()
    {
        var e = Invalid("""{"tree_method": "fast"}""");
        Assert.Contains("\"tree_method\"", e.Message);
        Assert.Contains("\"fast\"", e.Message);
        Assert.Contains("hist", e.Hint);
    }

    [Fact]
    public void ObjectiveMustFitTheTask()
    {
        var e = Invalid("""{"objective": "binary:logistic"}""", XGBoostTask.Regression);
        Assert.Contains("\"binary:logistic\" is not valid for regression", e.Message);
        foreach (string o in XGBoostParameters.Objectives(XGBoostTask.Regression)) Assert.Contains(o, e.Hint);

        var c = Invalid("""{"objective": "reg:squarederror"}""", XGBoostTask.Classification);
        Assert.Contains("multi:softprob", c.Hint);
        Assert.Contains("binary:hinge", c.Hint);

        Assert.Equal("reg:tweedie", XGBoostParameters.Parse("""{"objective": "reg:tweedie"}""", XGBoostTask.Regression).ResolveObjective(0));
    }

    [Fact]
    public void ClassificationObjectiveDependsOnClassCount()
    {
        var defaults = XGBoostParameters.Parse("{}", XGBoostTask.Classification);
        Assert.Equal("binary:logistic", defaults.ResolveObjective(2));
        Assert.Equal("multi:softprob", defaults.ResolveObjective(5));
        Assert.Throws<InvalidDataException>(() => defaults.ResolveObjective(1));

        var binary = XGBoostParameters.Parse("""{"objective": "binary:hinge"}""", XGBoostTask.Classification);
        Assert.Equal("binary:hinge", binary.ResolveObjective(2));
        var e = Assert.Throws<InvalidParameterException>(() => binary.ResolveObjective(3));
        Assert.Contains("the training data has 3", e.Message);
        Assert.Contains("multi:softprob", e.Hint);

        var multi = XGBoostParameters.Parse("""{"objective": "multi:softmax"}""", XGBoostTask.Classification);
        Assert.Equal("multi:softmax", multi.ResolveObjective(3));
        Assert.Contains("binary:logistic", Assert.Throws<InvalidParameterException>(() => multi.ResolveObjective(2)).Hint);
    }

    [Fact]
    public void ConstraintsBooleansAndNthreadAreRendered()
    {
        var p = XGBoostParameters.Parse(
            """{"monotone_constraints": [1, 0, -1], "interaction_constraints": [[0, 1], [2]], "validate_parameters": true, "nthread": 2}""",
            XGBoostTask.Regression);
        Assert.Equal(2, p.NThread);
        Assert.Equal(
            [new("monotone_constraints", "(1,0,-1)"), new("interaction_constraints", "[[0,1],[2]]"), new("validate_parameters", "1"), new("nthread", "2")],
            p.BoosterParameters);
        var s = XGBoostParameters.Parse("""{"monotone_constraints": "(1,-1)"}""", XGBoostTask.Regression);
        Assert.Equal([new("monotone_constraints", "(1,-1)")], s.BoosterParameters);
    }
}
