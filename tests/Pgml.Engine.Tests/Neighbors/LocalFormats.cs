using Pgml.Engine.Algorithms;
using Pgml.Engine.Clustering;
using Pgml.Engine.Decomposition;
using Pgml.Engine.Models;
using Pgml.Engine.Neighbors;
using Pgml.Engine.Tests.TestData;

namespace Pgml.Engine.Tests.Neighbors;

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
        Xunit.Assert.Equal(0, Allocations.Fewest(() =>
        {
            for (int i = 0; i < 1000; i++) p.Predict(rows[i % rows.Length], output);
        }));
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
