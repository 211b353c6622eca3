using System.Reflection;
using System.Runtime.InteropServices;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Interop;

/// <summary>
/// Finds LightGBM's lib_lightgbm.so next to pgml_engine.so (PostgreSQL's $libdir), whatever the backend's working
/// directory. Loaded on first use only: linking it directly would make every backend load it and its libstdc++ and
/// libgomp at its first pgml call (3.3-4.6 ms instead of 0.2 ms), even one that only serves XGBoost models.
/// </summary>
internal static unsafe partial class NativeLibraries
{
    public const string LightGbm = "lib_lightgbm";

    public static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(Engine.Algorithms.IAlgorithm).Assembly, Resolve);   // the engine's assembly

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != LightGbm) return 0;   // the default probing for everything else
        string path = Path.Combine(EngineDirectory(), LightGbm + ".so");
        if (!File.Exists(path))
            throw new PgmlException(SqlState.FeatureNotSupported, $"LightGBM's native library is not installed: {path} is missing",
                "Reinstall pgml (make install copies lib_lightgbm.so next to pgml_engine.so), or train with xgboost meanwhile.");
        return NativeLibrary.Load(path);
    }

    /// <summary>The directory pgml_engine.so was loaded from, asked of the dynamic linker with an address inside it.</summary>
    private static string EngineDirectory()
    {
        DlInfo info;
        delegate* unmanaged<PgmlCallbacks*, int> anyExport = &Exports.Init;
        if (Dladdr(anyExport, &info) == 0 || info.FileName == null)
            throw new PgmlException(SqlState.ExternalRoutineException, "cannot tell where pgml_engine.so was loaded from (dladdr failed)",
                "Reinstall pgml.");
        return Path.GetDirectoryName(Marshal.PtrToStringUTF8((nint)info.FileName)) ?? ".";
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct DlInfo
    {
        public byte* FileName;
        public void* FileBase;
        public byte* SymbolName;
        public void* SymbolAddress;
    }

    [LibraryImport("libc", EntryPoint = "dladdr")]
    private static partial int Dladdr(void* address, DlInfo* info);
}
