using System.Runtime.InteropServices;

namespace Pgml.Engine.XGBoost;

/// <summary>
/// P/Invoke into Debian's libxgboost (1.7.x C API, c_api.h). Imported by soname so the loader finds the system
/// library without depending on the working directory. Every call returns 0 on success; use <see cref="Check"/>.
/// </summary>
internal static unsafe partial class XGBoostNative
{
    private const string Lib = "libxgboost.so.0";

    [LibraryImport(Lib)] internal static partial void XGBoostVersion(int* major, int* minor, int* patch);
    [LibraryImport(Lib)] internal static partial nint XGBGetLastError();
    [LibraryImport(Lib)] internal static partial int XGDMatrixCreateFromMat(float* data, ulong nrow, ulong ncol, float missing, nint* handle);
    [LibraryImport(Lib)] internal static partial int XGDMatrixCreateFromMat_omp(float* data, ulong nrow, ulong ncol, float missing, nint* handle, int nthread);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int XGDMatrixSetFloatInfo(nint handle, string field, float* array, ulong len);
    [LibraryImport(Lib)] internal static partial int XGDMatrixFree(nint handle);
    // A new DMatrix holding copies of the rows listed in idxset (labels included); used for cross-validation folds.
    [LibraryImport(Lib)] internal static partial int XGDMatrixSliceDMatrix(nint handle, int* idxset, ulong len, nint* outHandle);
    [LibraryImport(Lib)] internal static partial int XGDMatrixNumRow(nint handle, ulong* outRows);
    [LibraryImport(Lib)] internal static partial int XGBoosterCreate(nint* dmats, ulong len, nint* booster);
    [LibraryImport(Lib)] internal static partial int XGBoosterFree(nint booster);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int XGBoosterSetParam(nint booster, string name, string value);
    [LibraryImport(Lib)] internal static partial int XGBoosterUpdateOneIter(nint booster, int iter, nint dtrain);
    [LibraryImport(Lib)] internal static partial int XGBoosterPredict(nint booster, nint dmat, int optionMask, uint ntreeLimit, int training, ulong* outLen, float** outResult);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int XGBoosterPredictFromDense(nint booster, string values, string config, nint proxy, ulong** outShape, ulong* outDim, float** outResult);
    // The same call with pre-encoded UTF-8 strings, so a caller that builds them once marshals nothing per call.
    [LibraryImport(Lib, EntryPoint = "XGBoosterPredictFromDense")] internal static partial int XGBoosterPredictFromDenseUtf8(nint booster, byte* values, byte* config, nint proxy, ulong** outShape, ulong* outDim, float** outResult);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int XGBoosterSaveModelToBuffer(nint booster, string config, ulong* outLen, byte** outBuf);
    [LibraryImport(Lib)] internal static partial int XGBoosterLoadModelFromBuffer(nint booster, void* buf, ulong len);

    /// <summary>Throws <see cref="XGBoostException"/> with XGBoost's own message when <paramref name="rc"/> is not 0.</summary>
    internal static void Check(int rc, string what)
    {
        if (rc != 0)
            throw new XGBoostException($"XGBoost {what} failed: {LastError()}");
    }

    internal static string LastError()
    {
        string msg = Marshal.PtrToStringUTF8(XGBGetLastError()) ?? "unknown error";
        // XGBoost appends a native stack trace after the first line; users need only the message.
        int cut = msg.IndexOf("\nStack trace:", StringComparison.Ordinal);
        return (cut >= 0 ? msg[..cut] : msg).Trim();
    }

    internal static string Version()
    {
        int major, minor, patch;
        XGBoostVersion(&major, &minor, &patch);
        return $"{major}.{minor}.{patch}";
    }
}

/// <summary>An error reported by libxgboost (bad parameter, bad data).</summary>
internal sealed class XGBoostException(string message) : EngineException(message, "Check the hyperparameters against XGBoost's documentation.");
