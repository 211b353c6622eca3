using Pgml.Engine.Data;
using Xunit;

namespace Pgml.Engine.Tests.Data;

/// <summary>
/// The training-memory budget shared by every live matrix. These tests change a process-wide setting, so they run
/// in a collection of their own, never beside other tests that build matrices.
/// </summary>
[Collection(nameof(NativeMatrixBudgetTests))]
[CollectionDefinition(nameof(NativeMatrixBudgetTests), DisableParallelization = true)]
public class NativeMatrixBudgetTests
{
    private static void WithBudget(long bytes, Action test)
    {
        long saved = NativeMatrix.BudgetBytes;
        NativeMatrix.BudgetBytes = NativeMatrix.LiveBytes + bytes;
        try { test(); }
        finally { NativeMatrix.BudgetBytes = saved; }
    }

    [Fact]
    public void GrowthPastTheBudgetIsRefusedAndTheMatrixStaysUsable() => WithBudget(1 << 20, () =>
    {
        using var m = new NativeMatrix(64, 16);   // 4 KB
        var row = new float[64];
        long live = NativeMatrix.LiveBytes;
        var e = Assert.Throws<ResourceLimitException>(() => { for (int r = 0; r < 10_000; r++) m.AppendRow(row); });   // 2.4 MB
        Assert.Contains("MiB allowed", e.Message);
        Assert.True(m.Rows is > 3000 and < 4097, $"{m.Rows} rows fit in 1 MiB of 256-byte rows");
        Assert.True(NativeMatrix.LiveBytes - live <= 1 << 20);
        m.Row(m.Rows - 1)[0] = 5;   // what was appended is intact
    });

    [Fact]
    public void TheBudgetCountsEveryLiveMatrixAndDisposeGivesItBack() => WithBudget(1 << 20, () =>
    {
        var first = new NativeMatrix(1, 200_000);   // 800 KB
        Assert.Throws<ResourceLimitException>(() => new NativeMatrix(1, 100_000));   // 400 KB more
        first.Dispose();
        using var second = new NativeMatrix(1, 100_000);   // fits now
        Assert.True(NativeMatrix.LiveBytes >= 400_000);
    });

    [Fact]
    public void NearTheBudgetAMatrixGrowsToWhatItNeedsInsteadOfDoubling() => WithBudget(1 << 20, () =>
    {
        using var m = new NativeMatrix(1, 150_000);   // 600 KB: doubling would need 1.2 MB
        unsafe
        {
            m.Reserve(150_000);
            m.Commit(150_000);
            m.Reserve(50_000);                        // 800 KB in all: fits when grown to exactly that
        }
        m.Commit(50_000);
        Assert.Equal(200_000, m.Rows);
    });
}
