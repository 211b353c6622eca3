using Pgml.Engine.Trees;
using Xunit;
using Pgml.Engine.Tests.TestData;

namespace Pgml.Engine.Tests.Trees;

public class TreeEnsembleAllocationTests
{
    [Theory]
    [InlineData("reg:squarederror", 0)]
    [InlineData("binary:logistic", 0)]
    [InlineData("count:poisson", 0)]
    [InlineData("multi:softprob", 4)]
    public void PredictionAllocatesNothing(string objective, int classes)
    {
        const int cols = 10;
        var (x, s) = XGBoostTraining.Features(1000, cols, 31);
        float[] labels = classes > 0 ? TreeEnsembleXGBoostTests.ClassLabels(s, classes)
            : objective == "binary:logistic" ? [.. s.Select(v => v > 0 ? 1f : 0f)]
            : objective == "count:poisson" ? [.. s.Select(v => MathF.Floor(MathF.Exp((float)v / 4)))]
            : [.. s.Select(v => (float)v)];
        var p = new List<(string, string)> { ("objective", objective), ("max_depth", "6") };
        if (classes > 0) p.Add(("num_class", classes.ToString()));
        using var b = XGBoostTraining.Train(x, labels, cols, 25, [.. p]);
        var model = TreeEnsemble.FromXGBoostJson(b.Save());
        var output = new float[model.NumOutputs];

        Assert.Equal(0, Allocations.Fewest(() =>
        {
            for (int r = 0; r < 1000; r++) Run(model, x, r, cols, output);
        }));
    }

    private static void Run(TreeEnsemble model, float[] x, int r, int cols, float[] output)
    {
        model.Predict(x.AsSpan(r * cols, cols), output);
        model.PredictMargin(x.AsSpan(r * cols, cols), output);
    }
}
