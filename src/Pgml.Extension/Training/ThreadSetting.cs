using Pgml.Engine.Threads;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Training;

/// <summary>pgml.max_threads, the shim's setting (a GUC defined in _PG_init), read once per training.</summary>
internal static class ThreadSetting
{
    /// <summary>
    /// Caps the threads of the training that follows at pgml.max_threads until the scope is disposed. The shim defines
    /// the setting with its range (1 .. the online CPUs), so the value is always valid.
    /// </summary>
    public static ThreadBudget.Scope Apply()
    {
        Spi.Query("SELECT current_setting('" + ThreadBudget.SettingName + "')::int8", 1);
        return ThreadBudget.Use(checked((int)Spi.Int64(0, 1)!.Value));
    }
}
