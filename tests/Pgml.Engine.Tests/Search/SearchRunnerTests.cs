using System.Text.Json;
using Pgml.Engine.Search;
using Xunit;

namespace Pgml.Engine.Tests.Search;

public class SearchRunnerTests
{
    /// <summary>Records every fit and scores it with a function of (candidate, fit number within the candidate).</summary>
    private sealed class FakeEvaluator(Func<string, int, double> score) : ICandidateEvaluator
    {
        public readonly List<(string Params, long[] Train, long[] Validation)> Fits = [];
        public readonly List<string> Validated = [];
        public Func<string, bool> Invalid = _ => false;

        public string Metric => "fake";

        public void Validate(string hyperparamsJson)
        {
            Validated.Add(hyperparamsJson);
            if (Invalid(hyperparamsJson)) throw new InvalidParameterException("max_depth must be at least 0", "Fix it.");
        }

        public double FitAndScore(string hyperparamsJson, ReadOnlySpan<long> trainRows, ReadOnlySpan<long> validationRows, Action checkInterrupts)
        {
            int nth = Fits.Count(f => f.Params == hyperparamsJson);
            Fits.Add((hyperparamsJson, trainRows.ToArray(), validationRows.ToArray()));
            return score(hyperparamsJson, nth);
        }
    }

    private static void None() { }

    private static SearchSpec Grid(string searchParams, int cv) =>
        SearchSpec.Parse("grid", null, searchParams, $$"""{"cv": {{cv}}}""");

    [Theory]
    [InlineData(103, 5)]
    [InlineData(10, 5)]
    [InlineData(7, 2)]
    [InlineData(1000, 10)]
    public void EveryTrainingRowIsValidatedExactlyOncePerCandidate(long trainRows, int k)
    {
        var evaluator = new FakeEvaluator((_, _) => 0);
        var result = SearchRunner.Run(Grid("""{"max_depth": [1, 2, 3]}""", k), evaluator, trainRows, testRows: 50, seed: 1, None);

        Assert.Equal(k, result.Splits);
        Assert.Equal(3 * k, evaluator.Fits.Count);
        foreach (var group in evaluator.Fits.GroupBy(f => f.Params))
        {
            Assert.Equal(k, group.Count());
            var validated = group.SelectMany(f => f.Validation).Order().ToArray();
            Assert.Equal(Enumerable.Range(0, (int)trainRows).Select(i => (long)i), validated);
            foreach (var fit in group)
            {
                // Contiguous validation block, training rows = the rest of the training split, no test row anywhere.
                Assert.Equal(fit.Validation.Length - 1, fit.Validation[^1] - fit.Validation[0]);
                Assert.Equal(Enumerable.Range(0, (int)trainRows).Select(i => (long)i).Except(fit.Validation), fit.Train);
                Assert.InRange(fit.Validation.Length, trainRows / k, trainRows / k + 1);
            }
        }
    }

    [Fact]
    public void FoldBoundariesAreThoseOfPostgresML()
    {
        // Fold f validates [f·n/k, (f+1)·n/k).
        var evaluator = new FakeEvaluator((_, _) => 0);
        SearchRunner.Run(Grid("""{"max_depth": [1]}""", 5), evaluator, 103, 0, 1, None);
        Assert.Equal([0L, 20, 41, 61, 82], evaluator.Fits.Select(f => f.Validation[0]));
        Assert.Equal([20, 21, 20, 21, 21], evaluator.Fits.Select(f => f.Validation.Length));
    }

    [Fact]
    public void CvOneFitsOnTheTrainingSplitAndScoresOnTheTestSplit()
    {
        var evaluator = new FakeEvaluator((p, _) => p.Contains("\"max_depth\":4") ? 0.9 : 0.5);
        var result = SearchRunner.Run(Grid("""{"max_depth": [2, 4]}""", 1), evaluator, 80, 20, 1, None);

        Assert.Equal(1, result.Splits);
        Assert.Equal(2, evaluator.Fits.Count);
        foreach (var fit in evaluator.Fits)
        {
            Assert.Equal(Enumerable.Range(0, 80).Select(i => (long)i), fit.Train);
            Assert.Equal(Enumerable.Range(80, 20).Select(i => (long)i), fit.Validation);
        }
        Assert.Equal(1, result.BestIndex);
        Assert.Equal(0, result.BestCandidate.StdScore);
    }

