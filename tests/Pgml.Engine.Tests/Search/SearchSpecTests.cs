using System.Text.Json;
using Pgml.Engine.Search;
using Xunit;

namespace Pgml.Engine.Tests.Search;

public class SearchSpecTests
{
    private static InvalidParameterException Fails(string? search, string? hyperparams, string? searchParams, string? searchArgs) =>
        Assert.Throws<InvalidParameterException>(() => SearchSpec.Parse(search, hyperparams, searchParams, searchArgs));

    [Fact]
    public void NoSearchIsOneCandidateScoredOnTheTestSplit()
    {
        var spec = SearchSpec.Parse(null, """{"max_depth": 3, "eta": 0.5}""", null, null);
        Assert.Equal(SearchKind.None, spec.Kind);
        Assert.Equal(1, spec.Cv);
        Assert.False(spec.RunsSearch);
        Assert.Empty(spec.Notices);
        Assert.Equal(["""{"eta":0.5,"max_depth":3}"""], spec.Candidates(1));
    }

    [Fact]
    public void NullAndJsonNullMeanNone()
    {
        Assert.Equal(["{}"], SearchSpec.Parse(null, null, null, null).Candidates(0));
        var spec = SearchSpec.Parse(null, "null", "null", "null");
        Assert.Equal(SearchKind.None, spec.Kind);
        Assert.Equal(["{}"], spec.Candidates(0));
    }

    [Fact]
    public void SearchDefaults()
    {
        var spec = SearchSpec.Parse("random", "{}", """{"max_depth": [2, 4]}""", null);
        Assert.Equal(SearchKind.Random, spec.Kind);
        Assert.Equal(SearchSpec.DefaultNIter, spec.NIter);
        Assert.Equal(5, spec.Cv);
        Assert.True(spec.RunsSearch);
        Assert.False(spec.GridImplied);
        Assert.Equal(["max_depth"], spec.SearchParameterNames);
    }

    [Fact]
    public void SearchArgsAreRead()
    {
        var spec = SearchSpec.Parse("random", null, """{"max_depth": [2, 4]}""", """{"n_iter": 7, "cv": 3.0}""");
        Assert.Equal(7, spec.NIter);
        Assert.Equal(3, spec.Cv);
        Assert.Equal(1, SearchSpec.Parse("grid", null, """{"max_depth": [2]}""", """{"cv": 1}""").Cv);
    }

    [Fact]
    public void CvWithoutSearchCrossValidatesTheHyperparams()
    {
        // PostgresML honours cv without search too; here it only yields scores, the model is trained as usual.
        var spec = SearchSpec.Parse(null, """{"max_depth": 3}""", null, """{"cv": 4}""");
        Assert.Equal(SearchKind.None, spec.Kind);
        Assert.Equal(4, spec.Cv);
        Assert.True(spec.RunsSearch);
        Assert.Single(spec.Candidates(0));
    }

    [Fact]
    public void SearchParamsWithoutSearchIsAGridSearchAndSaysSo()
    {
        var spec = SearchSpec.Parse(null, null, """{"max_depth": [2, 4], "eta": [0.1, 0.2, 0.3]}""", null);
        Assert.Equal(SearchKind.Grid, spec.Kind);
        Assert.True(spec.GridImplied);
        Assert.Equal(5, spec.Cv);
        Assert.Equal(6, spec.Candidates(0).Count);
        string notice = Assert.Single(spec.Notices);
        Assert.Contains("without search", notice);
        Assert.Contains("grid search over all 6 combinations", notice);
    }

    [Fact]
    public void GridIsTheCartesianProductInSortedKeyOrder()
    {
        var spec = SearchSpec.Parse("grid", """{"n_estimators": 10}""", """{"max_depth": [2, 4, 6], "eta": [0.1, 0.3]}""", null);
        Assert.Equal(6, spec.CombinationCount);
        Assert.Equal(6, spec.CandidateCount);
        Assert.Equal(["eta", "max_depth"], spec.SearchParameterNames);
        Assert.Equal(
        [
            """{"eta":0.1,"max_depth":2,"n_estimators":10}""",
            """{"eta":0.1,"max_depth":4,"n_estimators":10}""",
            """{"eta":0.1,"max_depth":6,"n_estimators":10}""",
            """{"eta":0.3,"max_depth":2,"n_estimators":10}""",
            """{"eta":0.3,"max_depth":4,"n_estimators":10}""",
            """{"eta":0.3,"max_depth":6,"n_estimators":10}""",
        ], spec.Candidates(0));
        // The grid does not depend on the seed.
        Assert.Equal(spec.Candidates(0), spec.Candidates(99));
    }

