using Pgml.Engine.XGBoost;
using Xunit;

namespace Pgml.Engine.Tests.XGBoost;

public class XGBoostRandomForestParametersTests
{
    private static readonly XGBoostRandomForestAlgorithm Forest = new();

    [Theory]
    [InlineData("""{"eta": 0.1, "eta": 0.2}""", "not valid JSON")]
    [InlineData("""{"n_estimators": """, "not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("""{"num_parallel_tree": 10}""", "sets num_parallel_tree from n_estimators")]
    [InlineData("""{"num_boost_round": 10}""", "trains a single boosting round")]
    public void BadHyperparametersAreParameterErrors(string json, string message)
    {
        var e = Assert.Throws<InvalidParameterException>(() => Forest.Validate(json, TaskKind.Regression));
        Assert.Contains(message, e.Message);
        Assert.NotNull(e.Hint);
    }

    [Fact]
    public void ForestDefaultsAreValid() => Forest.Validate("""{"n_estimators": 20, "max_depth": 4}""", TaskKind.Classification);
}
