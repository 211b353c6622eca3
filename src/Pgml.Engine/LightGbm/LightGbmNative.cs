using System.Runtime.InteropServices;

namespace Pgml.Engine.LightGbm;

/// <summary>
/// P/Invoke into lib_lightgbm.so, the native library of Microsoft's LightGBM 4.7.0 NuGet package (c_api.h). Every
/// call but <see cref="LGBM_GetLastError"/> returns 0 on success and -1 on failure; use <see cref="Check"/>.
/// </summary>
/// <remarks>
/// Imported by the bare name "lib_lightgbm". Under the test host the runtime finds the package's
/// runtimes/linux-x64/native/lib_lightgbm.so through the deps.json. Inside a PostgreSQL backend (NativeAOT
/// pgml_engine.so) the runtime's probing looks next to the *postgres executable* (AppContext.BaseDirectory), so the
/// extension must link the library directly: DirectPInvoke "lib_lightgbm" + NativeLibrary lib_lightgbm.so + rpath
/// $ORIGIN, and ship lib_lightgbm.so next to pgml_engine.so (see the extension's build).
/// Every handle this class creates is counted in <see cref="LiveHandles"/> (per thread) so tests can prove that
/// nothing leaks.
/// </remarks>
internal static unsafe partial class LightGbmNative
{
    internal const string Lib = "lib_lightgbm";

    internal const int DTypeFloat32 = 0;   // C_API_DTYPE_FLOAT32
    internal const int DTypeFloat64 = 1;   // C_API_DTYPE_FLOAT64
    internal const int DTypeInt32 = 2;     // C_API_DTYPE_INT32
    internal const int PredictNormal = 0;  // C_API_PREDICT_NORMAL: with the objective's transform
    internal const int PredictRawScore = 1; // C_API_PREDICT_RAW_SCORE
    internal const int FeatureImportanceSplit = 0; // C_API_FEATURE_IMPORTANCE_SPLIT

    [LibraryImport(Lib)] internal static partial nint LGBM_GetLastError();

    [LibraryImport(Lib)] internal static partial int LGBM_DumpParamAliases(long bufferLen, long* outLen, byte* outStr);

    [LibraryImport(Lib)]
    internal static partial int LGBM_DatasetCreateFromMat(void* data, int dataType, int nrow, int ncol, int isRowMajor,
        byte* parameters, nint reference, nint* outHandle);

    [LibraryImport(Lib)] internal static partial int LGBM_DatasetSetField(nint handle, byte* fieldName, void* fieldData, int numElement, int type);
    [LibraryImport(Lib)] internal static partial int LGBM_DatasetGetNumData(nint handle, int* outNum);
    [LibraryImport(Lib)] internal static partial int LGBM_DatasetFree(nint handle);

    [LibraryImport(Lib)] internal static partial int LGBM_BoosterCreate(nint trainData, byte* parameters, nint* outHandle);
    [LibraryImport(Lib)] internal static partial int LGBM_BoosterLoadModelFromString(byte* modelStr, int* outNumIterations, nint* outHandle);
    [LibraryImport(Lib)] internal static partial int LGBM_BoosterUpdateOneIter(nint handle, int* isFinished);
    [LibraryImport(Lib)] internal static partial int LGBM_BoosterGetCurrentIteration(nint handle, int* outIteration);
    [LibraryImport(Lib)] internal static partial int LGBM_BoosterGetNumClasses(nint handle, int* outLen);
    [LibraryImport(Lib)] internal static partial int LGBM_BoosterGetNumFeature(nint handle, int* outLen);
    [LibraryImport(Lib)] internal static partial int LGBM_BoosterNumModelPerIteration(nint handle, int* outTreePerIteration);

    [LibraryImport(Lib)]
    internal static partial int LGBM_BoosterSaveModelToString(nint handle, int startIteration, int numIteration,
        int featureImportanceType, long bufferLen, long* outLen, byte* outStr);

    [LibraryImport(Lib)]
    internal static partial int LGBM_BoosterPredictForMat(nint handle, void* data, int dataType, int nrow, int ncol, int isRowMajor,
        int predictType, int startIteration, int numIteration, byte* parameter, long* outLen, double* outResult);

    [LibraryImport(Lib)]
    internal static partial int LGBM_BoosterPredictForMatSingleRow(nint handle, void* data, int dataType, int ncol, int isRowMajor,
        int predictType, int startIteration, int numIteration, byte* parameter, long* outLen, double* outResult);

    [LibraryImport(Lib)] internal static partial int LGBM_BoosterFree(nint handle);

    /// <summary>Handles created and not yet freed by this thread (datasets and boosters); for leak tests.</summary>
    [ThreadStatic] private static int t_liveHandles;

    internal static int LiveHandles => t_liveHandles;

    /// <summary>Throws <see cref="LightGbmException"/> with LightGBM's own message when <paramref name="rc"/> is not 0.</summary>
    internal static void Check(int rc, string what)
    {
        if (rc != 0)
            throw new LightGbmException($"LightGBM {what} failed: {LastError()}");
    }

