using Pgml.Engine.Preprocessing;
using Xunit;

namespace Pgml.Engine.Tests.Preprocessing;

public class PipelineFitterTests
{
    private const float N = float.NaN;

    // Train rows 0..8: 2, 4, 4, 4, 5, 5, 7, 9 and a NULL. Mean 5, population std 2, median 4.5, mode 4,
    // p25 = 4 (h = 1.75 between 4 and 4), p75 = 5.5 (h = 5.25 between 5 and 7). Test rows 9..10 must not count.
    private static readonly float[] X = [2, 4, 4, N, 4, 5, 5, 7, 9, /* test */ 100, -50];
    private const int XTrain = 9;

    private static TestTable XTable() => new(("x", X));

    [Fact]
    public void NumericStatisticsByHand()
    {
        using var t = XTable();
        var s = t.Fit(null, XTrain).Statistics[0];
        Assert.Equal(8, s.Count);
        Assert.Equal(1, s.Missing);
        Assert.Equal(5, s.Distinct);
        Assert.Equal(2, s.Min);
        Assert.Equal(9, s.Max);
        Assert.Equal(9, s.MaxAbs);
        Assert.Equal(5, s.Mean, 12);
        Assert.Equal(2, s.StdDev, 12);
        Assert.Equal(4.5, s.Median);
        Assert.Equal(4, s.Mode);
        Assert.Equal(4, s.P25);
        Assert.Equal(5.5, s.P75);
    }

    [Fact]
    public void MaxAbsUsesTheNegativeSide()
    {
        using var t = new TestTable(("x", new float[] { -10, 3, 1 }));
        var s = t.Fit(null, 3).Statistics[0];
        Assert.Equal(10, s.MaxAbs);
        Assert.Equal(1, s.Median);
        Assert.Equal(-10, s.Mode); // all equally frequent: the smallest
        Assert.Equal(-4.5, s.P25); // h = 0.5 between -10 and 1
    }

    [Theory]
    [InlineData("standard", 7f, 1f)]                 // (7 - 5) / 2
    [InlineData("standard", 2f, -1.5f)]
    [InlineData("min_max", 7f, 5f / 7f)]             // (7 - 2) / (9 - 2)
    [InlineData("min_max", 9f, 1f)]
    [InlineData("max_abs", 7f, 7f / 9f)]
    [InlineData("robust", 7f, 2.5f / 1.5f)]          // (7 - 4.5) / (5.5 - 4)
    [InlineData("robust", 4f, -0.5f / 1.5f)]
    [InlineData("preserve", 7f, 7f)]
    [InlineData("standard", 100f, 47.5f)]            // a test value is scaled with train statistics
    public void Scalers(string scale, float input, float expected)
    {
        using var t = XTable();
        var p = t.Fit($$$"""{"x": {"scale": "{{{scale}}}"}}""", XTrain);
        var output = new float[1];
        p.Transform([input], output);
        Assert.Equal(expected, output[0], 6);
        p.Transform([N], output);
        Assert.True(float.IsNaN(output[0])); // impute none: missing stays missing through scaling
    }

    [Theory]
    [InlineData("mean", 5f)]
    [InlineData("median", 4.5f)]
    [InlineData("mode", 4f)]
    [InlineData("min", 2f)]
    [InlineData("max", 9f)]
    [InlineData("zero", 0f)]
    public void Imputers(string impute, float expected)
    {
        using var t = XTable();
        var p = t.Fit($$$"""{"x": {"impute": "{{{impute}}}"}}""", XTrain);
        // Only the NULL (row 3) changes, train and test rows alike.
        Assert.Equal(X.Select(v => float.IsNaN(v) ? expected : v), t.Column(p, 0, 0, X.Length));
        var output = new float[1];
        p.Transform([N], output);
        Assert.Equal(expected, output[0]);
        Assert.False(p.IsIdentity);
    }

    [Fact]
    public void ImputeThenScale()
    {
        using var t = XTable();
        var p = t.Fit("""{"x": {"impute": "max", "scale": "standard"}}""", XTrain);
        var output = new float[1];
        p.Transform([N], output);
        Assert.Equal(2f, output[0], 6); // max 9 -> (9 - 5) / 2
    }

    [Fact]
    public void DefaultIsIdentityAndKeepsNaN()
    {
        using var t = XTable();
        var p = t.Fit(null, XTrain);
        Assert.True(p.IsIdentity);
        Assert.False(p.HasCategorical);
        Assert.Equal(1, p.OutputWidth);
        var col = t.Column(p, 0, 0, X.Length);
        for (int i = 0; i < X.Length; i++) Assert.Equal(BitConverter.SingleToInt32Bits(X[i]), BitConverter.SingleToInt32Bits(col[i]));
    }

