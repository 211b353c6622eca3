using BenchmarkDotNet.Attributes;
using Pgml.Engine.Trees;

namespace Pgml.Bench;

/// <summary>
/// Model load, the part of a connection's first pgml.predict() that is not prediction: parsing XGBoost's JSON versus
/// loading the compiled form, for the same 25-tree, depth-6, 10-feature regression model as
/// <see cref="OneRowPredictionBenchmarks"/>. Steady state (warm code); a backend's first load also pays for cold code,
/// which the JSON path has much more of.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class ModelLoadBenchmarks
{
    private const int Cols = FlightsShapedModel.Cols;

    private byte[] _json = null!;
    private byte[] _compiled = null!;

    [GlobalSetup]
    public void Setup()
    {
        var model = FlightsShapedModel.Train();
        var x = model.Rows;
        _json = model.Json;
        var ensemble = model.Ensemble;
        _compiled = ensemble.ToCompiled();
        Console.WriteLine($"// model sizes: XGBoost JSON {_json.Length} bytes, compiled {_compiled.Length} bytes");

        // Meaningless unless both loads give the same model.
        var fromCompiled = TreeEnsemble.FromCompiled(_compiled);
        var a = new float[1];
        var b = new float[1];
        for (int r = 0; r < 1000; r++)
        {
            ensemble.Predict(x.AsSpan(r * Cols, Cols), a);
            fromCompiled.Predict(x.AsSpan(r * Cols, Cols), b);
            if (BitConverter.SingleToInt32Bits(a[0]) != BitConverter.SingleToInt32Bits(b[0]))
                throw new InvalidOperationException($"row {r}: JSON {a[0]:R}, compiled {b[0]:R}");
        }
    }

    [Benchmark(Baseline = true)]
    public object LoadFromXGBoostJson() => TreeEnsemble.FromXGBoostJson(_json);

    [Benchmark]
    public object LoadFromCompiled() => TreeEnsemble.FromCompiled(_compiled);

    /// <summary>The checksum's share of LoadFromCompiled.</summary>
    [Benchmark]
    public ulong LoadCompiledChecksumOnly() => CompiledTreeFormat.XxHash64(_compiled);
}
