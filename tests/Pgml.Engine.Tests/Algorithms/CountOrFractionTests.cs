using Pgml.Engine.Algorithms;
using Xunit;

namespace Pgml.Engine.Tests.Algorithms;

/// <summary>scikit-learn's int-or-float parameters: the JSON literal decides between a count and a fraction.</summary>
public class CountOrFractionTests
{
    private static readonly HyperparameterSpec[] Specs =
    [
        HyperparameterSpec.CountOrFraction("min_samples_leaf", 1L, minCount: 1, fractionUpToOne: false),
        HyperparameterSpec.CountOrFraction("max_features", null, minCount: 1, fractionUpToOne: true, "sqrt", "log2"),
        HyperparameterSpec.Accepted("class_weight"),
    ];

    [Fact]
    public void Integer_literal_is_a_count_and_decimal_literal_a_fraction()
    {
        var p = Hyperparameters.Parse("""{"min_samples_leaf": 20, "max_features": 1.0}""", "forest", Specs);
        Assert.Equal(20L, p.Get("min_samples_leaf"));
        Assert.Equal(1.0, p.Get("max_features"));
        Assert.Equal("sqrt", Hyperparameters.Parse("""{"max_features": "sqrt"}""", "forest", Specs).Get("max_features"));
        Assert.Null(Hyperparameters.Parse("""{"max_features": null}""", "forest", Specs).Get("max_features"));
    }

    [Theory]
    [InlineData("""{"min_samples_leaf": 0}""", "an integer >= 1 or a fraction in (0, 1)")]
    [InlineData("""{"min_samples_leaf": 1.0}""", "an integer >= 1 or a fraction in (0, 1)")]
    [InlineData("""{"max_features": 1.5}""", "\"sqrt\" | \"log2\" | an integer >= 1 or a fraction in (0, 1] or null")]
    [InlineData("""{"max_features": "all"}""", "\"sqrt\" | \"log2\"")]
    public void Out_of_range_values_name_the_rule(string json, string rule)
    {
        var e = Assert.Throws<InvalidParameterException>(() => Hyperparameters.Parse(json, "forest", Specs));
        Assert.Contains(rule, e.Message);
        Assert.Contains("1.0 is all, 1 is one", e.Hint);
    }

    [Fact]
    public void Accepted_keys_keep_their_json_so_an_algorithm_can_refuse_values()
    {
        Assert.Equal("""{"0": 2}""", Hyperparameters.Parse("""{"class_weight": {"0": 2}}""", "forest", Specs).Get("class_weight"));
        Assert.Null(Hyperparameters.Parse("""{"class_weight": null}""", "forest", Specs).Get("class_weight"));
    }
}
