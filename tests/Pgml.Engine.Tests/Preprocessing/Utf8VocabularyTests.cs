using System.Text;
using Pgml.Engine.Preprocessing;
using Xunit;
using Pgml.Engine.Tests.TestData;

namespace Pgml.Engine.Tests.Preprocessing;

public class Utf8VocabularyTests
{
    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void CodesAreDenseInOrderOfFirstAddition()
    {
        var v = new Utf8Vocabulary();
        Assert.Equal(0, v.GetOrAdd(U("red")));
        Assert.Equal(1, v.GetOrAdd(U("blue")));
        Assert.Equal(0, v.GetOrAdd(U("red")));
        Assert.Equal(2, v.GetOrAdd(U("green")));
        Assert.Equal(3, v.Count);
        Assert.Equal("blue", v[1]);
        Assert.Equal(U("green"), v.GetUtf8(2).ToArray());
        Assert.True(v.TryGet(U("green"), out int code));
        Assert.Equal(2, code);
        Assert.False(v.TryGet(U("purple"), out code));
        Assert.Equal(-1, code);
        Assert.Throws<ArgumentOutOfRangeException>(() => v[3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => v.GetUtf8(-1));
    }

    [Fact]
    public void ManyEntriesSurviveGrowth()
    {
        var v = new Utf8Vocabulary(capacity: 0);
        const int n = 200_000;
        for (int i = 0; i < n; i++) Assert.Equal(i, v.GetOrAdd(U($"value-{i}")));
        Assert.Equal(n, v.Count);
        for (int i = 0; i < n; i++)
        {
            Assert.True(v.TryGet(U($"value-{i}"), out int code));
            Assert.Equal(i, code);
        }
        Assert.Equal("value-123456", v[123456]);
        Assert.False(v.TryGet(U($"value-{n}"), out _));
    }

    [Fact]
    public void FullHashCollisionsKeepDistinctCodes()
    {
        // Find two different strings with the same 32-bit FNV-1a hash (birthday bound: ~2^16 tries).
        var byHash = new Dictionary<int, string>();
        string? a = null, b = null;
        for (int i = 0; a == null; i++)
        {
            string s = $"k{i}";
            int h = Utf8Vocabulary.Hash(U(s));
            if (byHash.TryGetValue(h, out var other)) (a, b) = (other, s);
            else byHash.Add(h, s);
        }
        Assert.Equal(Utf8Vocabulary.Hash(U(a)), Utf8Vocabulary.Hash(U(b!)));

        var v = new Utf8Vocabulary();
        Assert.Equal(0, v.GetOrAdd(U(a)));
        Assert.False(v.TryGet(U(b!), out _));
        Assert.Equal(1, v.GetOrAdd(U(b!)));
        Assert.True(v.TryGet(U(a), out int ca));
        Assert.True(v.TryGet(U(b!), out int cb));
        Assert.Equal((0, 1), (ca, cb));
    }

    [Fact]
    public void SameBucketProbesPastOtherEntries()
    {
        // With the initial table of 32 slots, strings whose hashes agree in the low 5 bits share a home slot.
        var groups = Enumerable.Range(0, 5000).Select(i => $"s{i}").GroupBy(s => Utf8Vocabulary.Hash(U(s)) & 31);
        var same = groups.First(g => g.Count() >= 6).Take(6).ToArray();
        var v = new Utf8Vocabulary(capacity: 16);
        for (int i = 0; i < same.Length; i++) Assert.Equal(i, v.GetOrAdd(U(same[i])));
        for (int i = 0; i < same.Length; i++)
        {
            Assert.True(v.TryGet(U(same[i]), out int code));
            Assert.Equal(i, code);
        }
    }

    [Fact]
    public void EmptyStringIsAValue()
    {
        var v = new Utf8Vocabulary();
        Assert.False(v.TryGet([], out _));
        Assert.Equal(0, v.GetOrAdd([]));
        Assert.Equal(1, v.GetOrAdd(U("a")));
        Assert.Equal(0, v.GetOrAdd(ReadOnlySpan<byte>.Empty));
        Assert.True(v.TryGet([], out int code));
        Assert.Equal(0, code);
        Assert.Equal("", v[0]);
        Assert.Equal(0, v.GetUtf8(0).Length);
    }

    [Fact]
    public void NonAsciiAndPrefixesAreDistinct()
    {
        string[] values = ["é", "e\u0301", "日本", "日本語", "🙂", "a", "ab", "a\0", "A"];
        var v = new Utf8Vocabulary();
        for (int i = 0; i < values.Length; i++) Assert.Equal(i, v.GetOrAdd(U(values[i])));
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(values[i], v[i]);
            Assert.True(v.TryGet(U(values[i]), out int code));
            Assert.Equal(i, code);
        }
    }

    [Fact]
    public void TryGetAllocatesNothing()
    {
        var v = new Utf8Vocabulary();
        var keys = Enumerable.Range(0, 1000).Select(i => U($"category {i} é")).ToArray();
        foreach (var k in keys) v.GetOrAdd(k);
        var missing = U("not there");

        int found = 0, rounds = 0;
        Assert.Equal(0, Allocations.Fewest(() =>
        {
            rounds++;
            for (int i = 0; i < keys.Length; i++)
            {
                found += v.TryGet(keys[i], out _) ? 1 : 0;
                found += v.TryGet(missing, out _) ? 0 : 1;
            }
        }));
        Assert.Equal(2 * rounds * keys.Length, found);   // every key found, the missing one never
    }
}
