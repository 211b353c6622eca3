using System.Text;
using Pgml.Engine.Data;
using Pgml.Engine.Preprocessing;
using Xunit;

namespace Pgml.Engine.Tests.Preprocessing;

public class FittedPipelineJsonTests
{
    private const float N = float.NaN;

    internal static TestTable MixedTable() => new(
        ("num", new float[] { 1.5f, -2.25f, N, 7, 1e-7f, 3, 0.1f, 12345.678f, N, -0f }),
        ("img", new float[][] { [1, 2], [3, N], [5, 6], [7, 8], [9, 10], [11, 12], [13, 14], [15, 16], [17, 18], [19, 20] }),
        ("native", new string?[] { "b", "a", "é", null, "a", "\"quoted\"", "", "b", "new", "a" }),
        ("hot", new string?[] { "x", "y", "x", "z", null, "y", "x", "x", "w", null }),
        ("target", new string?[] { "p", "q", "p", "q", "r", null, "p", "q", "s", "p" }),
        ("ord", new string?[] { "lo", "hi", "mid", "lo", "mid", "hi", null, "lo", "top", "??" }),
        ("empty", new float[] { N, N, N, N, N, N, N, N, 1, 2 }),
        ("inf", new float[] { 1, float.PositiveInfinity, float.NegativeInfinity, 2, 3, 4, 5, 6, 7, 8 }));

    internal const string MixedSpec = """
        {"num": {"impute": "median", "scale": "standard"},
         "img": {"impute": "mean", "scale": "robust"},
         "native": {"impute": "mode", "scale": "max_abs"},
         "hot": {"encode": "one_hot", "impute": "mode"},
         "target": {"encode": "target", "impute": "mean", "scale": "min_max"},
         "ord": {"encode": {"ordinal": ["lo", "mid", "hi", "top"]}},
         "empty": {"impute": "zero"}}
        """;

    internal const int MixedTrain = 8;
    internal static readonly float[] MixedLabels = [0.5f, 1, 2, 0, 3.25f, 1, 1, 0];

    [Fact]
    public void RoundTripTransformsBitIdentically()
    {
        using var t = MixedTable();
        var fitted = t.Fit(MixedSpec, MixedTrain, MixedLabels);
        byte[] json = fitted.ToJson();
        var loaded = FittedPipeline.FromJson(json);

        Assert.Equal(json, loaded.ToJson());
        Assert.Equal(fitted.InputWidth, loaded.InputWidth);
        Assert.Equal(fitted.OutputWidth, loaded.OutputWidth);
        Assert.Equal(fitted.OutputNames, loaded.OutputNames);
        Assert.Equal(fitted.HasCategorical, loaded.HasCategorical);
        Assert.Equal(fitted.IsIdentity, loaded.IsIdentity);
        Assert.Equal(fitted.Features, loaded.Features);
        Assert.Equal(fitted.Statistics, loaded.Statistics);
        Assert.Equal(fitted.Spec.ToJson(), loaded.Spec.ToJson());

        using var a = new NativeMatrix(fitted.OutputWidth);
        using var b = new NativeMatrix(loaded.OutputWidth);
        fitted.TransformRows(t.Raw, 0, t.Raw.Rows, a);
        loaded.TransformRows(t.Raw, 0, t.Raw.Rows, b, t.Vocabularies);
        Assert.Equal(t.Raw.Rows, b.Rows);
        for (long r = 0; r < a.Rows; r++)
            Assert.Equal(Bits(a.Row(r)), Bits(b.Row(r)));

        // Predict-time encoding from text agrees too.
        for (int p = 0; p < fitted.InputWidth; p++)
        {
            if (t.Vocabularies[p] is not { } v) continue;
            for (int code = 0; code < v.Count; code++)
                Assert.Equal(BitConverter.SingleToInt32Bits(fitted.EncodeText(p, v.GetUtf8(code))),
                             BitConverter.SingleToInt32Bits(loaded.EncodeText(p, v.GetUtf8(code))));
            Assert.Equal(fitted.CodeToCategory(p).ToArray(), loaded.CodeToCategory(p, v));
        }

        // Direct Transform over extreme inputs.
        var rng = new Random(5);
        var input = new float[fitted.InputWidth];
        var oa = new float[fitted.OutputWidth];
        var ob = new float[loaded.OutputWidth];
        for (int i = 0; i < 2000; i++)
        {
            for (int p = 0; p < input.Length; p++)
                input[p] = rng.Next(6) switch { 0 => N, 1 => rng.Next(-1, 6), 2 => float.MaxValue, 3 => float.Epsilon, _ => (float)(rng.NextDouble() * 1e6 - 5e5) };
            fitted.Transform(input, oa);
            loaded.Transform(input, ob);
            Assert.Equal(Bits(oa), Bits(ob));
        }
    }

