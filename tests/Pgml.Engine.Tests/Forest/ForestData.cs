using Pgml.Engine.Algorithms;
using Pgml.Engine.Data;
using Pgml.Engine.Metrics;
using Pgml.Engine.Models;

namespace Pgml.Engine.Tests.Forest;

/// <summary>
/// Seeded data sets where forests are neither perfect nor useless (so metric differences mean something), as a native
/// matrix with the first <see cref="Train"/> rows for training, plus the metrics pgml reports.
/// </summary>
public sealed unsafe class ForestData : IDisposable
{
    private readonly System.Runtime.InteropServices.GCHandle _pin;

    private ForestData(float[][] x, float[] y, int train, TaskKind task, int classes)
    {
        X = x;
        Y = y;
        Train = train;
        Task = task;
        Classes = classes;
        Matrix = new NativeMatrix(x[0].Length, x.Length);
        foreach (var row in x) Matrix.AppendRow(row);
        _pin = System.Runtime.InteropServices.GCHandle.Alloc(Y, System.Runtime.InteropServices.GCHandleType.Pinned);
    }

    public float[][] X { get; }
    public float[] Y { get; }
    public int Train { get; }
    public TaskKind Task { get; }
    public int Classes { get; }
    public NativeMatrix Matrix { get; }
    public float[][] XTrain => X[..Train];
    public float[][] XTest => X[Train..];
    public float[] YTrain => Y[..Train];
    public float[] YTest => Y[Train..];

    public TrainingSet TrainingSet(Action? checkInterrupts = null) =>
        new(Matrix, (float*)_pin.AddrOfPinnedObject(), Train, Task, Classes, checkInterrupts ?? (() => { }));

    /// <summary>Friedman #1: y = 10 sin(pi x0 x1) + 20 (x2 - 0.5)^2 + 10 x3 + 5 x4 + noise, x uniform in [0, 1]^features.</summary>
    public static ForestData Friedman(int rows, int features, int seed, double noise = 1.0)
    {
        var rng = new Random(seed);
        var x = new float[rows][];
        var y = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            x[r] = Enumerable.Range(0, features).Select(_ => (float)rng.NextDouble()).ToArray();
            y[r] = (float)(10 * Math.Sin(Math.PI * x[r][0] * x[r][1]) + 20 * Math.Pow(x[r][2] - 0.5, 2) + 10 * x[r][3] + 5 * x[r][4] + noise * Gaussian(rng));
        }
        return new ForestData(x, y, rows * 3 / 4, TaskKind.Regression, 0);
    }

    /// <summary>Classes from a nonlinear score with Gaussian noise, cut at the score's quantiles (balanced classes that
    /// overlap, so accuracy stays well below 1).</summary>
    public static ForestData Nonlinear(int rows, int features, int classes, int seed, double noise = 0.6)
    {
        var rng = new Random(seed);
        var x = new float[rows][];
        var score = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            x[r] = Enumerable.Range(0, features).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
            score[r] = x[r][0] * x[r][1] + Math.Sin(2 * x[r][2]) + 0.5 * x[r][3] * x[r][3] + noise * Gaussian(rng);
        }
        var sorted = score.Order().ToArray();
        var cuts = Enumerable.Range(1, classes - 1).Select(k => sorted[k * rows / classes]).ToArray();
        var y = score.Select(s => (float)cuts.Count(c => s >= c)).ToArray();
        return new ForestData(x, y, rows * 3 / 4, TaskKind.Classification, classes);
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>The predictor's outputs on the test rows, flattened (row-major).</summary>
    public double[] PredictTest(IPredictor p)
    {
        var result = new List<double>();
        var o = new float[p.NumOutputs];
        foreach (var row in XTest)
        {
            p.Predict(row, o);
            result.AddRange(o.Select(v => (double)v));
        }
        return [.. result];
    }

    /// <summary>r2 for regression, accuracy and f1 (binary: of class 1; multiclass: macro) for classification.</summary>
    public Dictionary<string, double> Score(double[] outputs)
    {
        var metrics = new Dictionary<string, double>();
        if (Task == TaskKind.Regression)
        {
            RegressionMetrics.Compute(YTest, outputs.Select(v => (float)v).ToArray(), metrics);
            return new() { ["r2"] = metrics["r2"] };
        }
        var truth = YTest.Select(v => (int)v).ToArray();
        float[] probabilities = Classes == 2
            ? Enumerable.Range(0, truth.Length).Select(i => (float)outputs[2 * i + 1]).ToArray()
            : outputs.Select(v => (float)v).ToArray();
        ClassificationMetrics.Compute(truth, probabilities, Classes, metrics);
        return new() { ["accuracy"] = metrics["accuracy"], ["f1"] = metrics["f1"] };
    }

    public void Dispose()
    {
        Matrix.Dispose();
        _pin.Free();
    }
}
