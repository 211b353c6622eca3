using System.Runtime.InteropServices;

namespace Pgml.Bench;

/// <summary>
/// The libxgboost calls the benchmark needs beyond Pgml.Engine's public API: training (Booster.Create is internal to
/// the engine) and a prediction call that takes pre-encoded UTF-8 strings, so nothing is marshalled per call.
/// </summary>
internal static unsafe partial class BenchNative
{
    private const string Lib = "libxgboost.so.0";

    [LibraryImport(Lib)] internal static partial nint XGBGetLastError();
    [LibraryImport(Lib)] internal static partial int XGDMatrixCreateFromMat(float* data, ulong nrow, ulong ncol, float missing, nint* handle);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int XGDMatrixSetFloatInfo(nint handle, string field, float* array, ulong len);
    [LibraryImport(Lib)] internal static partial int XGDMatrixFree(nint handle);
    [LibraryImport(Lib)] internal static partial int XGBoosterCreate(nint* dmats, ulong len, nint* booster);
    [LibraryImport(Lib)] internal static partial int XGBoosterFree(nint booster);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int XGBoosterSetParam(nint booster, string name, string value);
    [LibraryImport(Lib)] internal static partial int XGBoosterUpdateOneIter(nint booster, int iter, nint dtrain);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int XGBoosterSaveModelToBuffer(nint booster, string config, ulong* outLen, byte** outBuf);
    [LibraryImport(Lib)] internal static partial int XGBoosterLoadModelFromBuffer(nint booster, void* buf, ulong len);
    [LibraryImport(Lib)] internal static partial int XGBoosterPredictFromDense(nint booster, byte* values, byte* config, nint proxy, ulong** outShape, ulong* outDim, float** outResult);

    internal static void Check(int rc, string what)
    {
        if (rc != 0) throw new InvalidOperationException($"{what}: {Marshal.PtrToStringUTF8(XGBGetLastError())}");
    }
}
