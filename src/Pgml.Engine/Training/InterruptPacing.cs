using System.Diagnostics;

namespace Pgml.Engine.Training;

/// <summary>
/// Paces interrupt checks by the work done, not by a count of loop turns whose cost depends on the input: a loop adds
/// the multiply-adds of each turn (features x clusters, a row of the Gram matrix, ...) and the check runs once about
/// <see cref="WorkPerCheck"/> have been done since the last one. A check is two signal-mask syscalls in the shim, so
/// it cannot run on every turn of a cheap loop; a stride of turns is unbounded when one turn costs features x rows.
/// </summary>
internal sealed class WorkMeter(Action check)
{
    /// <summary>About 10-30 ms of scalar multiply-adds on this machine's cores (2^24).</summary>
    public const long WorkPerCheck = 1L << 24;

    private long _work;

    /// <summary>Counts <paramref name="units"/> of work and checks for interrupts when enough has accumulated.</summary>
    public void Add(long units)
    {
        _work += units;
        if (_work < WorkPerCheck) return;
        _work = 0;
        check();
    }
}

/// <summary>
/// Paces interrupt checks by the clock, for loops whose turns cost an amount the loop cannot know (a prediction of a
/// model it did not build: k nearest neighbours over every training row, a kernel over every support vector, ten
/// thousand trees). Reading the monotonic clock costs tens of nanoseconds, far below one such turn.
/// </summary>
internal sealed class InterruptClock(Action check)
{
    /// <summary>The longest stretch between two checks: a small part of the one second a cancel may take.</summary>
    public static readonly long Interval = Stopwatch.Frequency / 50;   // 20 ms

    private long _next = Stopwatch.GetTimestamp() + Interval;

    /// <summary>Checks for interrupts when <see cref="Interval"/> has passed since the last check.</summary>
    public void Tick()
    {
        long now = Stopwatch.GetTimestamp();
        if (now < _next) return;
        _next = now + Interval;
        check();
    }
}
