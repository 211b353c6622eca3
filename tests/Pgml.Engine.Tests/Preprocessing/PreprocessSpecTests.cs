using Pgml.Engine.Preprocessing;
using Xunit;

namespace Pgml.Engine.Tests.Preprocessing;

public class PreprocessSpecTests
{
    private static readonly RawFeature[] Features =
    [
        RawFeature.Scalar("age", FeatureKind.Numeric),
        RawFeature.Scalar("city", FeatureKind.Categorical),
        .. RawFeature.ArrayElements("image", 3, FeatureKind.Numeric),
    ];

    private static PreprocessSpec Parse(string? json) => PreprocessSpec.Parse(json, Features);

    private static InvalidParameterException Invalid(string json) =>
        Assert.Throws<InvalidParameterException>(() => Parse(json));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("{}")]
    public void EmptyMeansDefaultsEverywhere(string? json)
    {
        var spec = Parse(json);
        Assert.Equal(5, spec.Positions.Count);
        Assert.All(spec.Positions, p => Assert.Equal(ColumnPreprocess.Default, p));
        Assert.Equal(ImputeKind.None, spec.ForColumn("age").Impute); // pgml's default: missing stays missing
        Assert.Equal(["age", "city", "image"], spec.Columns);
    }

    [Fact]
    public void ParsesEveryValue()
    {
        foreach (var (name, kind) in new[] { ("none", ImputeKind.None), ("error", ImputeKind.Error), ("mean", ImputeKind.Mean),
                     ("median", ImputeKind.Median), ("mode", ImputeKind.Mode), ("min", ImputeKind.Min), ("max", ImputeKind.Max), ("zero", ImputeKind.Zero) })
            Assert.Equal(kind, Parse($$$"""{"age": {"impute": "{{{name}}}"}}""").ForColumn("age").Impute);
        foreach (var (name, kind) in new[] { ("preserve", ScaleKind.Preserve), ("standard", ScaleKind.Standard), ("min_max", ScaleKind.MinMax),
                     ("max_abs", ScaleKind.MaxAbs), ("robust", ScaleKind.Robust) })
            Assert.Equal(kind, Parse($$$"""{"age": {"scale": "{{{name}}}"}}""").ForColumn("age").Scale);
        foreach (var (name, kind) in new[] { ("native", EncodeKind.Native), ("target", EncodeKind.Target), ("one_hot", EncodeKind.OneHot) })
            Assert.Equal(kind, Parse($$$"""{"city": {"encode": "{{{name}}}"}}""").ForColumn("city").Encode);

        var ordinal = Parse("""{"city": {"encode": {"ordinal": ["small", "big"]}, "impute": "mode", "scale": "min_max"}}""").ForColumn("city");
        Assert.Equal(EncodeKind.Ordinal, ordinal.Encode);
        Assert.Equal(["small", "big"], ordinal.Ordinal!);
        Assert.Equal(ImputeKind.Mode, ordinal.Impute);
        Assert.Equal(ScaleKind.MinMax, ordinal.Scale);
    }

    [Fact]
    public void ArrayColumnSpecAppliesToEachElement()
    {
        var spec = Parse("""{"image": {"impute": "zero", "scale": "standard"}}""");
        Assert.Equal(ColumnPreprocess.Default, spec.Positions[0]);
        for (int p = 2; p < 5; p++)
        {
            Assert.Equal(ImputeKind.Zero, spec.Positions[p].Impute);
            Assert.Equal(ScaleKind.Standard, spec.Positions[p].Scale);
        }
        Assert.Equal("image[1]", Features[2].Name);
        Assert.Equal("image[3]", Features[4].Name);
    }

    [Fact]
    public void UnknownColumnListsTheColumns()
    {
        var e = Invalid("""{"salary": {"impute": "mean"}}""");
        Assert.Contains("\"salary\"", e.Message);
        Assert.Contains("\"age\", \"city\" or \"image\"", e.Message);
        Assert.NotNull(e.Hint);

        var cased = Invalid("""{"Age": {"impute": "mean"}}""");
        Assert.Contains("did you mean \"age\"", cased.Hint);
    }

    [Theory]
    [InlineData("""{"age": {"impute": "average"}}""", "impute", "\"none\", \"error\", \"mean\", \"median\", \"mode\", \"min\", \"max\" or \"zero\"")]
    [InlineData("""{"age": {"impute": 1}}""", "impute", "\"mean\"")]
    [InlineData("""{"age": {"scale": "normal"}}""", "scale", "\"preserve\", \"standard\", \"min_max\", \"max_abs\" or \"robust\"")]
    [InlineData("""{"city": {"encode": "label"}}""", "encode", "\"native\", \"target\", \"one_hot\" or {\"ordinal\": [..]}")]
    [InlineData("""{"city": {"encode": "ordinal"}}""", "encode", "\"one_hot\"")]
    [InlineData("""{"city": {"encode": {"ordinals": ["a"]}}}""", "encode", "\"one_hot\"")]
    [InlineData("""{"city": {"encode": {"ordinal": "a"}}}""", "encode", "\"one_hot\"")]
    [InlineData("""{"city": {"encode": null}}""", "encode", "\"one_hot\"")]
    public void InvalidValuesListTheValidOnes(string json, string setting, string listed)
    {
        var e = Invalid(json);
        Assert.StartsWith($"invalid {setting} ", e.Message);
        Assert.Contains(listed, e.Message);
        Assert.NotNull(e.Hint);
    }

    [Fact]
    public void NearMissesGetASuggestion()
    {
        Assert.Contains("\"min_max\"", Invalid("""{"age": {"scale": "MinMax"}}""").Hint);
        Assert.Contains("\"one_hot\"", Invalid("""{"city": {"encode": "one-hot"}}""").Hint);
        Assert.Contains("\"native\"", Invalid("""{"city": {"encode": "none"}}""").Hint);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[1]", "must be a JSON object")]
    [InlineData("\"age\"", "must be a JSON object")]
    [InlineData("""{"age": "mean"}""", "must be a JSON object")]
    [InlineData("""{"age": {"imput": "mean"}}""", "unknown preprocessor setting \"imput\"")]
    [InlineData("""{"age": {"impute": "mean"}, "age": {"scale": "standard"}}""", "twice")]
    [InlineData("""{"age": {"impute": "mean", "impute": "zero"}}""", "twice")]
    [InlineData("""{"city": {"encode": {"ordinal": []}}}""", "is empty")]
    [InlineData("""{"city": {"encode": {"ordinal": ["a", 1]}}}""", "must hold strings")]
    [InlineData("""{"city": {"encode": {"ordinal": ["a", "b", "a"]}}}""", "names \"a\" twice")]
    public void MalformedSpecsAreRejected(string json, string expected)
    {
        var e = Invalid(json);
        Assert.Contains(expected, e.Message);
        Assert.False(string.IsNullOrEmpty(e.Hint));
    }

    [Theory]
    [InlineData("one_hot")]
    [InlineData("target")]
    public void EncodingANumericColumnIsAnError(string encode)
    {
        var e = Invalid($$$"""{"age": {"encode": "{{{encode}}}"}}""");
        Assert.Contains("It does not make sense to encode a continuous variable", e.Message);
        Assert.Contains($"\"{encode}\"", e.Message);
        var array = Invalid("""{"image": {"encode": {"ordinal": ["1", "2"]}}}""");
        Assert.Contains("\"image\" is numeric", array.Message);
    }

    [Theory]
    [InlineData("mean", "native")]
    [InlineData("median", "native")]
    [InlineData("mean", "one_hot")]
    [InlineData("median", "one_hot")]
    public void MeanOrMedianOfACategoricalColumnNeedsTargetEncoding(string impute, string encode)
    {
        var e = Invalid($$$"""{"city": {"impute": "{{{impute}}}", "encode": "{{{encode}}}"}}""");
        Assert.Contains("categorical column \"city\"", e.Message);
        Assert.Contains("target", e.Message);
        Assert.Contains("mode", e.Hint);

        var ok = Parse($$$"""{"city": {"impute": "{{{impute}}}", "encode": "target"}}""").ForColumn("city");
        Assert.Equal(EncodeKind.Target, ok.Encode);
    }

    [Fact]
    public void OrdinalMeanIsAlsoRejected()
    {
        Invalid("""{"city": {"impute": "mean", "encode": {"ordinal": ["a"]}}}""");
        // mode, min, max and zero are fine on categories.
        foreach (var impute in new[] { "mode", "min", "max", "zero", "error", "none" })
            Parse($$$"""{"city": {"impute": "{{{impute}}}"}}""");
    }

    [Fact]
    public void OneHotCannotBeScaled()
    {
        var e = Invalid("""{"city": {"encode": "one_hot", "scale": "standard"}}""");
        Assert.Contains("one_hot", e.Message);
        Parse("""{"city": {"encode": "one_hot", "scale": "preserve"}}""");
        Parse("""{"city": {"encode": "native", "scale": "standard"}}""");
    }

    [Fact]
    public void NormalizedJsonListsEveryColumnAndParsesBack()
    {
        var spec = Parse("""{"city": {"encode": {"ordinal": ["b", "a"]}}, "age": {"scale": "robust"}}""");
        string json = spec.ToJson();
        Assert.Equal(
            """{"age":{"encode":"native","impute":"none","scale":"robust"},"city":{"encode":{"ordinal":["b","a"]},"impute":"none","scale":"preserve"},"image":{"encode":"native","impute":"none","scale":"preserve"}}""",
            json);
        var again = Parse(json);
        Assert.Equal(json, again.ToJson());
    }

    [Fact]
    public void ConflictingFeatureListsAreCallerBugs()
    {
        Assert.Throws<ArgumentException>(() => PreprocessSpec.Parse(null, [RawFeature.Scalar("a", FeatureKind.Numeric), RawFeature.Scalar("a", FeatureKind.Numeric)]));
        Assert.Throws<ArgumentException>(() => PreprocessSpec.Parse(null, [new RawFeature("a", 0, FeatureKind.Numeric), new RawFeature("a", 1, FeatureKind.Categorical)]));
    }
}
