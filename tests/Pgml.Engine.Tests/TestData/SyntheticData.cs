using Pgml.Engine.Algorithms;
using Pgml.Engine.Data;
using Pgml.Engine.Models;

namespace Pgml.Engine.Tests.TestData;

/// <summary>
/// The engine tests' one source of generated data: seeded rows (the same every run) from a few generators, and the
/// glue to hand them to an <see cref="IAlgorithm"/> (a native matrix and pinned labels) and to scikit-learn: rows
/// [0, Train) train, the rest are held out. A test that needs rows of a special shape (ties, collinear columns, a
/// rotation) makes them itself and wraps them with the constructor.
/// </summary>
public sealed unsafe class SyntheticData : IDisposable
{
    private readonly float[] _labels;
    private readonly System.Runtime.InteropServices.GCHandle _pin;

    /// <param name="y">Labels, or null for clustering and decomposition.</param>
    /// <param name="train">How many of the first rows train (all of them for <see cref="AllTraining"/>).</param>
    public SyntheticData(float[][] x, float[]? y, int train, TaskKind task, int classes = 0)
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

    /// <summary>Rows a test made itself, all of them training rows.</summary>
    public static SyntheticData AllTraining(float[][] x, float[]? y, TaskKind task, int classes = 0) => new(x, y, x.Length, task, classes);

    public float[][] X { get; }
    public float[]? Y { get; }
    public int Train { get; }
    public TaskKind Task { get; }
    public int Classes { get; }
    public NativeMatrix Matrix { get; }

    public float[][] XTrain => X[..Train];
    public float[][] XTest => X[Train..];

    /// <summary>The labels of labelled data (an error to ask for unlabelled data's).</summary>
    public float[] Labels => Y ?? throw new InvalidOperationException("this data set has no labels");
    public float[] YTrain => Labels[..Train];
    public float[] YTest => Labels[Train..];

    public TrainingSet TrainingSet(Action? checkInterrupts = null) =>
        new(Matrix, Y is null ? null : (float*)_pin.AddrOfPinnedObject(), Train, Task, Classes, checkInterrupts ?? (() => { }));

    /// <summary>The predictor's outputs for the held-out rows.</summary>
    public float[][] PredictTest(IPredictor p) =>
        XTest.Select(row => { var o = new float[p.NumOutputs]; p.Predict(row, o); return o; }).ToArray();

    public void Dispose()
    {
        Matrix.Dispose();
        _pin.Free();
    }

    /// <summary>y = X·w + b + noise, x uniform in [-1, 1), with w and b drawn from the seed.</summary>
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

    /// <summary>Friedman #1: y = 10 sin(pi x0 x1) + 20 (x2 - 0.5)^2 + 10 x3 + 5 x4 + noise, x uniform in [0, 1)^features
    /// (a regression where forests are neither perfect nor useless).</summary>
    public static SyntheticData Friedman(int rows, int features, int seed, double noise = 1.0)
    {
        var rng = new Random(seed);
        var x = new float[rows][];
        var y = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            x[r] = Enumerable.Range(0, features).Select(_ => (float)rng.NextDouble()).ToArray();
            y[r] = (float)(10 * Math.Sin(Math.PI * x[r][0] * x[r][1]) + 20 * Math.Pow(x[r][2] - 0.5, 2) + 10 * x[r][3] + 5 * x[r][4] + noise * Gaussian(rng));
        }
        return new SyntheticData(x, y, rows * 3 / 4, TaskKind.Regression, 0);
    }

    /// <summary>Classes from a nonlinear score with Gaussian noise, cut at the score's quantiles (balanced classes that
    /// overlap, so accuracy stays well below 1).</summary>
    public static SyntheticData Nonlinear(int rows, int features, int classes, int seed, double noise = 0.6)
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
        return new SyntheticData(x, y, rows * 3 / 4, TaskKind.Classification, classes);
    }

    /// <summary>Rows of independent uniform values in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static float[][] Uniform(int rows, int features, int seed, double low = -1, double high = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, features).Select(_ => (float)(rng.NextDouble() * (high - low) + low)).ToArray()).ToArray();
    }

    /// <summary>
    /// Uniform rows in [<paramref name="low"/>, <paramref name="high"/>) straight into a native matrix the caller
    /// disposes, each labelled by <paramref name="label"/> (for the native libraries' trainers, which take the matrix).
    /// </summary>
    public static (NativeMatrix Features, float[] Labels) UniformMatrix(int rows, int features, int seed, double low, double high,
        Func<float[], float> label)
    {
        var rng = new Random(seed);
        var m = new NativeMatrix(features, rows);
        var labels = new float[rows];
        var row = new float[features];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < features; j++) row[j] = (float)(rng.NextDouble() * (high - low) + low);
            labels[i] = label(row);
            m.AppendRow(row);
        }
        return (m, labels);
    }

    /// <summary>
    /// Gaussian blobs one row at a time (row r around centre r % <paramref name="centres"/>), for data too large to hold
    /// as arrays of rows: the row array is reused, copy it before the next.
    /// </summary>
    public static IEnumerable<(int Centre, float[] Row)> BlobRows(int rows, int features, int centres, int seed, double spread)
    {
        var rng = new Random(seed);
        var c = Enumerable.Range(0, centres).Select(_ => Enumerable.Range(0, features).Select(_ => rng.NextDouble() * 10 - 5).ToArray()).ToArray();
        var row = new float[features];
        for (int r = 0; r < rows; r++)
        {
            int k = r % centres;
            for (int i = 0; i < features; i++) row[i] = (float)(c[k][i] + spread * Gaussian(rng));
            yield return (k, row);
        }
    }

    private static (float[][] X, float[] Y) Blobs(int rows, int features, int centres, int seed, double spread)
    {
        var x = new float[rows][];
        var y = new float[rows];
        int r = 0;
        foreach (var (k, row) in BlobRows(rows, features, centres, seed, spread))
        {
            y[r] = k;
            x[r++] = (float[])row.Clone();
        }
        return (x, y);
    }

    /// <summary>A standard normal draw (Box-Muller), two uniform draws from <paramref name="rng"/>.</summary>
    public static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
