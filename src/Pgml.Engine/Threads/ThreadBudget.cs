namespace Pgml.Engine.Threads;

/// <summary>
/// The most threads a training may use (pgml.max_threads in the extension): the native libraries' nthread /
/// num_threads default to it and larger values are refused. The extension sets it once per training with
/// <see cref="Use"/>; without that (the engine's own tests, tools) it is the machine's cores. Per thread, so trainings
/// on different threads (parallel tests) each see their own; a backend trains on its main thread only.
/// </summary>
public static class ThreadBudget
{
    [ThreadStatic] private static int t_max;

    /// <summary>The cap of the current training, at least 1.</summary>
    public static int Max => t_max > 0 ? t_max : Math.Max(1, Environment.ProcessorCount);

    /// <summary>The name users set the cap with, for hints.</summary>
    public const string SettingName = "pgml.max_threads";

    /// <summary>Sets the cap until the returned scope is disposed (the previous cap comes back).</summary>
    public static Scope Use(int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        int previous = t_max;
        t_max = max;
        return new Scope(previous);
    }

    public readonly struct Scope : IDisposable
    {
        private readonly int _previous;

        internal Scope(int previous) => _previous = previous;

        public void Dispose() => t_max = _previous;
    }

    /// <summary>
    /// The threads a library should use for <paramref name="given"/> (null: not given; 0 or less: the library's
    /// "all cores", which here means the cap). Refuses more than the cap, naming the key and the setting.
    /// </summary>
    /// <exception cref="InvalidParameterException">More threads than <see cref="Max"/>.</exception>
    public static int Resolve(string library, string key, long? given)
    {
        int max = Max;
        if (given is null || given <= 0) return max;
        if (given > max)
            throw new InvalidParameterException(
                $"{library} hyperparameter \"{key}\" is {given}, more than the {max} threads {SettingName} allows",
                $"Set \"{key}\" to at most {max}, or remove it to use {max}; {SettingName} (at most the machine's cores) is set by an administrator.");
        return (int)given;
    }
}