    [Fact]
    public void ImputeErrorRejectsMissingTrainingValues()
    {
        using var t = XTable();
        var e = Assert.Throws<InvalidDataException>(() => t.Fit("""{"x": {"impute": "error"}}""", XTrain));
        Assert.Contains("1 missing values for column \"x\"", e.Message);
        Assert.Contains("impute", e.Hint);
        Assert.Contains("\"x\": {\"impute\": \"mean\"}", e.Hint);

        // Without missing training values it fits, and Transform rejects a missing value by column name.
        var p = t.Fit("""{"x": {"impute": "error"}}""", 3);
        var output = new float[1];
        p.Transform([1], output);
        var missing = Assert.Throws<InvalidDataException>(() => p.Transform([N], output));
        Assert.Contains("x", missing.Message);
        Assert.Contains("impute", missing.Hint);
        Assert.Throws<InvalidDataException>(() => t.Transform(p, 0, 5));
    }

    [Fact]
    public void ZeroVarianceCentresWithoutDividing()
    {
        using var t = new TestTable(("c", new float[] { 3, 3, 3, 5 }), ("z", new float[] { 0, 0, 0, -2 }));
        foreach (var scale in new[] { "standard", "min_max", "robust" })
        {
            var p = t.Fit($$$"""{"c": {"scale": "{{{scale}}}"}}""", 3);
            Assert.Equal([0f, 0f, 0f, 2f], t.Column(p, 0, 0, 4)); // train values -> 0, others keep their distance
        }
        var m = t.Fit("""{"z": {"scale": "max_abs"}}""", 3);
        Assert.Equal([0f, 0f, 0f, -2f], t.Column(m, 1, 0, 4));
    }

    [Fact]
    public void StatisticsComeFromTrainingRowsOnly()
    {
        float[] a = [1, 5, 2, 8, /* test */ 1000, -1000, N];
        float[] b = [1, 5, 2, 8, /* test */ 0, 0, 3];
        string?[] ca = ["x", "y", "x", null, "unseen", "x", "y"];
        string?[] cb = ["x", "y", "x", null, "x", "other", null];
        const string spec = """{"n": {"scale": "robust", "impute": "mean"}, "c": {"encode": "one_hot", "impute": "mode"}, "t": {"encode": "target"}}""";
        float[] labels = [1, 2, 3, 4];
        using var ta = new TestTable(("n", a), ("c", ca), ("t", ca));
        using var tb = new TestTable(("n", b), ("c", cb), ("t", cb));
        var pa = ta.Fit(spec, 4, labels);
        var pb = tb.Fit(spec, 4, labels);
        Assert.Equal(pa.ToJson(), pb.ToJson());
        Assert.Equal(4, pa.Statistics[0].Count);
        Assert.Equal(2, pa.GetCategories(1).Count);
    }

    [Fact]
    public void CategoriesAreSortedByUtf8AndUnseenIsMissing()
    {
        string?[] color = ["red", "blue", "red", null, "green", "red", /* test */ "purple", "blue", "Red"];
        using var t = new TestTable(("color", color));
        var p = t.Fit(null, 6);
        Assert.True(p.HasCategorical);
        Assert.False(p.IsIdentity);
        Assert.Equal(["blue", "green", "red"], p.GetCategories(0).Select(c => c.Name));
        Assert.Equal([1L, 1L, 3L], p.GetCategories(0).Select(c => c.Members));
        var col = t.Column(p, 0, 0, 9);
        Assert.Equal([2f, 0f, 2f, N, 1f, 2f, N, 0f, N], col);

        // Reader codes: red 0, blue 1, green 2, purple 3, Red 4.
        Assert.Equal([2f, 0f, 1f, N, N], p.CodeToCategory(0).ToArray());
        Assert.Equal(2f, p.EncodeText(0, TestTable.Utf8("red")));
        Assert.True(float.IsNaN(p.EncodeText(0, TestTable.Utf8("purple"))));
        Assert.True(float.IsNaN(p.EncodeText(0, TestTable.Utf8(""))));

        var s = p.Statistics[0];
        Assert.Equal(5, s.Count);
        Assert.Equal(1, s.Missing);
        Assert.Equal(2, s.Mode);      // red
        Assert.Equal(2, s.Median);    // ids 0 1 2 2 2
        Assert.Equal(3, s.Distinct);
    }

    [Fact]
    public void CategoryOrderDoesNotDependOnRowOrder()
    {
        using var a = new TestTable(("c", new string?[] { "b", "a", "é", "Z", "c" }));
        using var b = new TestTable(("c", new string?[] { "é", "c", "Z", "b", "a" }));
        string[] expected = ["Z", "a", "b", "c", "é"];
        Assert.Equal(expected, a.Fit(null, 5).GetCategories(0).Select(c => c.Name));
        Assert.Equal(a.Fit(null, 5).ToJson(), b.Fit(null, 5).ToJson());
    }

