using System.Runtime.InteropServices;

namespace Pgml.Engine.Threads;

/// <summary>
/// libgomp, the OpenMP runtime libxgboost and lib_lightgbm share. It keeps a pool of worker threads for the thread
/// that started a parallel region, for the life of that thread: a backend that trained once with 8 threads would keep 7
/// idle threads until it disconnects. <see cref="ReleaseThreads"/> ends them after a training.
/// </summary>
internal static partial class OpenMp
{
    // OpenMP 5.0's omp_pause_soft: release the threads (and other resources) the runtime may recreate on next use.
    private const int PauseSoft = 1;

    // libgomp.so.1 is loaded already when this is called: it is a dependency of both libraries, which ran before.
    [LibraryImport("libgomp.so.1", EntryPoint = "omp_pause_resource_all")]
    private static partial int omp_pause_resource_all(int kind);

    /// <summary>
    /// Ends the calling thread's pool of OpenMP workers (libgomp's omp_pause_resource_all: the workers exit; the next
    /// parallel region creates new ones). Call after a library's training on the thread that ran it, outside any
    /// parallel region. Best effort: a refusal (inside a parallel region) leaves the pool as it was.
    /// </summary>
    public static void ReleaseThreads() => _ = omp_pause_resource_all(PauseSoft);
}
