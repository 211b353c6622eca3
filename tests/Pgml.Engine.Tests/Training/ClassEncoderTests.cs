using Pgml.Engine.Data;
using Pgml.Engine.Preprocessing;
using Pgml.Engine.Training;
using Xunit;

namespace Pgml.Engine.Tests.Training;

public class ClassEncoderTests
{
    private static NativeMatrix Labels(params float[] values)
    {
        var y = new NativeMatrix(1, values.Length);
        foreach (var v in values) y.AppendRow([v]);
        return y;
    }

    private static float[] Column(NativeMatrix y) => Enumerable.Range(0, (int)y.Rows).Select(r => y[r, 0]).ToArray();

    [Fact]
    public void NumbersBecomeIndicesInValueOrder()
    {
        using var y = Labels(7, -2, 7, 3, -2);
        var e = ClassEncoder.Encode(y, null, "label");
        Assert.Equal([-2.0, 3.0, 7.0], e.Classes);
        Assert.Null(e.Labels);
        Assert.Equal([2f, 0f, 2f, 1f, 0f], Column(y));
    }

    [Fact]
    public void TextBecomesIndicesInUtf8Order()
    {
        var vocabulary = new Utf8Vocabulary();
        // codes in order of first appearance: "b" 0, "a" 1, "é" 2, "B" 3
        int b = vocabulary.GetOrAdd("b"u8), a = vocabulary.GetOrAdd("a"u8), e = vocabulary.GetOrAdd("é"u8), upperB = vocabulary.GetOrAdd("B"u8);
        using var y = Labels(b, a, e, upperB, a);
        var encoding = ClassEncoder.Encode(y, vocabulary, "species");
        Assert.Equal(["B", "a", "b", "é"], encoding.Labels!);   // ordinal by bytes: 'B' < 'a' < 'b' < 0xC3 0xA9
        Assert.Equal([0.0, 1.0, 2.0, 3.0], encoding.Classes);
        Assert.Equal([2f, 1f, 3f, 0f, 1f], Column(y));
    }

    [Fact]
    public void SameLabelsAlwaysGiveSameIndices()
    {
        using var first = Labels(5, 1, 3);
        using var second = Labels(3, 3, 1, 5);
        Assert.Equal(ClassEncoder.Encode(first, null, "y").Classes, ClassEncoder.Encode(second, null, "y").Classes);
    }

    [Theory]
    [InlineData(16_777_216f)]
    [InlineData(-16_777_216f)]
    [InlineData(1e30f)]
    public void LabelsBeyondFloat32IntegersAreRefused(float big)
    {
        using var y = Labels(0, big, 1);
        var e = Assert.Throws<ValueOutOfRangeException>(() => ClassEncoder.Encode(y, null, "id"));
        Assert.Contains("\"id\"", e.Message);
        Assert.Contains("16,777,216", e.Message);
        Assert.Contains("dense_rank()", e.Hint);
    }

    [Fact]
    public void LargestExactIntegerIsAccepted()
    {
        using var y = Labels(16_777_215f, 0);
        Assert.Equal([0.0, 16_777_215.0], ClassEncoder.Encode(y, null, "y").Classes);
    }

    [Fact]
    public void SingleClassIsRefused()
    {
        using var y = Labels(4, 4, 4);
        var e = Assert.Throws<InvalidDataException>(() => ClassEncoder.Encode(y, null, "label"));
        Assert.Equal("the label column \"label\" has a single value (4); classification needs at least two classes", e.Message);

        var vocabulary = new Utf8Vocabulary();
        using var text = Labels(vocabulary.GetOrAdd("yes"u8), vocabulary.GetOrAdd("yes"u8));
        e = Assert.Throws<InvalidDataException>(() => ClassEncoder.Encode(text, vocabulary, "answer"));
        Assert.Contains("single value (yes)", e.Message);
    }
}