    internal static string LastError()
    {
        string msg = Marshal.PtrToStringUTF8(LGBM_GetLastError()) ?? "unknown error";
        msg = msg.Trim();
        return msg.Length == 0 ? "unknown error" : msg;
    }

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="s"/> (LightGBM reads C strings).</summary>
    internal static byte[] Utf8Z(string s)
    {
        int n = System.Text.Encoding.UTF8.GetByteCount(s);
        var bytes = new byte[n + 1];
        System.Text.Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    internal static nint CreateDataset(float* data, int rows, int cols, string parameters)
    {
        nint handle;
        fixed (byte* p = Utf8Z(parameters))
            Check(LGBM_DatasetCreateFromMat(data, DTypeFloat32, rows, cols, 1, p, 0, &handle), "LGBM_DatasetCreateFromMat");
        t_liveHandles++;
        return handle;
    }

    internal static void SetLabels(nint dataset, ReadOnlySpan<float> labels)
    {
        fixed (float* l = labels)
        fixed (byte* name = "label\0"u8)
            Check(LGBM_DatasetSetField(dataset, name, l, labels.Length, DTypeFloat32), "LGBM_DatasetSetField(label)");
    }

    internal static void FreeDataset(nint handle)
    {
        if (handle == 0) return;
        LGBM_DatasetFree(handle);
        t_liveHandles--;
    }

    internal static nint CreateBooster(nint dataset, string parameters)
    {
        nint handle;
        fixed (byte* p = Utf8Z(parameters))
            Check(LGBM_BoosterCreate(dataset, p, &handle), "LGBM_BoosterCreate");
        t_liveHandles++;
        return handle;
    }

    /// <summary>Loads a model from LightGBM's text format (no NUL needed in <paramref name="model"/>).</summary>
    internal static nint LoadBooster(ReadOnlySpan<byte> model, out int numIterations)
    {
        var z = new byte[model.Length + 1];
        model.CopyTo(z);
        nint handle;
        int iterations;
        fixed (byte* p = z)
            Check(LGBM_BoosterLoadModelFromString(p, &iterations, &handle), "LGBM_BoosterLoadModelFromString");
        t_liveHandles++;
        numIterations = iterations;
        return handle;
    }

    internal static void FreeBooster(nint handle)
    {
        if (handle == 0) return;
        LGBM_BoosterFree(handle);
        t_liveHandles--;
    }

    /// <summary>
    /// One boosting iteration; true when LightGBM reports it cannot split any more (it then drops the useless trees of
    /// that iteration, so further iterations would add nothing).
    /// </summary>
    internal static bool UpdateOneIter(nint booster, int iteration)
    {
        int finished;
        Check(LGBM_BoosterUpdateOneIter(booster, &finished), $"training iteration {iteration + 1}");
        return finished != 0;
    }

    /// <summary>The whole model in LightGBM's text format, without the C string's terminating NUL.</summary>
    internal static byte[] SaveModelToString(nint booster)
    {
        // LightGBM reports the length it needs (including the NUL) and copies nothing when the buffer is too small, so
        // a model larger than the first guess is serialised twice.
        var buffer = new byte[1 << 18];
        long length;
        fixed (byte* b = buffer)
            Check(LGBM_BoosterSaveModelToString(booster, 0, -1, FeatureImportanceSplit, buffer.Length, &length, b), "LGBM_BoosterSaveModelToString");
        if (length < 1 || length > Array.MaxLength)
            throw new LightGbmException($"LightGBM LGBM_BoosterSaveModelToString returned an invalid length {length}");
        if (length > buffer.Length)
        {
            buffer = new byte[length];
            long written;
            fixed (byte* b = buffer)
                Check(LGBM_BoosterSaveModelToString(booster, 0, -1, FeatureImportanceSplit, length, &written, b), "LGBM_BoosterSaveModelToString");
            if (written != length)
                throw new LightGbmException($"LightGBM LGBM_BoosterSaveModelToString changed length from {length} to {written}");
        }
        return buffer.AsSpan(0, (int)length - 1).ToArray();
    }

    /// <summary>LightGBM's table of parameter aliases as JSON ({"canonical": ["canonical", "alias", ...], ...}).</summary>
    internal static string DumpParamAliases()
    {
        long length;
        byte probe;
        Check(LGBM_DumpParamAliases(1, &length, &probe), "LGBM_DumpParamAliases");
        var buffer = new byte[length];
        long written;
        fixed (byte* b = buffer)
            Check(LGBM_DumpParamAliases(length, &written, b), "LGBM_DumpParamAliases");
        return System.Text.Encoding.UTF8.GetString(buffer, 0, (int)Math.Max(0, Math.Min(written, length) - 1));
    }
}

/// <summary>An error reported by lib_lightgbm (bad parameter, bad data), with LightGBM's own message.</summary>
internal sealed class LightGbmException(string message) : EngineException(message, "Check the hyperparameters against LightGBM's documentation.");
