using Pgml.Engine.Algorithms;
using Xunit;

namespace Pgml.Engine.Tests.Algorithms;

public class HyperparametersTests
{
    private static readonly HyperparameterSpec[] Specs =
    [
        HyperparameterSpec.Number("alpha", 1.0, min: 0),
        HyperparameterSpec.Integer("max_iter", 1000, min: 1),
        HyperparameterSpec.Integer("max_depth", null, min: 1),
        HyperparameterSpec.Boolean("fit_intercept", true),
        HyperparameterSpec.Choice("kernel", "rbf", "linear", "poly", "rbf"),
        HyperparameterSpec.NumberOrChoice("gamma", "scale", ["scale", "auto"], min: 0, minExclusive: true),
        HyperparameterSpec.Accepted("n_jobs"),
    ];

    [Fact]
    public void Defaults_apply_when_not_given()
    {
        var p = Hyperparameters.Parse("{}", "svm", Specs);
        Assert.Equal(1.0, p.Number("alpha"));
        Assert.Equal(1000, p.Integer("max_iter"));
        Assert.Null(p.NullableInteger("max_depth"));
        Assert.True(p.Boolean("fit_intercept"));
        Assert.Equal("rbf", p.Word("kernel"));
        Assert.Equal("scale", p.Word("gamma"));
    }

    [Fact]
    public void Given_values_are_typed()
    {
        var p = Hyperparameters.Parse("""{"alpha": 2, "max_iter": 5.0, "max_depth": 3, "fit_intercept": false, "kernel": "poly", "gamma": 0.5, "n_jobs": -1}""", "svm", Specs);
        Assert.Equal(2.0, p.Number("alpha"));
        Assert.Equal(5, p.Integer("max_iter"));
        Assert.Equal(3, p.NullableInteger("max_depth"));
        Assert.False(p.Boolean("fit_intercept"));
        Assert.Equal("poly", p.Word("kernel"));
        Assert.Equal(0.5, p.NumberOrNull("gamma"));
        Assert.Equal(["n_jobs"], p.IgnoredKeys);
    }

    [Theory]
    [InlineData("""{"alpha": -1}""", "\"alpha\" must be a number >= 0")]
    [InlineData("""{"max_iter": 2.5}""", "\"max_iter\" must be an integer >= 1")]
    [InlineData("""{"kernel": "sigmoid"}""", "\"kernel\" must be \"linear\" | \"poly\" | \"rbf\"")]
    [InlineData("""{"gamma": "big"}""", "\"gamma\" must be")]
    [InlineData("""{"fit_intercept": "yes"}""", "must be true or false")]
    [InlineData("""{"alpha": null}""", "\"alpha\" must be")]
    [InlineData("""{"alpah": 1}""", "svm has no hyperparameter \"alpah\" (did you mean \"alpha\"?)")]
    [InlineData("""[1]""", "must be a JSON object")]
    [InlineData("""{"alpha": 1""", "not valid JSON")]
    public void Bad_values_are_refused_with_the_rule(string json, string expected)
    {
        var e = Assert.Throws<InvalidParameterException>(() => Hyperparameters.Parse(json, "svm", Specs));
        Assert.Contains(expected, e.Message);
        Assert.False(string.IsNullOrEmpty(e.Hint));
    }

    [Fact]
    public void Unknown_key_lists_what_is_accepted()
    {
        var e = Assert.Throws<InvalidParameterException>(() => Hyperparameters.Parse("""{"C2": 1}""", "svm", Specs));
        Assert.Contains("alpha, max_iter, max_depth, fit_intercept, kernel, gamma", e.Hint);
    }
}
