using Pgml.Engine.Data;
using Xunit;

namespace Pgml.Engine.Tests.Data;

public class NativeListTests
{
    [Fact]
    public void Grows_past_its_capacity_keeping_every_value()
    {
        using var list = new NativeList<long>(2);
        for (long i = 0; i < 100_000; i++) list.Add(i * 3);
        list.AddRange([-1, -2]);
        var tail = list.Append(2);
        tail[0] = 7; tail[1] = 8;
        list.TrimExcess();
        Assert.Equal(100_004, list.Count);
        Assert.Equal(99_999 * 3, list[99_999]);
        Assert.Equal([-1L, -2, 7, 8], list.AsSpan()[^4..].ToArray());
        list[0] = 42;
        Assert.Equal(42, list.AsSpan()[0]);
    }

    [Fact]
    public void Indexes_outside_the_values_and_use_after_dispose_are_refused()
    {
        var list = new NativeList<int>([1, 2, 3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[-1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list.Append(-1));
        list.Dispose();
        list.Dispose();   // twice is harmless
        Assert.Throws<ObjectDisposedException>(() => list.Add(4));
    }
}
