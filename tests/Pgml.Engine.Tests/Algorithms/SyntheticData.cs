using Pgml.Engine.Algorithms;
using Pgml.Engine.Data;
using Pgml.Engine.Models;

namespace Pgml.Engine.Tests.Algorithms;

/// <summary>
/// Seeded data sets for algorithm tests (the same rows every run), and the glue to hand them to an
/// <see cref="IAlgorithm"/> and to <see cref="SklearnReference"/>: rows [0, Train) train, the rest are held out.
/// </summary>
public sealed unsafe class SyntheticData : IDisposable
{
    private readonly float[] _labels;
    private readonly System.Runtime.InteropServices.GCHandle _pin;

    private SyntheticData(float[][] x, float[]? y, int train, TaskKind task, int classes)
    {
        X = x;
        Y = y;
        Train = train;
        Task = task;
        Classes = classes;
        Matrix = new NativeMatrix(x[0].Length, x.Length);
        foreach (var row in x) Matrix.AppendRow(row);
        _labels = y ?? [];
        _pin = System.Runtime.InteropServices.GCHandle.Alloc(_labels, System.Runtime.InteropServices.GCHandleType.Pinned);
    }

    public float[][] X { get; }
    public float[]? Y { get; }
    public int Train { get; }
    public TaskKind Task { get; }
    public int Classes { get; }
    public NativeMatrix Matrix { get; }

    public float[][] XTrain => X[..Train];
    public float[][] XTest => X[Train..];
    public float[]? YTrain => Y?[..Train];
    public float[]? YTest => Y?[Train..];

    public TrainingSet TrainingSet(Action? checkInterrupts = null) =>
        new(Matrix, Y is null ? null : (float*)_pin.AddrOfPinnedObject(), Train, Task, Classes, checkInterrupts ?? (() => { }));

    /// <summary>y = X·w + b + noise, with w and b drawn from the seed.</summary>
    public static SyntheticData Regression(int rows, int features, int seed, double noise = 0.1, int? train = null)
    {
        var rng = new Random(seed);
        var w = Enumerable.Range(0, features).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
        double b = rng.NextDouble() * 2 - 1;
        var x = new float[rows][];
        var y = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            x[r] = Enumerable.Range(0, features).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            y[r] = (float)(x[r].Select((v, i) => v * w[i]).Sum() + b + noise * Gaussian(rng));
        }
        return new SyntheticData(x, y, train ?? rows * 3 / 4, TaskKind.Regression, 0);
    }

    /// <summary>Gaussian blobs around <paramref name="classes"/> seeded centres; the label is the blob's index.</summary>
    public static SyntheticData Classification(int rows, int features, int classes, int seed, double spread = 1.0, int? train = null)
    {
        var (x, y) = Blobs(rows, features, classes, seed, spread);
        return new SyntheticData(x, y, train ?? rows * 3 / 4, TaskKind.Classification, classes);
    }

    /// <summary>Blobs without labels, for clustering and decomposition.</summary>
    public static SyntheticData Unlabeled(int rows, int features, int centres, int seed, TaskKind task, double spread = 1.0, int? train = null)
    {
        var (x, _) = Blobs(rows, features, centres, seed, spread);
        return new SyntheticData(x, null, train ?? rows * 3 / 4, task, 0);
    }

    private static (float[][] X, float[] Y) Blobs(int rows, int features, int centres, int seed, double spread)
    {
        var rng = new Random(seed);
        var c = Enumerable.Range(0, centres).Select(_ => Enumerable.Range(0, features).Select(_ => rng.NextDouble() * 10 - 5).ToArray()).ToArray();
        var x = new float[rows][];
        var y = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            int k = r % centres;
            y[r] = k;
            x[r] = Enumerable.Range(0, features).Select(i => (float)(c[k][i] + spread * Gaussian(rng))).ToArray();
        }
        return (x, y);
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>The predictor's outputs for the held-out rows.</summary>
    public float[][] PredictTest(IPredictor p) =>
        XTest.Select(row => { var o = new float[p.NumOutputs]; p.Predict(row, o); return o; }).ToArray();

    public void Dispose()
    {
        Matrix.Dispose();
        _pin.Free();
    }
}
