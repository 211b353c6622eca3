using Pgml.Engine.Metrics;
using Xunit;

namespace Pgml.Engine.Tests.Metrics;

public class RegressionMetricsTests
{
    private static Dictionary<string, double> Compute(float[] truth, float[] predicted)
    {
        var into = new Dictionary<string, double>();
        RegressionMetrics.Compute(truth, predicted, into);
        return into;
    }

    [Fact]
    public void ScikitLearnDocumentationExample()
    {
        // r2_score / mean_absolute_error / mean_squared_error([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])
        var m = Compute([3, -0.5f, 2, 7], [2.5f, 0, 2, 8]);
        Assert.Equal(0.9486081370449679, m["r2"], 12);
        Assert.Equal(0.5, m["mean_absolute_error"], 12);
        Assert.Equal(0.375, m["mean_squared_error"], 12);
        Assert.Equal(3, m.Count);
    }

    [Fact]
    public void R2CanBeNegative()
    {
        var m = Compute([1, 2, 3], [3, 2, 1]);
        Assert.Equal(-3.0, m["r2"], 12);
        Assert.Equal(0.0, Compute([1, 2, 3], [2, 2, 2])["r2"], 12);
        Assert.Equal(1.0, Compute([1, 2, 3], [1, 2, 3])["r2"]);
    }

    [Fact]
    public void ConstantTruthFollowsScikitLearn()
    {
        Assert.Equal(1.0, Compute([-2, -2, -2], [-2, -2, -2])["r2"]);
        Assert.Equal(0.0, Compute([-2, -2, -2], [-2, -2, -1.5f])["r2"]);
    }

    [Fact]
    public void UndefinedScoresAreNaN()
    {
        var empty = Compute([], []);
        Assert.True(double.IsNaN(empty["r2"]));
        Assert.True(double.IsNaN(empty["mean_absolute_error"]));
        Assert.True(double.IsNaN(empty["mean_squared_error"]));

        var single = Compute([4], [3]);
        Assert.True(double.IsNaN(single["r2"]));
        Assert.Equal(1.0, single["mean_absolute_error"]);
        Assert.Equal(1.0, single["mean_squared_error"]);
    }

    [Fact]
    public void ComputesInDouble()
    {
        // Large values whose squared errors would lose the small differences in float32.
        var m = Compute([1e6f, 1e6f + 1, 1e6f + 2, 1e6f + 3], [1e6f, 1e6f + 1, 1e6f + 2, 1e6f + 4]);
        Assert.Equal(0.25, m["mean_squared_error"], 12);
        Assert.Equal(1 - 1 / 5.0, m["r2"], 12);
    }

    [Fact]
    public void MismatchedLengthsAreACallerBug()
    {
        Assert.Throws<ArgumentException>(() => Compute([1, 2], [1]));
    }
}
