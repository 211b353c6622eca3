using System.Runtime.InteropServices;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Clustering;
using Pgml.Engine.Data;
using Pgml.Engine.Decomposition;
using Pgml.Engine.Models;
using Pgml.Engine.Neighbors;

namespace Pgml.Engine.Tests.Neighbors;

/// <summary>
/// Rows a test made itself (all of them train) as a <see cref="TrainingSet"/>, for the knn, k-means and PCA tests whose
/// data SyntheticData does not make (ties, grids, rotated Gaussians, a million rows).
/// </summary>
public sealed unsafe class OwnedTrainingSet : IDisposable
{
    private readonly float[] _labels;
    private GCHandle _pin;

    public OwnedTrainingSet(float[][] x, float[]? y, TaskKind task, int classes = 0, Action? checkInterrupts = null)
    {
        X = x;
        Matrix = new NativeMatrix(x[0].Length, x.Length);
        foreach (var row in x) Matrix.AppendRow(row);
        _labels = y ?? [];
        _pin = GCHandle.Alloc(_labels, GCHandleType.Pinned);
        Set = new TrainingSet(Matrix, y is null ? null : (float*)_pin.AddrOfPinnedObject(), x.Length, task, classes, checkInterrupts ?? (() => { }));
    }

    public float[][] X { get; }
    public NativeMatrix Matrix { get; }
    public TrainingSet Set { get; }

    public void Dispose()
    {
        Matrix.Dispose();
        if (_pin.IsAllocated) _pin.Free();
    }

    /// <summary>Rows of independent uniform values in [-1, 1).</summary>
    public static float[][] Uniform(int rows, int features, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, features).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
    }

    public static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}

/// <summary>Loads the formats of this folder's algorithms as ModelFormats.Load does once they are registered there.</summary>
public static class LocalFormats
{
    public static IPredictor Load(byte[] bytes)
    {
        var reader = ModelReader.Open(bytes);
        var predictor = reader.Format switch
        {
            KnnPredictor.Format => KnnPredictor.Load(ref reader),
            KMeansPredictor.Format => KMeansPredictor.Load(ref reader),
            PcaPredictor.Format => PcaPredictor.Load(ref reader),
            _ => throw new ModelFormatException($"unknown format {reader.Format}"),
        };
        reader.End();
        return predictor;
    }

    public static float[] Predict(this IPredictor p, float[] row)
    {
        var output = new float[p.NumOutputs];
        p.Predict(row, output);
        return output;
    }

    /// <summary>The contract every algorithm owes (as AlgorithmContractTests): stored bytes load back to the same
    /// predictions, a damaged byte or a truncation is a format error, and a warm prediction allocates nothing.</summary>
    public static void CheckContract(IPredictor p, float[][] rows)
    {
        var bytes = p.ToBytes();
        var loaded = Load(bytes);
        Xunit.Assert.Equal(p.Kind, loaded.Kind);
        Xunit.Assert.Equal(p.NumOutputs, loaded.NumOutputs);
        Xunit.Assert.Equal(p.NumFeatures, loaded.NumFeatures);
        foreach (var row in rows) Xunit.Assert.Equal(p.Predict(row), loaded.Predict(row));
        var damaged = (byte[])bytes.Clone();
        damaged[damaged.Length / 2] ^= 0x10;
        Xunit.Assert.Throws<ModelFormatException>(() => Load(damaged));
        Xunit.Assert.Throws<ModelFormatException>(() => Load(bytes[..^9]));

        var output = new float[p.NumOutputs];
        for (int i = 0; i < 1000; i++) p.Predict(rows[i % rows.Length], output);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) p.Predict(rows[i % rows.Length], output);
        Xunit.Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

/// <summary>A CheckInterrupts that throws <see cref="Cancelled"/> at its n-th call (what a cancelled query does).</summary>
public sealed class InterruptAfter(int calls)
{
    public sealed class Cancelled : Exception;

    public int Calls { get; private set; }

    public void Check()
    {
        if (++Calls >= calls) throw new Cancelled();
    }
}
