using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Pgml.Extension.Interop;
using Pgml.Extension.Prediction;

namespace Pgml.Extension.Api;

internal static class Info
{
    /// <summary>The release, from the repository's VERSION file through the assembly's informational version (the
    /// same file gives the control file its default_version).</summary>
    public static readonly string ExtensionVersion =
        typeof(Info).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static string Version() =>
        $"{ExtensionVersion} (xgboost {Engine.XGBoost.XGBoostInfo.Version}, {RuntimeInformation.FrameworkDescription}, NativeAOT)";

    /// <summary>Figures about this backend's runtime, for tests and for operators (JSON).</summary>
    public static string RuntimeInfo()
    {
        var gc = GC.GetGCMemoryInfo();
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"allocated_bytes\": {GC.GetAllocatedBytesForCurrentThread()}, \"heap_bytes\": {GC.GetTotalMemory(false)}, " +
            $"\"committed_bytes\": {gc.TotalCommittedBytes}, \"gen0_collections\": {GC.CollectionCount(0)}, " +
            $"\"gen2_collections\": {GC.CollectionCount(2)}, \"cached_models\": {ModelCache.Count}, " +
            $"\"give_back\": {(MemoryGiveBack.Enabled ? "true" : "false")}, \"give_backs\": {MemoryGiveBack.Count}, " +
            $"\"last_give_back_gc_ms\": {MemoryGiveBack.LastGcMilliseconds:F3}, \"last_give_back_trim_ms\": {MemoryGiveBack.LastTrimMilliseconds:F3}, " +
            $"\"model_loads\": {ModelCache.Loads}, \"last_model_load_ms\": {ModelCache.LastLoadMilliseconds:F3}, \"last_model_parse_ms\": {ModelCache.LastParseMilliseconds:F3}, \"framework\": \"{RuntimeInformation.FrameworkDescription}\"}}");
    }
}
