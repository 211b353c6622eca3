using Pgml.Engine.LightGbm;
using Pgml.Engine.Threads;
using Xunit;

namespace Pgml.Engine.Tests.LightGbm;

/// <summary>num_threads and its aliases obey the thread cap (pgml.max_threads).</summary>
public class LightGbmThreadsTests
{
    [Theory]
    [InlineData("{}")]
    [InlineData("""{"num_threads": 0}""")]
    [InlineData("""{"n_jobs": -1}""")]
    public void ThreadsDefaultToTheCap(string json)
    {
        using var _ = ThreadBudget.Use(1);
        var p = LightGbmParameters.Parse(json, LightGbmTask.Regression);
        Assert.Equal(1, p.Threads);
        Assert.EndsWith(" num_threads=1", p.ToTrainingString(0));
        // LightGBM keeps the first of a repeated key: the cap must be the only num_threads passed
        Assert.Single(p.ToTrainingString(0).Split(' '), kv => kv.StartsWith("num_threads=", StringComparison.Ordinal));
    }

    [Fact]
    public void AGivenThreadCountWithinTheCapIsPassedOnce()
    {
        using var _ = ThreadBudget.Use(2);
        var p = LightGbmParameters.Parse("""{"nthread": 2}""", LightGbmTask.Regression);
        Assert.Equal(2, p.Threads);
        Assert.Equal("objective=regression num_threads=2 verbosity=-1", p.ToTrainingString(0));
    }

    [Theory]
    [InlineData("num_threads")]
    [InlineData("num_thread")]
    [InlineData("nthread")]
    [InlineData("nthreads")]
    [InlineData("n_jobs")]
    public void MoreThreadsThanTheCapAreRefusedUnderEveryAlias(string key)
    {
        using var _ = ThreadBudget.Use(2);
        var e = Assert.Throws<InvalidParameterException>(() => LightGbmParameters.Parse($$"""{"{{key}}": 3000}""", LightGbmTask.Classification));
        Assert.Equal($"LightGBM hyperparameter \"{key}\" is 3000, more than the 2 threads pgml.max_threads allows", e.Message);
        Assert.Contains("pgml.max_threads", e.Hint);
    }
}
