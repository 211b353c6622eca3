namespace Pgml.Engine.Tests.TestData;

/// <summary>
/// Managed bytes a piece of code allocates on this thread, for the zero-allocation tests of the hot paths. The code
/// runs once to warm up, then in several rounds, and the fewest bytes of a round count: a tiered-JIT tier-up or an
/// on-stack replacement installed mid-round (late, on a loaded machine) can allocate once, while an allocation in
/// the code itself shows in every round.
/// </summary>
internal static class Allocations
{
    public static long Fewest(Action round, int rounds = 5)
    {
        round();
        long fewest = long.MaxValue;
        for (int i = 0; i < rounds && fewest != 0; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            round();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewest;
    }
}