    [Fact]
    public void ModeImputesTheMostFrequentCategory()
    {
        using var t = new TestTable(("color", new string?[] { "red", "blue", "red", null, "purple" }));
        var p = t.Fit("""{"color": {"impute": "mode"}}""", 4);
        Assert.Equal([1f, 0f, 1f, 1f, 1f], t.Column(p, 0, 0, 5)); // NULL and unseen purple -> red
    }

    [Fact]
    public void OneHotWidthsPositionsAndNames()
    {
        string?[] color = ["red", "blue", "red", null, "green", /* test */ "purple"];
        using var t = new TestTable(("a", new float[] { 1, 2, 3, 4, 5, 6 }), ("color", color), ("b", new float[] { 7, 8, 9, 10, 11, 12 }));
        var p = t.Fit("""{"color": {"encode": "one_hot"}}""", 5);
        Assert.Equal(3, p.InputWidth);
        Assert.Equal(5, p.OutputWidth);
        Assert.Equal(["a", "color=blue", "color=green", "color=red", "b"], p.OutputNames);
        Assert.Equal([0, 1, 4], Enumerable.Range(0, 3).Select(p.OutputOffset));
        var rows = t.Transform(p, 0, 6);
        Assert.Equal([1f, 0, 0, 1, 7], rows[0]);
        Assert.Equal([2f, 1, 0, 0, 8], rows[1]);
        Assert.Equal([4f, 0, 0, 0, 10], rows[3]); // NULL: no category
        Assert.Equal([5f, 0, 1, 0, 11], rows[4]);
        Assert.Equal([6f, 0, 0, 0, 12], rows[5]); // unseen: no category

        var imputed = t.Fit("""{"color": {"encode": "one_hot", "impute": "mode"}}""", 5);
        Assert.Equal([4f, 0, 0, 1, 10], t.Transform(imputed, 3, 1)[0]);
    }

    [Fact]
    public void TargetEncodingIsTheMeanLabelPerCategory()
    {
        string?[] color = ["red", "blue", "red", null, "green", "red", /* test */ "purple", "blue"];
        float[] labels = [3, 1, 5, 7, 2, 4];
        using var t = new TestTable(("color", color));
        var p = t.Fit("""{"color": {"encode": "target"}}""", 6, labels);
        Assert.Equal([1.0, 2.0, 4.0], p.GetCategories(0).Select(c => c.Value)); // blue 1, green 2, red (3+5+4)/3
        Assert.Equal([4f, 1f, 4f, N, 2f, 4f, N, 1f], t.Column(p, 0, 0, 8));

        // Statistics are over the encoded training values 4 1 4 2 4.
        var s = p.Statistics[0];
        Assert.Equal(3, s.Mean, 12);
        Assert.Equal(4, s.Median);
        Assert.Equal(4, s.Mode);
        Assert.Equal(1, s.Min);
        Assert.Equal(1, s.Missing);

        var imputed = t.Fit("""{"color": {"encode": "target", "impute": "mean", "scale": "max_abs"}}""", 6, labels);
        Assert.Equal([1f, 0.25f, 0.75f, 0.5f], t.Column(imputed, 0, 0, 8).Where((_, i) => i is 0 or 1 or 3 or 4)); // NULL -> 3, /4
    }

    [Fact]
    public void TargetEncodingNeedsLabels()
    {
        using var t = new TestTable(("color", new string?[] { "a", "b" }));
        var e = Assert.Throws<InvalidParameterException>(() => t.Fit("""{"color": {"encode": "target"}}""", 2));
        Assert.Contains("target", e.Message);
        Assert.NotNull(e.Hint);
    }

    [Fact]
    public void OrdinalUsesTheListOrder()
    {
        string?[] size = ["medium", "small", null, "large", /* test */ "huge", "tiny"];
        using var t = new TestTable(("size", size));
        var p = t.Fit("""{"size": {"encode": {"ordinal": ["small", "medium", "large", "huge"]}}}""", 4);
        Assert.Equal(["small", "medium", "large", "huge"], p.GetCategories(0).Select(c => c.Name));
        Assert.Equal([1L, 1L, 1L, 0L], p.GetCategories(0).Select(c => c.Members));
        // huge is listed though not in training; tiny is not listed -> missing.
        Assert.Equal([1f, 0f, N, 2f, 3f, N], t.Column(p, 0, 0, 6));
        Assert.Equal(3f, p.EncodeText(0, TestTable.Utf8("huge")));

        var scaled = t.Fit("""{"size": {"encode": {"ordinal": ["small", "medium", "large", "huge"]}, "scale": "min_max", "impute": "max"}}""", 4);
        Assert.Equal([0.5f, 0f, 1f, 1f, 1.5f], t.Column(scaled, 0, 0, 5)); // ids 0..2 in training; NULL -> max id 2
    }

