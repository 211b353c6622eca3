using Pgml.Engine.Algorithms;
using Xunit;

namespace Pgml.Engine.Tests.Algorithms;

public class ModelBinaryTests
{
    private static byte[] Sample() => new ModelWriter("test", 3).Int32(7).Double(0.25).Floats([1f, 2f]).String("é").ToBytes();

    [Fact]
    public void Round_trip()
    {
        var r = ModelReader.Open(Sample());
        Assert.Equal("test", r.Format);
        Assert.Equal(3u, r.Version);
        Assert.Equal(7, r.Int32());
        Assert.Equal(0.25, r.Double());
        Assert.Equal([1f, 2f], r.Floats(2, "values"));
        Assert.Equal("é", r.String());
        r.End();
    }

    [Fact]
    public void Arrays_filled_in_place_and_native_bytes_equal_the_managed_ones()
    {
        var w = new ModelWriter("test", 3).Int32(7);
        var ints = w.Array<int>(3);
        ints[0] = 1; ints[1] = -2; ints[2] = int.MaxValue;
        w.Floats(Enumerable.Range(0, 100_000).Select(i => i * 0.5f).ToArray());   // grows (moves) the buffer
        using var native = w.ToNative();
        var copy = new ModelWriter("test", 3).Int32(7).Ints([1, -2, int.MaxValue])
            .Floats(Enumerable.Range(0, 100_000).Select(i => i * 0.5f).ToArray()).ToBytes();
        Assert.Equal(copy, native.AsSpan().ToArray());
        var r = ModelReader.Open(native.AsSpan());
        Assert.Equal(7, r.Int32());
        Assert.Equal([1, -2, int.MaxValue], r.Values<int>(3, "ints").ToArray());
        Assert.Equal(49_999.5f, r.Values<float>()[^1]);
        r.End();
        Assert.Throws<InvalidOperationException>(() => w.Int32(1));   // the bytes were handed over
    }

    [Fact]
    public void Every_truncation_and_every_flipped_byte_is_refused()
    {
        var bytes = Sample();
        for (int n = 0; n < bytes.Length; n++)
            Assert.Throws<ModelFormatException>(() => ModelReader.Open(bytes.AsSpan(0, n)));
        for (int i = 0; i < bytes.Length; i++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[i] ^= 1;
            Assert.Throws<ModelFormatException>(() => ModelReader.Open(damaged));
        }
    }

    [Fact]
    public void Reading_past_the_payload_is_a_format_error()
    {
        var bytes = new ModelWriter("test", 1).Int32(1_000_000).ToBytes();
        Assert.Throws<ModelFormatException>(() => { var r = ModelReader.Open(bytes); r.Floats(); });
        Assert.Throws<ModelFormatException>(() => { var r = ModelReader.Open(bytes); r.End(); });
    }

    [Fact]
    public void Unknown_format_and_newer_version_are_refused_with_a_hint()
    {
        var unknown = Assert.Throws<ModelFormatException>(() => ModelFormats.Load(new ModelWriter("nosuch", 1).Int32(1).ToBytes(), TaskKind.Regression));
        Assert.Contains("\"nosuch\" is unknown", unknown.Message);
        Assert.Contains("Upgrade pgml", unknown.Hint);
        var newer = Assert.Throws<ModelFormatException>(() => ModelFormats.Load(new ModelWriter("lightgbm", 99).Int32(0).String("x").ToBytes(), TaskKind.Regression));
        Assert.Contains("version 99", newer.Message);
        Assert.Throws<ModelFormatException>(() => ModelFormats.Load(new ModelWriter("lightgbm", 1).Int32(0).String("x").Int32(5).ToBytes(), TaskKind.Regression));
    }
}
