namespace Pgml.Engine.LightGbm;

/// <summary>
/// An owned lib_lightgbm booster handle loaded from LightGBM's text format. Used in tests and benchmarks as the
/// reference predictor that the C# evaluator (<see cref="LightGbmEnsemble"/>) must match; pgml itself predicts in C#.
/// Not thread-safe.
/// </summary>
internal sealed unsafe class LightGbmBooster : IDisposable
{
    private nint _handle;

    private LightGbmBooster(nint handle, int numIterations)
    {
        _handle = handle;
        NumIterations = numIterations;
    }

    internal nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(LightGbmBooster));

    /// <summary>Iterations LightGBM counted when loading the model.</summary>
    public int NumIterations { get; }

    /// <summary>Loads a model in LightGBM's text format (LGBM_BoosterLoadModelFromString).</summary>
    public static LightGbmBooster Load(ReadOnlySpan<byte> model)
    {
        nint handle = LightGbmNative.LoadBooster(model, out int iterations);
        return new LightGbmBooster(handle, iterations);
    }

    /// <summary>Takes ownership of a booster handle (the trainer's, in tests).</summary>
    internal static LightGbmBooster Own(nint handle) => new(handle, 0);

    public int NumClasses
    {
        get
        {
            int n;
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterGetNumClasses(Handle, &n), "LGBM_BoosterGetNumClasses");
            return n;
        }
    }

    public int NumFeatures
    {
        get
        {
            int n;
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterGetNumFeature(Handle, &n), "LGBM_BoosterGetNumFeature");
            return n;
        }
    }

    /// <summary>The model in LightGBM's text format, without the terminating NUL.</summary>
    public byte[] Save() => LightGbmNative.SaveModelToString(Handle);

    /// <summary>
    /// LightGBM's own prediction (LGBM_BoosterPredictForMat) of a dense row-major float32 matrix, all iterations:
    /// with the objective's transform, or the raw score when <paramref name="rawScore"/>. Returns rows × outputs doubles.
    /// </summary>
    public double[] PredictForMat(ReadOnlySpan<float> data, int rows, int cols, bool rawScore = false, string parameters = "num_threads=1")
    {
        if ((long)rows * cols > data.Length) throw new ArgumentException($"{data.Length} values for {rows} x {cols}", nameof(data));
        long needed = (long)rows * Math.Max(NumClasses, 1);
        var result = new double[needed];
        long written;
        fixed (float* d = data)
        fixed (double* r = result)
        fixed (byte* p = LightGbmNative.Utf8Z(parameters))
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterPredictForMat(Handle, d, LightGbmNative.DTypeFloat32, rows, cols, 1,
                rawScore ? LightGbmNative.PredictRawScore : LightGbmNative.PredictNormal, 0, -1, p, &written, r), "LGBM_BoosterPredictForMat");
        if (written != needed) throw new LightGbmException($"LightGBM predicted {written} values for {needed}");
        return result;
    }

    /// <summary>LightGBM's single-row prediction (LGBM_BoosterPredictForMatSingleRow) of one float32 row.</summary>
    public double[] PredictSingleRow(ReadOnlySpan<float> row, bool rawScore = false, string parameters = "num_threads=1")
    {
        var result = new double[Math.Max(NumClasses, 1)];
        long written;
        fixed (float* d = row)
        fixed (double* r = result)
        fixed (byte* p = LightGbmNative.Utf8Z(parameters))
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterPredictForMatSingleRow(Handle, d, LightGbmNative.DTypeFloat32, row.Length, 1,
                rawScore ? LightGbmNative.PredictRawScore : LightGbmNative.PredictNormal, 0, -1, p, &written, r), "LGBM_BoosterPredictForMatSingleRow");
        if (written != result.Length) throw new LightGbmException($"LightGBM predicted {written} values for {result.Length}");
        return result;
    }

    public void Dispose()
    {
        if (_handle != 0)
        {
            LightGbmNative.FreeBooster(_handle);
            _handle = 0;
        }
    }
}