    [Fact]
    public void OrdinalRejectsAnUnlistedTrainingValue()
    {
        using var t = new TestTable(("size", new string?[] { "small", "medium", "big", "small", /* test */ "other" }));
        var e = Assert.Throws<InvalidDataException>(() => t.Fit("""{"size": {"encode": {"ordinal": ["small", "medium"]}}}""", 4));
        Assert.Contains("\"big\"", e.Message);
        Assert.Contains("\"small\" or \"medium\"", e.Message);
        Assert.Contains("big", e.Hint);
        // A test-only unlisted value is just unseen.
        var p = t.Fit("""{"size": {"encode": {"ordinal": ["small", "medium", "big"]}}}""", 4);
        Assert.True(float.IsNaN(t.Column(p, 0, 4, 1)[0]));
    }

    [Fact]
    public void ArrayColumnsArePreprocessedPerElement()
    {
        float[][] image = [[1, 10, 0], [3, 30, 0], [N, 20, 0], [100, 100, 100]];
        using var t = new TestTable(("image", image));
        var p = t.Fit("""{"image": {"impute": "mean", "scale": "min_max"}}""", 3);
        Assert.Equal(["image[1]", "image[2]", "image[3]"], p.OutputNames);
        Assert.Equal([2.0, 20.0, 0.0], p.Statistics.Select(s => s.Mean));
        var rows = t.Transform(p, 0, 4);
        Assert.Equal([0f, 0f, 0f], rows[0]);
        Assert.Equal([1f, 1f, 0f], rows[1]);
        Assert.Equal([0.5f, 0.5f, 0f], rows[2]);
        Assert.Equal([49.5f, 4.5f, 100f], rows[3]);
    }

    [Fact]
    public void NothingToImputeFromIsAnError()
    {
        using var t = new TestTable(("x", new float[] { N, N, 1 }));
        var e = Assert.Throws<InvalidDataException>(() => t.Fit("""{"x": {"impute": "median"}}""", 2));
        Assert.Contains("all 2 training rows", e.Message);
        var zero = t.Fit("""{"x": {"impute": "zero", "scale": "standard"}}""", 2);
        Assert.Equal([0f, 0f, 1f], t.Column(zero, 0, 0, 3)); // no statistics: neither centred nor divided
    }

    [Fact]
    public void InfiniteValuesCannotBeScaled()
    {
        using var t = new TestTable(("x", new float[] { 1, float.PositiveInfinity }));
        var e = Assert.Throws<InvalidDataException>(() => t.Fit("""{"x": {"scale": "standard"}}""", 2));
        Assert.Contains("infinite", e.Message);
        Assert.Equal(double.PositiveInfinity, t.Fit(null, 2).Statistics[0].Max);
    }

    [Fact]
    public void TransformTreatsUnknownCategoryIdsAsUnseen()
    {
        using var t = new TestTable(("c", new string?[] { "a", "b" }));
        var p = t.Fit("""{"c": {"impute": "zero"}}""", 2);
        var output = new float[1];
        foreach (float id in new[] { 2f, -1f, 0.5f, float.PositiveInfinity })
        {
            p.Transform([id], output);
            Assert.Equal(0f, output[0]);
        }
        p.Transform([1f], output);
        Assert.Equal(1f, output[0]);
    }

    [Fact]
    public void CallerBugsAreArgumentErrors()
    {
        using var t = XTable();
        var p = t.Fit(null, XTrain);
        Assert.Throws<ArgumentException>(() => p.Transform([1, 2], new float[1]));
        Assert.Throws<ArgumentException>(() => p.Transform([1], new float[2]));
        Assert.Throws<ArgumentException>(() => p.EncodeText(0, TestTable.Utf8("a")));
        Assert.ThrowsAny<ArgumentException>(() => PipelineFitter.Fit(t.Features, t.Spec(), t.Raw, X.Length + 1, [], t.Vocabularies));
        Assert.Throws<ArgumentException>(() => PipelineFitter.Fit(t.Features, t.Spec(), t.Raw, XTrain, [1f], t.Vocabularies));
        Assert.ThrowsAny<ArgumentException>(() => t.Transform(p, 5, 10));

        using var c = new TestTable(("c", new string?[] { "a" }));
        c.Raw[0, 0] = 7; // not a code of the vocabulary
        Assert.Throws<ArgumentException>(() => c.Fit(null, 1));
    }
}
