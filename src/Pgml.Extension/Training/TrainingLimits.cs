using Pgml.Engine.Data;
using Pgml.Engine.Threads;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Training;

/// <summary>
/// The shim's resource settings (GUCs defined in _PG_init, with their ranges), read once per training in one query:
/// pgml.max_threads caps the threads (ThreadBudget), pgml.max_training_memory the native matrices (NativeMatrix).
/// </summary>
internal static class TrainingLimits
{
    public const string MemorySetting = "pgml.max_training_memory";

    /// <summary>Applies both limits to the training that follows, until the scope is disposed.</summary>
    public static Scope Apply()
    {
        Spi.Query("SELECT current_setting('" + ThreadBudget.SettingName + "')::int8, " +
                  "(SELECT setting::int8 FROM pg_settings WHERE name = '" + MemorySetting + "')", 1);
        long threads = Spi.Int64(0, 1)!.Value;
        long memoryMb = Spi.Int64(0, 2) ?? long.MaxValue >> 20;   // not defined (a pgml.so without it): unlimited
        var scope = new Scope(ThreadBudget.Use(checked((int)threads)), NativeMatrix.BudgetBytes);
        NativeMatrix.BudgetBytes = memoryMb << 20;
        return scope;
    }

    public readonly struct Scope(ThreadBudget.Scope threads, long previousBudget) : IDisposable
    {
        public void Dispose()
        {
            threads.Dispose();
            NativeMatrix.BudgetBytes = previousBudget;
        }
    }
}
