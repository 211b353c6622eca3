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
        Assert.Contains(" num_threads=1", p.ToTrainingString(0));
        // LightGBM keeps the first of a repeated key: the cap must be the only num_threads passed
        Assert.Single(p.ToTrainingString(0).Split(' '), kv => kv.StartsWith("num_threads=", StringComparison.Ordinal));
    }

    [Fact]
    public void AGivenThreadCountWithinTheCapIsPassedOnce()
    {
        using var _ = ThreadBudget.Use(2);
        var p = LightGbmParameters.Parse("""{"nthread": 2}""", LightGbmTask.Regression);
        Assert.Equal(2, p.Threads);
        Assert.Equal("objective=regression num_threads=2 verbosity=-1 histogram_pool_size=256", p.ToTrainingString(0));
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

/// <summary>The bounds on one uninterruptible LightGBM iteration and on its memory.</summary>
public class LightGbmLimitsTests
{
    [Theory]
    [InlineData("""{"num_leaves": 4097}""", "num_leaves", "at most 4096")]
    [InlineData("""{"max_leaf_nodes": 131072}""", "max_leaf_nodes", "at most 4096")]
    [InlineData("""{"max_bin": 4097}""", "max_bin", "at most 4096")]
    [InlineData("""{"max_bins": 1000000}""", "max_bins", "at most 4096")]
    public void LeavesAndBinsAreBounded(string json, string key, string range)
    {
        var e = Assert.Throws<InvalidParameterException>(() => LightGbmParameters.Parse(json, LightGbmTask.Regression));
        Assert.StartsWith($"LightGBM hyperparameter \"{key}\" must be an integer at least 2 and {range}", e.Message);
        Assert.Contains($"\"{key}\"", e.Hint);
        LightGbmParameters.Parse("""{"num_leaves": 4096, "max_bin": 4096}""", LightGbmTask.Regression);
    }

    [Fact]
    public void TheHistogramCacheIsBounded()
    {
        var p = LightGbmParameters.Parse("{}", LightGbmTask.Regression);
        Assert.EndsWith(" histogram_pool_size=256", p.ToTrainingString(0));
        // not a user key: LightGBM's unbounded default would be the user's to ask for
        Assert.Throws<InvalidParameterException>(() => LightGbmParameters.Parse("""{"histogram_pool_size": -1}""", LightGbmTask.Regression));
    }
}