    [Fact]
    public void ValuesKeepTheirJsonTypeAndText()
    {
        var spec = SearchSpec.Parse("grid", """{"objective": "reg:squarederror"}""",
            """{"monotone_constraints": [[1, 0], [0, -1]], "max_depth": [4.0], "grow_policy": ["depthwise", "lossguide"]}""", null);
        var candidates = spec.Candidates(0);
        Assert.Equal(4, candidates.Count);
        Assert.Equal("""{"grow_policy":"depthwise","max_depth":4.0,"monotone_constraints":[1,0],"objective":"reg:squarederror"}""", candidates[0]);
        Assert.Equal("""{"grow_policy":"lossguide","max_depth":4.0,"monotone_constraints":[0,-1],"objective":"reg:squarederror"}""", candidates[3]);
        foreach (string c in candidates) Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(c).RootElement.ValueKind);
    }

    [Fact]
    public void GridLargerThanTheCapIsRefusedWithAHintForRandomSearch()
    {
        string eleven = "[" + string.Join(", ", Enumerable.Range(1, 11)) + "]";
        string ten = "[" + string.Join(", ", Enumerable.Range(1, 10)) + "]";
        string searchParams = $$"""{"a": {{eleven}}, "b": {{ten}}, "c": {{ten}}}""";
        var e = Fails("grid", null, searchParams, null);
        Assert.Contains("1100", e.Message);
        Assert.Contains("at most 1000", e.Message);
        Assert.Contains("random", e.Hint);
        // The same space is fine for a random search, and exactly the cap is fine for a grid.
        Assert.Equal(10, SearchSpec.Parse("random", null, searchParams, null).Candidates(1).Count);
        Assert.Equal(1000, SearchSpec.Parse("grid", null, $$"""{"b": {{ten}}, "c": {{ten}}, "d": {{ten}}}""", null).Candidates(1).Count);
    }

    [Fact]
    public void RandomSamplesNIterDistinctCandidatesDeterministically()
    {
        const string searchParams = """{"max_depth": [1, 2, 3, 4, 5, 6], "eta": [0.01, 0.1, 0.3, 0.5], "subsample": [0.5, 0.8, 1.0]}""";
        var spec = SearchSpec.Parse("random", null, searchParams, """{"n_iter": 12}""");
        var grid = SearchSpec.Parse("grid", null, searchParams, null).Candidates(0);
        Assert.Equal(72, grid.Count);

        var a = spec.Candidates(42);
        Assert.Equal(12, a.Count);
        Assert.Equal(12, a.Distinct().Count());
        Assert.All(a, c => Assert.Contains(c, grid));
        // Listed in grid order, so ties between candidates resolve the same way as in a grid search.
        Assert.Equal(a.OrderBy(c => grid.ToList().IndexOf(c)), a);

        Assert.Equal(a, spec.Candidates(42));
        Assert.Equal(a, SearchSpec.Parse("random", null, searchParams, """{"n_iter": 12}""").Candidates(42));
        Assert.NotEqual(a, spec.Candidates(43));
    }

    [Fact]
    public void RandomSamplingReachesEveryCombination()
    {
        var spec = SearchSpec.Parse("random", null, """{"a": [1, 2, 3, 4, 5], "b": [1, 2, 3, 4]}""", """{"n_iter": 3}""");
        var seen = new HashSet<string>();
        for (int seed = 0; seed < 200; seed++)
            foreach (string c in spec.Candidates(seed)) seen.Add(c);
        Assert.Equal(20, seen.Count);
    }

    [Fact]
    public void RandomWithMoreIterationsThanCombinationsTriesThemAll()
    {
        var spec = SearchSpec.Parse("random", """{"n_estimators": 5}""", """{"max_depth": [2, 4], "eta": [0.1, 0.3]}""", """{"n_iter": 10}""");
        Assert.Equal(4, spec.CandidateCount);
        Assert.Equal(SearchSpec.Parse("grid", """{"n_estimators": 5}""", """{"max_depth": [2, 4], "eta": [0.1, 0.3]}""", null).Candidates(0),
            spec.Candidates(7));
        Assert.Contains(spec.Notices, n => n.Contains("only 4 combinations"));
    }

    [Fact]
    public void RandomSearchOverAHugeSpaceDoesNotEnumerateIt()
    {
        // 40^12 combinations saturates the count; sampling must still work without materialising the grid.
        string forty = "[" + string.Join(", ", Enumerable.Range(1, 40)) + "]";
        string searchParams = "{" + string.Join(", ", Enumerable.Range(0, 12).Select(i => $"\"p{i:D2}\": {forty}")) + "}";
        var spec = SearchSpec.Parse("random", null, searchParams, """{"n_iter": 25}""");
        var candidates = spec.Candidates(5);
        Assert.Equal(25, candidates.Distinct().Count());
    }

    [Fact]
    public void NIterIsIgnoredByGridWithANotice()
    {
        var spec = SearchSpec.Parse("grid", null, """{"max_depth": [2, 4]}""", """{"n_iter": 3}""");
        Assert.Equal(2, spec.Candidates(0).Count);
        Assert.Contains(spec.Notices, n => n.Contains("n_iter is ignored"));
    }

    [Theory]
    [InlineData("Grid")]
    [InlineData("bayes")]
    [InlineData("")]
    public void UnknownSearchIsRejected(string search)
    {
        var e = Fails(search, null, """{"max_depth": [2]}""", null);
        Assert.Contains($"invalid search \"{search}\"", e.Message);
        Assert.Contains("\"grid\", \"random\"", e.Message);
    }

    [Theory]
    [InlineData("grid")]
    [InlineData("random")]
    public void SearchWithoutSearchParamsIsRejected(string search)
    {
        var e = Fails(search, """{"max_depth": 3}""", null, null);
        Assert.Contains("needs search_params", e.Message);
        Assert.Contains("search_params =>", e.Hint);
        Assert.Contains("needs search_params", Fails(search, null, "{}", null).Message);
    }

    [Fact]
    public void KeyInBothHyperparamsAndSearchParamsIsRejected()
    {
        var e = Fails("grid", """{"max_depth": 3, "eta": 0.1}""", """{"max_depth": [2, 4]}""", null);
        Assert.Contains("\"max_depth\" cannot be present in both hyperparams and search_params", e.Message);
        Assert.Contains("choose one or the other", e.Hint);
    }

    [Theory]
    [InlineData("""{"max_depth": 3}""", "must be an array of the values to try, got the number 3")]
    [InlineData("""{"max_depth": "3"}""", "got the string \"3\"")]
    [InlineData("""{"max_depth": {"a": 1}}""", "got the object")]
    [InlineData("""{"max_depth": null}""", "got null")]
    [InlineData("""{"max_depth": []}""", "is an empty array")]
    [InlineData("""{"max_depth": [2, 4, 2]}""", "lists the value 2 twice")]
    [InlineData("""{"max_depth": [2], "max_depth": [4]}""", "give \"max_depth\" twice")]
    [InlineData("""{"max_depth": [2, 2.0]}""", "lists the value 2.0 twice")]
    [InlineData("""{"grow_policy": ["lossguide", "depthwise", "lossguide"]}""", "lists the value \"lossguide\" twice")]
    [InlineData("""[1, 2]""", "search_params must be a JSON object, got the array")]
    [InlineData("""{"max_depth": [2""", "search_params is not valid JSON")]
    public void BadSearchParamsAreRejected(string searchParams, string expected)
    {
        var e = Fails("grid", null, searchParams, null);
        Assert.Contains(expected, e.Message);
        Assert.False(string.IsNullOrEmpty(e.Hint));
    }

    [Fact]
    public void ASingleValueHintsAtAnArray()
    {
        var e = Fails("grid", null, """{"max_depth": 3}""", null);
        Assert.Contains("""{"max_depth": [3]}""", e.Hint);
    }

    [Theory]
    [InlineData("""[1]""", "hyperparams must be a JSON object, got the array")]
    [InlineData("""42""", "hyperparams must be a JSON object, got the number 42")]
    [InlineData("""{"eta": """, "hyperparams is not valid JSON")]
    [InlineData("""{"eta": 0.1, "eta": 0.2}""", "hyperparams give \"eta\" twice")]
    public void BadHyperparamsAreRejected(string hyperparams, string expected) =>
        Assert.Contains(expected, Fails("grid", hyperparams, """{"max_depth": [2]}""", null).Message);

    [Theory]
    [InlineData("""{"folds": 3}""", "unknown search_args key \"folds\"")]
    [InlineData("""{"n_jobs": 3}""", "unknown search_args key \"n_jobs\"")]
    [InlineData("""{"n_iter": 0}""", "\"n_iter\" must be an integer between 1 and 1000; got 0")]
    [InlineData("""{"n_iter": 1001}""", "\"n_iter\" must be an integer between 1 and 1000; got 1001")]
    [InlineData("""{"n_iter": 2.5}""", "\"n_iter\" must be an integer; got the number 2.5")]
    [InlineData("""{"n_iter": "5"}""", "\"n_iter\" must be an integer; got the string \"5\"")]
    [InlineData("""{"cv": 0}""", "\"cv\" must be an integer at least 1; got 0")]
    [InlineData("""{"cv": -3}""", "\"cv\" must be an integer at least 1; got -3")]
    [InlineData("""{"cv": true}""", "\"cv\" must be an integer; got the boolean true")]
    [InlineData("""{"cv": 1e20}""", "\"cv\" must be an integer at least 1; got 1e20")]
    [InlineData("""{"cv": 3, "cv": 4}""", "give \"cv\" twice")]
    [InlineData("""[]""", "search_args must be a JSON object")]
    [InlineData("""{""", "search_args is not valid JSON")]
    public void BadSearchArgsAreRejected(string searchArgs, string expected)
    {
        var e = Fails("random", null, """{"max_depth": [2, 4]}""", searchArgs);
        Assert.Contains(expected, e.Message);
        Assert.False(string.IsNullOrEmpty(e.Hint));
    }

    [Fact]
    public void UnknownSearchArgListsTheValidKeys()
    {
        var e = Fails("random", null, """{"max_depth": [2, 4]}""", """{"n_iters": 3}""");
        Assert.Contains("Valid keys: cv, n_iter", e.Hint);
    }
}
