using BenchmarkDotNet.Attributes;
using Pgml.Engine.Data;
using Pgml.Engine.Trees;
using Pgml.Engine.XGBoost;

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
    private const int Cols = 10;
    private const int TrainRows = 5000;

    private byte[] _json = null!;
    private byte[] _compiled = null!;

    [GlobalSetup]
    public void Setup()
    {
        // The same data and parameters as OneRowPredictionBenchmarks, so the model is the same.
        var rng = new Random(42);
        var x = new float[TrainRows * Cols];
        var y = new float[TrainRows];
        for (int r = 0; r < TrainRows; r++)
        {
            double s = 0;
            for (int c = 0; c < Cols; c++)
            {
                float v = (float)(rng.NextDouble() * 10 - 5);
                s += (c % 3 - 1) * v + (c == 2 ? Math.Sin(v) * 3 : 0);
                x[r * Cols + c] = rng.NextDouble() < 0.1 ? float.NaN : v;
            }
            y[r] = (float)s;
        }
        using var features = new NativeMatrix(Cols, TrainRows);
        for (int r = 0; r < TrainRows; r++) features.AppendRow(x.AsSpan(r * Cols, Cols));
        var p = XGBoostParameters.Parse("{\"n_estimators\": 25, \"max_depth\": 6, \"eta\": 0.3, \"seed\": 1}", XGBoostTask.Regression);
        _json = XGBoostTrainer.Train(features, y, TrainRows, XGBoostTask.Regression, 0, p, () => { });
        var ensemble = TreeEnsemble.FromXGBoostJson(_json);
        if (ensemble.NumTrees != 25) throw new InvalidOperationException($"expected 25 trees, got {ensemble.NumTrees}");
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
    public TreeEnsemble LoadFromXGBoostJson() => TreeEnsemble.FromXGBoostJson(_json);

    [Benchmark]
    public TreeEnsemble LoadFromCompiled() => TreeEnsemble.FromCompiled(_compiled);

    /// <summary>The checksum's share of LoadFromCompiled.</summary>
    [Benchmark]
    public ulong LoadCompiledChecksumOnly() => CompiledTreeFormat.XxHash64(_compiled);
}
