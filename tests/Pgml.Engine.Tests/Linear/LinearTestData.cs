using System.Runtime.InteropServices;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Data;
using Pgml.Engine.Linear;
using Pgml.Engine.Models;
using Pgml.Engine.Tests.Algorithms;
using Xunit;

namespace Pgml.Engine.Tests.Linear;

/// <summary>Rows given as arrays (for shapes SyntheticData does not make: collinear, constant, offset columns), the
/// training glue, and the comparisons the linear tests share.</summary>
internal sealed unsafe class LinearTestData : IDisposable
{
    private readonly GCHandle _pin;

    public LinearTestData(float[][] x, float[] y, int train, TaskKind task, int classes = 0)
    {
        X = x;
        Y = y;
        Train = train;
        Task = task;
        Classes = classes;
        Matrix = new NativeMatrix(x[0].Length, x.Length);
        foreach (var row in x) Matrix.AppendRow(row);
        _pin = GCHandle.Alloc(y, GCHandleType.Pinned);
    }

    public static LinearTestData From(SyntheticData s) => new(s.X, s.Y!, s.Train, s.Task, s.Classes);

    public float[][] X { get; }
    public float[] Y { get; }
    public int Train { get; }
    public TaskKind Task { get; }
    public int Classes { get; }
    public NativeMatrix Matrix { get; }
    public float[][] XTrain => X[..Train];
    public float[][] XTest => X[Train..];
    public float[] YTrain => Y[..Train];

    public TrainingSet TrainingSet(Action? checkInterrupts = null) =>
        new(Matrix, (float*)_pin.AddrOfPinnedObject(), Train, Task, Classes, checkInterrupts ?? (() => { }));

    public LinearPredictor Fit(string algorithm, string json = "{}") =>
        (LinearPredictor)AlgorithmRegistry.Find(algorithm, Task).Train(json, TrainingSet()).Predictor;

    public Dictionary<string, System.Text.Json.JsonElement> Sklearn(string estimator, object parameters, params string[] outputs) =>
        SklearnReference.Fit(estimator, parameters, XTrain, YTrain, XTest, outputs);

    public float[][] Predict(IPredictor p) =>
        XTest.Select(row => { var o = new float[p.NumOutputs]; p.Predict(row, o); return o; }).ToArray();

    public void Dispose()
    {
        Matrix.Dispose();
        _pin.Free();
    }
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
