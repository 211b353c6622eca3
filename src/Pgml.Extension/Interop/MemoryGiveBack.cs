using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Pgml.Extension.Interop;

/// <summary>
/// Gives a backend's memory back to the system at the end of every training statement, whether it succeeded or
/// failed. A training run churns through far more managed and native memory than the backend needs afterwards, and
/// both allocators keep what was freed: the GC keeps its regions committed for the next allocation (130 MiB after a
/// 1M-row training, up to the 512 MB cap after an overflow), and glibc keeps freed heap and arena pages (its mmap
/// threshold grows after the first large free, so later large blocks come from the heap, which is only trimmed at its
/// top). A backend lives for a whole connection and is idle most of it, so each one would hold that memory,
/// times max_connections. Never called on the predict path.
/// </summary>
internal static partial class MemoryGiveBack
{
    /// <summary>Off only for measuring what it saves (bench/memory): PGML_MEMORY_GIVE_BACK=off in the server's environment.</summary>
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("PGML_MEMORY_GIVE_BACK") != "off";

    /// <summary>How many times it ran in this backend, and what the last one cost (pgml._runtime_info()).</summary>
    public static long Count { get; private set; }
    public static double LastGcMilliseconds { get; private set; }
    public static double LastTrimMilliseconds { get; private set; }

    /// <summary>Touches no PostgreSQL state, so it may run while an error is pending (the export's error path).</summary>
    public static void Now()
    {
        if (!Enabled) return;
        var watch = Stopwatch.StartNew();
        // a full blocking compacting collection that also decommits every free region (Aggressive), rather than
        // keeping them for the next allocation
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        LastGcMilliseconds = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        // returns the free pages of every malloc arena (the main heap and the ones OpenMP's threads used), not only
        // the top of the main heap as free() does on its own
        MallocTrim(0);
        LastTrimMilliseconds = watch.Elapsed.TotalMilliseconds;
        Count++;
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
