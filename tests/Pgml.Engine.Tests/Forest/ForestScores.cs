using Pgml.Engine.Algorithms;
using Pgml.Engine.Metrics;
using Pgml.Engine.Models;

namespace Pgml.Engine.Tests.Forest;

/// <summary>The forest tests' view of a <see cref="SyntheticData"/>: outputs flattened as scikit-learn returns them,
/// and the metrics pgml reports.</summary>
public static class ForestScores
{
    /// <summary>The predictor's outputs on the test rows, flattened (row-major).</summary>
    public static double[] FlatOutputs(this SyntheticData data, IPredictor p)
    {
        var result = new List<double>();
        var o = new float[p.NumOutputs];
        foreach (var row in data.XTest)
        {
            p.Predict(row, o);
            result.AddRange(o.Select(v => (double)v));
        }
        return [.. result];
    }

    /// <summary>r2 for regression, accuracy and f1 (binary: of class 1; multiclass: macro) for classification.</summary>
    public static Dictionary<string, double> Score(this SyntheticData data, double[] outputs)
    {
        var metrics = new Dictionary<string, double>();
        if (data.Task == TaskKind.Regression)
        {
            RegressionMetrics.Compute(data.YTest, outputs.Select(v => (float)v).ToArray(), metrics);
            return new() { ["r2"] = metrics["r2"] };
        }
        var truth = data.YTest.Select(v => (int)v).ToArray();
        float[] probabilities = data.Classes == 2
            ? Enumerable.Range(0, truth.Length).Select(i => (float)outputs[2 * i + 1]).ToArray()
            : outputs.Select(v => (float)v).ToArray();
        ClassificationMetrics.Compute(truth, probabilities, data.Classes, metrics);
        return new() { ["accuracy"] = metrics["accuracy"], ["f1"] = metrics["f1"] };
    }
}
