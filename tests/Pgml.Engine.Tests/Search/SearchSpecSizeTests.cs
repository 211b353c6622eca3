using Pgml.Engine.Search;
using Xunit;

namespace Pgml.Engine.Tests.Search;

/// <summary>
/// Long search_params lists are checked in one pass: a list of 100,000 values used to take minutes before its
/// error, because each value was compared with all the values before it.
/// </summary>
public class SearchSpecSizeTests
{
    private static string Values(IEnumerable<string> values) => "{\"eta\": [" + string.Join(", ", values) + "]}";

    [Fact]
    public void HundredThousandDistinctValuesAreAcceptedByARandomSearch()
    {
        var values = Enumerable.Range(1, 100_000).Select(i => (i / 1e6).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        var spec = SearchSpec.Parse("random", null, Values(values), """{"n_iter": 3}""");
        Assert.Equal(100_000, spec.CombinationCount);
        Assert.Equal(3, spec.Candidates(1).Count);
    }

    [Fact]
    public void RepeatAtTheEndOfALongListIsFound()
    {
        var values = Enumerable.Range(0, 100_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("7.0");
        var e = Assert.Throws<InvalidParameterException>(() => SearchSpec.Parse("random", null, Values(values), null));
        Assert.Equal("search_params \"eta\" lists the value 7.0 twice", e.Message);
    }

    [Fact]
    public void LongGridIsRefusedForItsSize()
    {
        var values = Enumerable.Range(0, 100_000).Select(i => $"\"v{i}\"");
        var e = Assert.Throws<InvalidParameterException>(() => SearchSpec.Parse("grid", null, Values(values), null));
        Assert.Contains("100000 combinations", e.Message);
    }

    [Theory]
    [InlineData("""[{"a": 1}, {"a": 1.0}]""", "{\"a\": 1.0}")]
    [InlineData("""[[1, 2], [1, 2]]""", "[1, 2]")]
    [InlineData("""["x", "y", "x"]""", "\"x\"")]
    [InlineData("""[true, false, true]""", "true")]
    [InlineData("""[1e2, 100]""", "100")]
    public void DuplicatesOfEveryKindAreFound(string list, string repeated)
    {
        var e = Assert.Throws<InvalidParameterException>(() => SearchSpec.Parse("random", null, "{\"eta\": " + list + "}", null));
        Assert.Equal($"search_params \"eta\" lists the value {repeated} twice", e.Message);
    }

    [Fact]
    public void DistinctValuesThatShareABucketAreKept()
    {
        var spec = SearchSpec.Parse("random", null, """{"eta": [{"a": 1}, {"b": 1}, [1, 2], [2, 1], "1", 1]}""", null);
        Assert.Equal(6, spec.CombinationCount);
    }
}
