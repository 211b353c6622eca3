using Pgml.Engine.Algorithms;
using Pgml.Engine.Linear;
using Pgml.Engine.Models;
using Pgml.Engine.Tests.Algorithms;
using Xunit;

namespace Pgml.Engine.Tests.Linear;

/// <summary>The linear tests' training and scikit-learn glue on a <see cref="SyntheticData"/>.</summary>
internal static class LinearFitting
{
    public static LinearPredictor Fit(this SyntheticData data, string algorithm, string json = "{}") =>
        (LinearPredictor)AlgorithmRegistry.Find(algorithm, data.Task).Train(json, data.TrainingSet()).Predictor;

    public static Dictionary<string, System.Text.Json.JsonElement> Sklearn(this SyntheticData data, string estimator, object parameters,
        params string[] outputs) =>
        SklearnReference.Fit(estimator, parameters, data.XTrain, data.YTrain, data.XTest, outputs);
}

internal static class Close
{
    /// <summary>|a − e| ≤ rel·max(|e|∞, floor) elementwise: relative to the vector's scale, so near-zero entries of a
    /// large vector are not held to an impossible relative bound.</summary>
    public static void Vector(double[] expected, ReadOnlySpan<double> actual, double rel, double floor = 1e-12)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(expected.Max(Math.Abs), floor);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= rel * scale,
                $"[{i}] expected {expected[i]:R}, got {actual[i]:R} (difference {Math.Abs(actual[i] - expected[i]) / scale:E2} of the scale {scale:E3}, allowed {rel:E1})");
    }

    public static double Worst(double[] expected, ReadOnlySpan<double> actual)
    {
        double scale = Math.Max(expected.Max(Math.Abs), 1e-12), worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]) / scale);
        return worst;
    }

    /// <summary>All rows of W (class by class) as one vector.</summary>
    public static double[] Coefficients(LinearPredictor p)
    {
        int rows = p.Intercepts.Length;
        var all = new List<double>();
        for (int k = 0; k < rows; k++) all.AddRange(p.Coefficients(k).ToArray());
        return all.ToArray();
    }

    public static double[] Flat(this System.Text.Json.JsonElement e) =>
        e.ValueKind != System.Text.Json.JsonValueKind.Array ? [e.GetDouble()] :
        e.EnumerateArray().SelectMany(v => v.ValueKind == System.Text.Json.JsonValueKind.Array ? v.Flat() : [v.GetDouble()]).ToArray();

    /// <summary>Share of rows whose argmax agrees.</summary>
    public static double Agreement(double[][] expected, float[][] actual)
    {
        int same = 0;
        for (int i = 0; i < expected.Length; i++)
            if (ArgMax(expected[i]) == ArgMax(actual[i].Select(v => (double)v).ToArray())) same++;
        return (double)same / expected.Length;
    }

    public static int ArgMax(double[] v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