    [Fact]
    public void MeanAndPopulationStdAreComputedPerCandidate()
    {
        // Candidate max_depth 1 scores 1, 2, 3, 4 on the folds; max_depth 2 scores 3 on every fold.
        var evaluator = new FakeEvaluator((p, nth) => p.Contains("\"max_depth\":1") ? nth + 1 : 3);
        var result = SearchRunner.Run(Grid("""{"max_depth": [1, 2]}""", 4), evaluator, 40, 10, 1, None);

        var first = result.Candidates[0];
        Assert.Equal([1.0, 2, 3, 4], first.SplitScores);
        Assert.Equal(2.5, first.MeanScore, 15);
        // sqrt(((1.5² + 0.5²) × 2) / 4) = sqrt(1.25)
        Assert.Equal(Math.Sqrt(1.25), first.StdScore, 15);
        Assert.Equal(3.0, result.Candidates[1].MeanScore);
        Assert.Equal(0.0, result.Candidates[1].StdScore);
        Assert.Equal(1, result.BestIndex);
        Assert.Equal("""{"max_depth":2}""", result.BestParams);

        Assert.All(result.Candidates, c => Assert.Equal(4, c.FitTimes.Count));
        Assert.All(result.Candidates, c => Assert.All(c.FitTimes, t => Assert.True(t >= 0)));
        var (mean, std) = (first.FitTimes.Average(), Math.Sqrt(first.FitTimes.Select(t => (t - first.FitTimes.Average()) * (t - first.FitTimes.Average())).Average()));
        Assert.Equal(mean, first.MeanFitTime, 12);
        Assert.Equal(std, first.StdFitTime, 12);
    }

    [Fact]
    public void TiesGoToTheFirstCandidateAndNaNNeverWins()
    {
        var ties = SearchRunner.Run(Grid("""{"max_depth": [1, 2, 3]}""", 2), new FakeEvaluator((p, _) => p.Contains(":1") ? 0.1 : 0.7), 10, 0, 1, None);
        Assert.Equal(1, ties.BestIndex);

        var nan = SearchRunner.Run(Grid("""{"max_depth": [1, 2, 3]}""", 2), new FakeEvaluator((p, _) => p.Contains(":1") ? double.NaN : p.Contains(":2") ? 0.2 : 0.3), 10, 0, 1, None);
        Assert.Equal(2, nan.BestIndex);
    }

    [Fact]
    public void CandidatesAreFittedFoldByFold()
    {
        var evaluator = new FakeEvaluator((_, _) => 0);
        SearchRunner.Run(Grid("""{"max_depth": [1, 2, 3]}""", 3), evaluator, 30, 0, 1, None);
        // All candidates on fold 0, then fold 1, ...: an evaluator can reuse the fold's training data.
        Assert.Equal([0L, 0, 0, 10, 10, 10, 20, 20, 20], evaluator.Fits.Select(f => f.Validation[0]));
    }

    [Fact]
    public void InterruptStopsTheSearchBeforeTheNextFit()
    {
        var evaluator = new FakeEvaluator((_, _) => 0);
        int calls = 0;
        void Interrupt()
        {
            if (++calls == 3) throw new OperationCanceledException("canceling statement due to user request");
        }
        Assert.Throws<OperationCanceledException>(() =>
            SearchRunner.Run(Grid("""{"max_depth": [1, 2, 3, 4]}""", 5), evaluator, 100, 0, 1, Interrupt));
        Assert.Equal(2, evaluator.Fits.Count);
        Assert.Equal(3, calls);
    }

    [Fact]
    public void InterruptIsPassedIntoEveryFit()
    {
        var evaluator = new InterruptForwarding();
        int calls = 0;
        SearchRunner.Run(Grid("""{"max_depth": [1, 2]}""", 2), evaluator, 10, 0, 1, () => calls++);
        // Once before each of the 4 fits, and once inside each.
        Assert.Equal(8, calls);
    }

    private sealed class InterruptForwarding : ICandidateEvaluator
    {
        public string Metric => "fake";
        public void Validate(string hyperparamsJson) { }
        public double FitAndScore(string hyperparamsJson, ReadOnlySpan<long> trainRows, ReadOnlySpan<long> validationRows, Action checkInterrupts)
        {
            checkInterrupts();
            return 0;
        }
    }

    [Fact]
    public void InvalidCandidatesFailBeforeAnyFitAndAreNamed()
    {
        var evaluator = new FakeEvaluator((_, _) => 0) { Invalid = p => p.Contains("-1") };
        var e = Assert.Throws<InvalidParameterException>(() =>
            SearchRunner.Run(Grid("""{"max_depth": [2, -1], "eta": [0.3]}""", 3), evaluator, 30, 0, 1, None));
        Assert.Contains("""search candidate {"eta":0.3,"max_depth":-1} is invalid: max_depth must be at least 0""", e.Message);
        Assert.Equal("Fix it.", e.Hint);
        Assert.Empty(evaluator.Fits);
    }

