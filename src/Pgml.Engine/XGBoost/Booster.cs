using System.Globalization;

namespace Pgml.Engine.XGBoost;

/// <summary>
/// An owned libxgboost booster handle. Used for training and, in tests and benchmarks, as the reference predictor
/// that the C# tree evaluator must match.
/// </summary>
internal sealed unsafe class Booster : IDisposable
{
    private nint _handle;

    private Booster(nint handle) => _handle = handle;

    internal nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(Booster));

    internal static Booster Create(nint trainMatrix)
    {
        nint h;
        XGBoostNative.Check(XGBoostNative.XGBoosterCreate(&trainMatrix, 1, &h), "XGBoosterCreate");
        return new Booster(h);
    }

    /// <summary>Loads a model saved by <see cref="Save"/> (XGBoost JSON or UBJSON).</summary>
    public static Booster Load(ReadOnlySpan<byte> model)
    {
        nint h;
        XGBoostNative.Check(XGBoostNative.XGBoosterCreate(null, 0, &h), "XGBoosterCreate");
        var b = new Booster(h);
        try
        {
            fixed (byte* p = model)
                XGBoostNative.Check(XGBoostNative.XGBoosterLoadModelFromBuffer(h, p, (ulong)model.Length), "XGBoosterLoadModelFromBuffer");
            return b;
        }
        catch
        {
            b.Dispose();
            throw;
        }
    }

    public void SetParam(string name, string value) =>
        XGBoostNative.Check(XGBoostNative.XGBoosterSetParam(Handle, name, value), $"parameter '{name}' = '{value}'");

    /// <summary>Saves the model in XGBoost's JSON format, which any XGBoost (Python, R, C) can load.</summary>
    public byte[] Save()
    {
        ulong len;
        byte* buf;
        XGBoostNative.Check(XGBoostNative.XGBoosterSaveModelToBuffer(Handle, "{\"format\": \"json\"}", &len, &buf), "XGBoosterSaveModelToBuffer");
        return new ReadOnlySpan<byte>(buf, checked((int)len)).ToArray();
    }

    /// <summary>
    /// XGBoost's own prediction for a dense row-major matrix (NaN = missing), through its in-place predictor.
    /// <paramref name="outputMargin"/> selects raw margins instead of transformed outputs. Returns rows × groups values.
    /// </summary>
    public float[] PredictDense(ReadOnlySpan<float> data, long rows, int cols, bool outputMargin = false)
    {
        fixed (float* p = data)
        {
            string values = string.Create(CultureInfo.InvariantCulture,
                $"{{\"data\": [{(ulong)p}, true], \"shape\": [{rows}, {cols}], \"typestr\": \"<f4\", \"version\": 3}}");
            string config = string.Create(CultureInfo.InvariantCulture,
                $"{{\"type\": {(outputMargin ? 1 : 0)}, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, \"strict_shape\": false, \"missing\": NaN, \"cache_id\": 0}}");
            ulong* shape;
            ulong dim;
            float* result;
            XGBoostNative.Check(XGBoostNative.XGBoosterPredictFromDense(Handle, values, config, 0, &shape, &dim, &result), "XGBoosterPredictFromDense");
            ulong total = 1;
            for (ulong i = 0; i < dim; i++) total *= shape[i];
            return new ReadOnlySpan<float>(result, checked((int)total)).ToArray();
        }
    }

    public void Dispose()
    {
        if (_handle != 0)
        {
            XGBoostNative.XGBoosterFree(_handle);
            _handle = 0;
        }
    }
}