    private static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (int i = 0; i < bits.Length; i++) bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        return bits;
    }

    [Fact]
    public void OutputIsDeterministicAndReadable()
    {
        using var t1 = MixedTable();
        using var t2 = MixedTable();
        Assert.Equal(t1.Fit(MixedSpec, MixedTrain, MixedLabels).ToJson(), t2.Fit(MixedSpec, MixedTrain, MixedLabels).ToJson());

        using var t = new TestTable(("x", new float[] { 1, 3, N }), ("c", new string?[] { "é", "a", "a" }));
        var p = t.Fit("""{"x": {"scale": "standard"}}""", 3);
        Assert.Equal(
            """{"format_version":1,"train_rows":3,"preprocess":{"x":{"encode":"native","impute":"none","scale":"standard"},"c":{"encode":"native","impute":"none","scale":"preserve"}},"features":[""" +
            """{"name":"x","column":"x","element":-1,"kind":"numeric","statistics":{"count":2,"missing":1,"distinct":2,"min":1,"max":3,"max_abs":3,"mean":2,"std_dev":1,"median":2,"mode":1,"p25":1.5,"p75":2.5}},""" +
            """{"name":"c","column":"c","element":-1,"kind":"categorical","statistics":{"count":3,"missing":0,"distinct":2,"min":0,"max":1,"max_abs":1,"mean":0.3333333333333333,"std_dev":0.4714045207910317,"median":0,"mode":0,"p25":0,"p75":0.5},""" +
            "\"" + """categories":[{"name":"a","value":0,"members":2},{"name":"é","value":1,"members":1}]}]}""",
            Encoding.UTF8.GetString(p.ToJson()));
    }

    [Fact]
    public void NonFiniteStatisticsRoundTrip()
    {
        using var t = MixedTable();
        var p = FittedPipeline.FromJson(t.Fit(MixedSpec, MixedTrain, MixedLabels).ToJson());
        var empty = p.Statistics[p.Features.ToList().FindIndex(f => f.Column == "empty")];
        Assert.Equal(0, empty.Count);
        Assert.True(double.IsNaN(empty.Mean));
        var inf = p.Statistics[p.Features.ToList().FindIndex(f => f.Column == "inf")];
        Assert.Equal(double.NegativeInfinity, inf.Min);
        Assert.Equal(double.PositiveInfinity, inf.Max);
    }

    [Fact]
    public void LoadedPipelineNeedsTheReaderVocabularies()
    {
        using var t = MixedTable();
        var loaded = FittedPipeline.FromJson(t.Fit(MixedSpec, MixedTrain, MixedLabels).ToJson());
        using var output = new NativeMatrix(loaded.OutputWidth);
        Assert.Throws<InvalidOperationException>(() => loaded.TransformRows(t.Raw, 0, 1, output));
        Assert.Throws<InvalidOperationException>(() => loaded.CodeToCategory(4));
        Assert.Equal(0, output.Rows);
    }

    [Fact]
    public void NewerFormatIsRefusedWithAHint()
    {
        using var t = new TestTable(("x", new float[] { 1, 2 }));
        string json = Encoding.UTF8.GetString(t.Fit(null, 2).ToJson()).Replace("\"format_version\":1", "\"format_version\":2");
        var e = Assert.Throws<ModelFormatException>(() => FittedPipeline.FromJson(Encoding.UTF8.GetBytes(json)));
        Assert.Contains("newer pgml", e.Message);
        Assert.Contains("Upgrade", e.Hint);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("""{"format_version":0,"train_rows":0,"preprocess":{},"features":[]}""")]
    [InlineData("""{"format_version":1,"train_rows":2,"preprocess":{"z":{}},"features":[]}""")]
    [InlineData("""{"format_version":1,"train_rows":2,"preprocess":{},"features":[{"column":"x","element":-1,"kind":"text","statistics":{}}]}""")]
    [InlineData("""{"format_version":1,"train_rows":2,"preprocess":{},"features":[{"column":"x","element":-1,"kind":"numeric","statistics":{"count":1}}]}""")]
    public void DamagedJsonIsAModelFormatError(string json)
    {
        var e = Assert.Throws<ModelFormatException>(() => FittedPipeline.FromJson(Encoding.UTF8.GetBytes(json)));
        Assert.Contains("preprocess", e.Message);
    }

    [Fact]
    public void DuplicateOrMisnumberedCategoriesAreRejected()
    {
        using var t = new TestTable(("c", new string?[] { "a", "b" }));
        string json = Encoding.UTF8.GetString(t.Fit(null, 2).ToJson());
        Assert.Throws<ModelFormatException>(() => FittedPipeline.FromJson(Encoding.UTF8.GetBytes(json.Replace("\"name\":\"b\"", "\"name\":\"a\""))));
        Assert.Throws<ModelFormatException>(() => FittedPipeline.FromJson(Encoding.UTF8.GetBytes(json.Replace("\"value\":1", "\"value\":5"))));
        Assert.Throws<ModelFormatException>(() => FittedPipeline.FromJson(Encoding.UTF8.GetBytes(json.Replace(",\"categories\":[{\"name\":\"a\",\"value\":0,\"members\":1},{\"name\":\"b\",\"value\":1,\"members\":1}]", ""))));
    }
}
