using Pgml.Engine.Threads;
using Pgml.Engine.XGBoost;
using Xunit;

namespace Pgml.Engine.Tests.XGBoost;

/// <summary>The thread cap (pgml.max_threads) and the bounds on one uninterruptible boosting round.</summary>
public unsafe class XGBoostLimitsTests
{
    private static readonly XGBoostRandomForestAlgorithm Forest = new();

    [Fact]
    public void ThreadsDefaultToTheCap()
    {
        using (ThreadBudget.Use(1))
        {
            Assert.Equal(1, XGBoostParameters.Parse(null, XGBoostTask.Regression).Threads);
            Assert.Equal(1, XGBoostParameters.Parse("{}", XGBoostTask.Regression).Threads);
            // 0 is XGBoost's "all cores": the cap
            Assert.Equal(1, XGBoostParameters.Parse("""{"nthread": 0}""", XGBoostTask.Regression).Threads);
            Assert.Equal(1, XGBoostParameters.Parse("""{"nthread": 1}""", XGBoostTask.Regression).Threads);
        }
        Assert.Equal(Math.Max(1, Environment.ProcessorCount), XGBoostParameters.Parse("{}", XGBoostTask.Regression).Threads);
    }

    [Fact]
    public void MoreThreadsThanTheCapAreRefusedNamingTheSetting()
    {
        using var _ = ThreadBudget.Use(2);
        var e = Assert.Throws<InvalidParameterException>(() => XGBoostParameters.Parse("""{"nthread": 3000}""", XGBoostTask.Regression));
        Assert.Equal("XGBoost hyperparameter \"nthread\" is 3000, more than the 2 threads pgml.max_threads allows", e.Message);
        Assert.Contains("pgml.max_threads", e.Hint);
        Assert.Contains("at most 2", e.Hint);
        Assert.Throws<InvalidParameterException>(() => XGBoostParameters.Parse("""{"nthread": 2147483647}""", XGBoostTask.Classification));
        Assert.Equal(2, XGBoostParameters.Parse("""{"nthread": 2}""", XGBoostTask.Regression).Threads);
    }

    [Fact]
    public void TheCapIsRestoredWhenItsScopeEnds()
    {
        using (ThreadBudget.Use(3))
        {
            using (ThreadBudget.Use(1)) Assert.Equal(1, ThreadBudget.Max);
            Assert.Equal(3, ThreadBudget.Max);
        }
        Assert.Equal(Math.Max(1, Environment.ProcessorCount), ThreadBudget.Max);
        Assert.Throws<ArgumentOutOfRangeException>(() => ThreadBudget.Use(0));
    }

    [Fact]
    public void NumParallelTreeIsBounded()
    {
        var e = Assert.Throws<InvalidParameterException>(() =>
            XGBoostParameters.Parse("""{"num_parallel_tree": 1000000, "n_estimators": 1}""", XGBoostTask.Regression));
        Assert.Equal("XGBoost hyperparameter \"num_parallel_tree\" must be an integer at least 1 and at most 1000; got 1000000", e.Message);
        Assert.Contains("\"num_parallel_tree\"", e.Hint);
        Assert.Equal(1000, XGBoostParameters.Parse("""{"num_parallel_tree": 1000}""", XGBoostTask.Regression).ParallelTrees);
        Assert.Equal(1, XGBoostParameters.Parse("{}", XGBoostTask.Regression).ParallelTrees);
    }

    [Theory]
    [InlineData("""{"n_estimators": 100000}""", "100000")]
    [InlineData("""{"n_estimators": 1001}""", "1001")]
    [InlineData("""{"n_estimators": 1e6}""", "1e6")]
    public void ARandomForestsTreesAreBoundedUnderTheirOwnName(string json, string given)
    {
        var e = Assert.Throws<InvalidParameterException>(() => Forest.Validate(json, TaskKind.Regression));
        Assert.Equal($"xgboost_random_forest hyperparameter \"n_estimators\" must be at most 1000; got {given}", e.Message);
        Assert.Contains("random_forest", e.Hint);
        Forest.Validate("""{"n_estimators": 1000}""", TaskKind.Regression);
    }

    [Fact]
    public void OneRoundsTreesTimesRowsAreBounded()
    {
        var p = XGBoostParameters.Parse("""{"num_parallel_tree": 1000}""", XGBoostTask.Regression);
        p.CheckRoundCost(100_000);
        var e = Assert.Throws<InvalidParameterException>(() => p.CheckRoundCost(100_001));
        Assert.Equal("one XGBoost boosting round of 1000 trees (num_parallel_tree) on 100001 training rows is too large: a round cannot be " +
                     "cancelled, and pgml allows at most 100,000,000 trees × rows per round", e.Message);
        Assert.Contains("\"num_parallel_tree\"", e.Hint);
        Assert.Contains("at most 999 for 100001 rows", e.Hint);
        // one tree per round (plain boosting) is never refused for any table pgml can read
        XGBoostParameters.Parse("{}", XGBoostTask.Regression).CheckRoundCost(100_000_000);
    }

    [Fact]
    public void TheTrainerRefusesATooLargeRoundBeforeAnyNativeWork()
    {
        var p = XGBoostParameters.Parse("""{"num_parallel_tree": 1000}""", XGBoostTask.Regression);
        using var x = new Pgml.Engine.Data.NativeMatrix(1, 100_001);
        _ = x.Reserve(100_001);
        x.Commit(100_001);
        var y = new float[100_001];
        bool interrupted = false;
        var e = Assert.Throws<InvalidParameterException>(() =>
            XGBoostTrainer.Train(x, y, x.Rows, XGBoostTask.Regression, 0, p, () => interrupted = true));
        Assert.StartsWith("one XGBoost boosting round of 1000 trees", e.Message);
        Assert.False(interrupted);   // no round ran
    }
}

public class XGBoostBinsTests
{
    [Fact]
    public void MaxBinIsBounded()
    {
        var e = Assert.Throws<InvalidParameterException>(() => XGBoostParameters.Parse("""{"max_bin": 65536}""", XGBoostTask.Regression));
        Assert.Equal("XGBoost hyperparameter \"max_bin\" must be an integer at least 2 and at most 4096; got 65536", e.Message);
        XGBoostParameters.Parse("""{"max_bin": 4096}""", XGBoostTask.Regression);
    }
}
