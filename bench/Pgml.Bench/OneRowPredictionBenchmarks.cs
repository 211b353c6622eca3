using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Attributes;
using Pgml.Engine.Trees;
using Pgml.Engine.XGBoost;

namespace Pgml.Bench;

/// <summary>
/// One-row prediction, the shape of pgml.predict() per row: a 25-tree, depth-6 regression model on 10 features (like
/// the flights benchmark's n_estimators = 25), C# evaluator versus libxgboost's in-place predictor.
/// </summary>
[MemoryDiagnoser]
// Short enough that the whole run takes about a minute, long enough that the error bars are a few percent.
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public unsafe class OneRowPredictionBenchmarks
{
    private const int Cols = FlightsShapedModel.Cols;
    // Rows rotate so that neither side gets a branch predictor trained on a single path.
    private const int RowMask = 1023;

    private float[] _rows = null!;
    private int _next;
    private TreeEnsemble _ensemble = null!;
    private Booster _booster = null!;
    private Booster _boosterDefaultThreads = null!;
    private readonly float[] _output = new float[1];

    private Booster _direct = null!;
    private float* _directRow;
    private byte* _directValues;
    private byte* _directConfig;

    [GlobalSetup]
    public void Setup()
    {
        var model = FlightsShapedModel.Train();
        byte[] json = model.Json;
        _rows = model.Rows[..((RowMask + 1) * Cols)];
        _ensemble = model.Ensemble;

        _booster = Booster.Load(json);
        // One thread: for a single row OpenMP only adds fork/join overhead, so this is XGBoost's best case.
        _booster.SetParam("nthread", "1");
        _boosterDefaultThreads = Booster.Load(json);

        _direct = Booster.Load(json);
        _direct.SetParam("nthread", "1");
        // The array interface embeds the data address, so a fixed native row buffer lets both strings be built once.
        _directRow = (float*)NativeMemory.Alloc(Cols, sizeof(float));
        _directValues = Utf8Z($"{{\"data\": [{(ulong)_directRow}, true], \"shape\": [1, {Cols}], \"typestr\": \"<f4\", \"version\": 3}}");
        _directConfig = Utf8Z("{\"type\": 0, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, \"strict_shape\": false, \"missing\": NaN, \"cache_id\": 0}");

        // The benchmark is meaningless unless all three agree.
        for (int r = 0; r <= RowMask; r++)
        {
            var row = _rows.AsSpan(r * Cols, Cols);
            float a = Ours(row), b = Dense(row), c = Direct(row), d = _boosterDefaultThreads.PredictDense(row, 1, Cols)[0];
            if (BitConverter.SingleToInt32Bits(a) != BitConverter.SingleToInt32Bits(b) || BitConverter.SingleToInt32Bits(b) != BitConverter.SingleToInt32Bits(c)
                || BitConverter.SingleToInt32Bits(c) != BitConverter.SingleToInt32Bits(d))
                throw new InvalidOperationException($"row {r}: C# {a:R}, PredictDense {b:R}, direct {c:R}, default threads {d:R}");
        }
    }

    private static byte* Utf8Z(string s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s + "\0");
        byte* p = (byte*)NativeMemory.Alloc((nuint)bytes.Length);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        return p;
    }

    private ReadOnlySpan<float> NextRow()
    {
        int r = _next;
        _next = (r + 1) & RowMask;
        return _rows.AsSpan(r * Cols, Cols);
    }

    [Benchmark(Baseline = true)]
    public float CSharpTreeEnsemble() => Ours(NextRow());

    [Benchmark]
    public float XGBoostPredictDense() => Dense(NextRow());

    [Benchmark]
    public float XGBoostPredictFromDenseDirect() => Direct(NextRow());

    /// <summary>What a booster loaded with default settings costs: XGBoost's OpenMP pool with every core.</summary>
    [Benchmark]
    public float XGBoostPredictDenseDefaultThreads() => _boosterDefaultThreads.PredictDense(NextRow(), 1, Cols)[0];

    private float Ours(ReadOnlySpan<float> row)
    {
        _ensemble.Predict(row, _output);
        return _output[0];
    }

    private float Dense(ReadOnlySpan<float> row) => _booster.PredictDense(row, 1, Cols)[0];

    private float Direct(ReadOnlySpan<float> row)
    {
        row.CopyTo(new Span<float>(_directRow, Cols));
        ulong* shape;
        ulong dim;
        float* result;
        XGBoostNative.Check(XGBoostNative.XGBoosterPredictFromDenseUtf8(_direct.Handle, _directValues, _directConfig, 0, &shape, &dim, &result), "predict");
        return result[0];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _booster.Dispose();
        _boosterDefaultThreads.Dispose();
        _direct.Dispose();
        NativeMemory.Free(_directRow);
        NativeMemory.Free(_directValues);
        NativeMemory.Free(_directConfig);
    }
}