    [Fact]
    public void FitErrorsPropagate()
    {
        var evaluator = new FakeEvaluator((p, _) => throw new InvalidParameterException($"XGBoost rejected the search candidate {p}"));
        var e = Assert.Throws<InvalidParameterException>(() => SearchRunner.Run(Grid("""{"max_depth": [2]}""", 2), evaluator, 10, 0, 1, None));
        Assert.Contains("""{"max_depth":2}""", e.Message);
    }

    [Fact]
    public void TooFewTrainingRowsForTheFolds()
    {
        var e = Assert.Throws<InvalidDataException>(() =>
            SearchRunner.Run(Grid("""{"max_depth": [2]}""", 5), new FakeEvaluator((_, _) => 0), 9, 100, 1, None));
        Assert.Contains("cv = 5 needs at least 10 training rows (2 per fold), the training split has 9", e.Message);
        Assert.Contains("Lower cv", e.Hint);
    }

    [Fact]
    public void CvOneNeedsTestRows()
    {
        var e = Assert.Throws<InvalidDataException>(() =>
            SearchRunner.Run(Grid("""{"max_depth": [2]}""", 1), new FakeEvaluator((_, _) => 0), 50, 0, 1, None));
        Assert.Contains("cv = 1", e.Message);
    }

    [Fact]
    public void RandomSearchUsesTheSeed()
    {
        var spec = SearchSpec.Parse("random", null, """{"a": [1, 2, 3, 4, 5, 6, 7, 8]}""", """{"n_iter": 3, "cv": 2}""");
        var one = SearchRunner.Run(spec, new FakeEvaluator((_, _) => 0), 10, 0, seed: 11, None);
        var again = SearchRunner.Run(spec, new FakeEvaluator((_, _) => 0), 10, 0, seed: 11, None);
        Assert.Equal(spec.Candidates(11), one.Candidates.Select(c => c.Params));
        Assert.Equal(one.Candidates.Select(c => c.Params), again.Candidates.Select(c => c.Params));
    }

    [Fact]
    public void ToJsonIsShapedLikeScikitLearnsCvResults()
    {
        var evaluator = new FakeEvaluator((p, nth) => p.Contains("\"max_depth\":2") ? 0.5 + nth * 0.1 : p.Contains("\"max_depth\":4") ? 0.8 : double.NaN);
        var spec = SearchSpec.Parse("grid", """{"n_estimators": 10}""", """{"max_depth": [2, 4, 6], "eta": [0.3]}""", """{"cv": 3}""");
        var result = SearchRunner.Run(spec, evaluator, 30, 5, 1, None);

        using var doc = JsonDocument.Parse(result.ToJson());
        var root = doc.RootElement;
        Assert.Equal(
        [
            "params", "param_eta", "param_max_depth", "mean_test_score", "std_test_score", "rank_test_score",
            "split0_test_score", "split1_test_score", "split2_test_score", "mean_fit_time", "std_fit_time",
            "best_index", "best_params", "best_score", "n_splits", "metric",
        ], root.EnumerateObject().Select(p => p.Name));

        Assert.Equal(3, root.GetProperty("params").GetArrayLength());
        Assert.Equal(4, root.GetProperty("params")[1].GetProperty("max_depth").GetInt32());
        Assert.Equal(10, root.GetProperty("params")[1].GetProperty("n_estimators").GetInt32());
        Assert.Equal([2, 4, 6], root.GetProperty("param_max_depth").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([0.3, 0.3, 0.3], root.GetProperty("param_eta").EnumerateArray().Select(e => e.GetDouble()));

        var mean = root.GetProperty("mean_test_score");
        Assert.Equal(0.6, mean[0].GetDouble(), 12);
        Assert.Equal(0.8, mean[1].GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, mean[2].ValueKind);
        Assert.Equal(Math.Sqrt(0.02 / 3), root.GetProperty("std_test_score")[0].GetDouble(), 12);
        Assert.Equal([2, 1, 3], root.GetProperty("rank_test_score").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(0.7, root.GetProperty("split2_test_score")[0].GetDouble(), 12);
        Assert.Equal(0.8, root.GetProperty("split1_test_score")[1].GetDouble(), 12);
        Assert.Equal(3, root.GetProperty("mean_fit_time").GetArrayLength());
        Assert.Equal(3, root.GetProperty("std_fit_time").GetArrayLength());

        Assert.Equal(1, root.GetProperty("best_index").GetInt32());
        Assert.Equal(4, root.GetProperty("best_params").GetProperty("max_depth").GetInt32());
        Assert.Equal(0.8, root.GetProperty("best_score").GetDouble(), 12);
        Assert.Equal(3, root.GetProperty("n_splits").GetInt32());
        Assert.Equal("fake", root.GetProperty("metric").GetString());
    }
}
