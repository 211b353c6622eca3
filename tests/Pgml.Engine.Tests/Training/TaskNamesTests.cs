using Pgml.Engine.Algorithms;
using Pgml.Engine.Data;
using Pgml.Engine.LightGbm;
using Pgml.Engine.Sampling;
using Pgml.Engine.Search;
using Pgml.Engine.XGBoost;
using Xunit;

namespace Pgml.Engine.Tests.Training;

public class TaskNamesTests
{
    [Fact]
    public void EveryTaskRoundTripsItsSqlName()
    {
        foreach (var task in Enum.GetValues<TaskKind>())
            Assert.Equal(task, TaskNames.Parse(TaskNames.Name(task)));
        Assert.Null(TaskNames.Parse("text-generation"));
    }

    [Theory]
    [InlineData(TaskKind.Regression, "r2", true)]
    [InlineData(TaskKind.Classification, "f1", true)]
    [InlineData(TaskKind.Clustering, "silhouette", false)]
    [InlineData(TaskKind.Decomposition, "cumulative_explained_variance", false)]
    public void TargetMetricAndSupervision(TaskKind task, string metric, bool supervised)
    {
        Assert.Equal(metric, TaskNames.TargetMetric(task));
        Assert.Equal(supervised, TaskNames.IsSupervised(task));
    }

    [Fact]
    public void TestSamplingHasSqlNames()
    {
        Assert.Equal(TestSampling.Random, TestSamplingNames.Parse("random"));
        Assert.Equal(TestSampling.Last, TestSamplingNames.Parse("last"));
        Assert.Equal(TestSampling.Stratified, TestSamplingNames.Parse("stratified"));
        var e = Assert.Throws<InvalidParameterException>(() => TestSamplingNames.Parse("Random"));
        Assert.Equal("unknown test_sampling \"Random\"", e.Message);
    }

    [Fact]
    public void ModelFilesAreDescribedByTheirAlgorithm()
    {
        Assert.Equal("XGBoost JSON", AlgorithmRegistry.DescribeFile(XGBoostAlgorithm.NativeFile));
        Assert.Equal("LightGBM text model", AlgorithmRegistry.DescribeFile(LightGbmAlgorithm.NativeFile));
        Assert.Equal("pgml.json", AlgorithmRegistry.DescribeFile("pgml.json"));
    }

    [Fact]
    public unsafe void CrossValidationEvaluatorComesFromTheAlgorithm()
    {
        using var x = new NativeMatrix(1, 40);
        var labels = new float[40];
        for (int r = 0; r < 40; r++) { x.AppendRow([r]); labels[r] = r; }
        fixed (float* y = labels)
        {
            var set = new TrainingSet(x, y, 30, TaskKind.Regression, 0, () => { });
            var xgb = AlgorithmRegistry.Find("xgboost", TaskKind.Regression).CreateCandidateEvaluator(set);
            Assert.IsType<XGBoostCandidateEvaluator>(xgb);
            ((IDisposable)xgb).Dispose();
            Assert.IsType<AlgorithmCandidateEvaluator>(AlgorithmRegistry.Find("xgboost_random_forest", TaskKind.Regression).CreateCandidateEvaluator(set));
            var ridge = AlgorithmRegistry.Find("ridge", TaskKind.Regression).CreateCandidateEvaluator(set);
            Assert.IsType<AlgorithmCandidateEvaluator>(ridge);
            Assert.Equal("r2", ridge.Metric);
        }
    }
}
