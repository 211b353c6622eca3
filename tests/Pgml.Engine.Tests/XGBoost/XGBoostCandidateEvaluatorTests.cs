using System.Text.Json;
using Pgml.Engine.Data;
using Pgml.Engine.Metrics;
using Pgml.Engine.Search;
using Pgml.Engine.Trees;
using Pgml.Engine.XGBoost;
using Xunit;

namespace Pgml.Engine.Tests.XGBoost;

public class XGBoostCandidateEvaluatorTests
{
    private const int Columns = 4;

    /// <summary>Rows of uniform features in [-1, 1) and the label computed from each row.</summary>
    private static (NativeMatrix Features, float[] Labels) Synthetic(int rows, Func<float[], float> label, int seed = 1) =>
        SyntheticData.UniformMatrix(rows, Columns, seed, -1, 1, label);

    private static void None() { }

    [Fact]
    public void DeeperTreesWinOnAnInteraction()
    {
        // A three-way interaction: stumps (max_depth 1) add up one feature at a time and cannot represent it.
        var (features, labels) = Synthetic(1500, x => x[0] * x[1] * x[2] * 4);
        using (features)
        using (var evaluator = new XGBoostCandidateEvaluator(features, labels, 1200, XGBoostTask.Regression, 0))
        {
            var spec = SearchSpec.Parse("grid", """{"n_estimators": 40}""", """{"max_depth": [1, 6]}""", null);
            var result = SearchRunner.Run(spec, evaluator, 1200, 300, 7, None);

            Assert.Equal("r2", result.Metric);
            Assert.Equal(5, result.Splits);
            Assert.Equal(1, result.BestIndex);
            Assert.Equal("""{"max_depth":6,"n_estimators":40}""", result.BestParams);
            Assert.True(result.Candidates[0].MeanScore < 0.2, $"stumps r2 = {result.Candidates[0].MeanScore}");
            Assert.True(result.Candidates[1].MeanScore > 0.6, $"depth 6 r2 = {result.Candidates[1].MeanScore}");
            Assert.All(result.Candidates, c => Assert.Equal(5, c.SplitScores.Count));
            Assert.True(evaluator.Data.OpenHandles <= 1);
        }
    }

    [Fact]
    public void ClassificationSearchUsesF1()
    {
        // XOR of two signs: depth 1 cannot separate it, depth 3 can.
        var (features, labels) = Synthetic(1200, x => x[0] * x[1] > 0 ? 1 : 0, seed: 2);
        using (features)
        using (var evaluator = new XGBoostCandidateEvaluator(features, labels, 1000, XGBoostTask.Classification, 2))
        {
            var spec = SearchSpec.Parse("random", """{"n_estimators": 20}""", """{"max_depth": [1, 3], "eta": [0.3]}""", """{"cv": 3}""");
            var result = SearchRunner.Run(spec, evaluator, 1000, 200, 7, None);
            Assert.Equal("f1", result.Metric);
            Assert.Equal("""{"eta":0.3,"max_depth":3,"n_estimators":20}""", result.BestParams);
            Assert.True(result.BestCandidate.MeanScore > 0.9, $"f1 = {result.BestCandidate.MeanScore}");
        }
    }

    [Fact]
    public void MulticlassSearchRuns()
    {
        var (features, labels) = Synthetic(600, x => x[0] < -0.3f ? 0 : x[0] < 0.3f ? 1 : 2, seed: 3);
        using (features)
        using (var evaluator = new XGBoostCandidateEvaluator(features, labels, 500, XGBoostTask.Classification, 3))
        {
            var spec = SearchSpec.Parse("grid", """{"n_estimators": 10}""", """{"objective": ["multi:softprob", "multi:softmax"]}""", """{"cv": 2}""");
            var result = SearchRunner.Run(spec, evaluator, 500, 100, 7, None);
            Assert.All(result.Candidates, c => Assert.True(c.MeanScore > 0.9, $"{c.Params}: f1 = {c.MeanScore}"));
            // softmax is scored on its class probabilities, exactly as softprob.
            Assert.Equal(result.Candidates[0].SplitScores, result.Candidates[1].SplitScores);
        }
    }

    /// <summary>Trains the ordinary way, on a fresh matrix holding just <paramref name="rows"/>.</summary>
    private static byte[] TrainDirectly(NativeMatrix features, float[] labels, long[] rows, XGBoostTask task, int numClasses, string json)
    {
        using var subset = new NativeMatrix(features.Columns, rows.Length);
        foreach (long r in rows) subset.AppendRow(features.Row(r));
        float[] subsetLabels = rows.Select(r => labels[r]).ToArray();
        return XGBoostTrainer.Train(subset, subsetLabels, rows.Length, task, numClasses, XGBoostParameters.Parse(json, task), None);
    }

    private static double DirectScore(byte[] model, NativeMatrix features, float[] labels, long[] rows, XGBoostTask task, int numClasses)
    {
        var trees = TreeEnsemble.FromXGBoostJson(model);
        int width = Math.Max(1, trees.NumOutputs);
        var output = new float[rows.Length * width];
        for (int i = 0; i < rows.Length; i++) trees.Predict(features.Row(rows[i]), output.AsSpan(i * width, width));
        var metrics = new Dictionary<string, double>();
        if (task == XGBoostTask.Regression)
        {
            RegressionMetrics.Compute(rows.Select(r => labels[r]).ToArray(), output, metrics);
            return metrics["r2"];
        }
        ClassificationMetrics.Compute(rows.Select(r => (int)labels[r]).ToArray(), output, numClasses, metrics);
        return metrics["f1"];
    }

    [Theory]
    [InlineData(XGBoostTask.Regression, 0)]
    [InlineData(XGBoostTask.Classification, 2)]
    [InlineData(XGBoostTask.Classification, 3)]
    public void FoldScoresEqualTrainingDirectlyOnTheSameRows(XGBoostTask task, int numClasses)
    {
        Func<float[], float> label = task == XGBoostTask.Regression
            ? x => x[0] * x[1] + x[2]
            : x => numClasses == 2 ? (x[0] + x[1] > 0 ? 1 : 0) : (x[0] < -0.3f ? 0 : x[1] < 0 ? 1 : 2);
        var (features, labels) = Synthetic(700, label, seed: 4);
        for (long i = 0; i < features.Rows; i += 9) features[i, 3] = float.NaN;   // missing values take the default branch
        using (features)
        using (var evaluator = new XGBoostCandidateEvaluator(features, labels, 600, task, numClasses))
        {
            string[] candidates = ["""{"max_depth":3,"n_estimators":15,"subsample":0.8,"seed":5}""", """{"eta":0.2,"max_depth":5,"n_estimators":10}"""];
            for (int f = 0; f < 3; f++)
            {
                var (train, validation) = SearchRunner.Fold(600, 3, f);
                // Both candidates on one fold: the second reuses the cached slice and must still match.
                foreach (string json in candidates)
                {
                    byte[] direct = TrainDirectly(features, labels, train, task, numClasses, json);
                    byte[] sliced = evaluator.Fit(json, train, None);
                    Assert.Equal(direct, sliced);
                    double score = evaluator.FitAndScore(json, train, validation, None);
                    Assert.Equal(DirectScore(direct, features, labels, validation, task, numClasses), score);
                }
            }

            // All training rows in order use the full matrix itself, and equal the ordinary Train call.
            long[] all = Enumerable.Range(0, 600).Select(i => (long)i).ToArray();
            Assert.Equal(
                XGBoostTrainer.Train(features, labels, 600, task, numClasses, XGBoostParameters.Parse(candidates[0], task), None),
                evaluator.Fit(candidates[0], all, None));
        }
    }

    [Fact]
    public void ManyFoldsLeaveNoHandlesBehind()
    {
        var (features, labels) = Synthetic(400, x => x[0] + x[1], seed: 5);
        using (features)
        {
            var evaluator = new XGBoostCandidateEvaluator(features, labels, 400, XGBoostTask.Regression, 0);
            var spec = SearchSpec.Parse("grid", """{"n_estimators": 3}""", """{"max_depth": [1, 2, 3, 4]}""", """{"cv": 20}""");
            for (int repeat = 0; repeat < 3; repeat++)
            {
                var result = SearchRunner.Run(spec, evaluator, 400, 0, 1, None);
                Assert.Equal(4, result.Candidates.Count);
                // Only the current fold's slice stays cached; every booster is freed.
                Assert.Equal(1, evaluator.Data.OpenHandles);
            }
            evaluator.Dispose();
            Assert.Equal(0, evaluator.Data.OpenHandles);
            evaluator.Dispose();   // twice is harmless
        }
    }

    [Fact]
    public void InterruptStopsTrainingWithinARoundAndFreesTheBooster()
    {
        var (features, labels) = Synthetic(500, x => x[0], seed: 6);
        using (features)
        using (var evaluator = new XGBoostCandidateEvaluator(features, labels, 500, XGBoostTask.Regression, 0))
        {
            int calls = 0;
            void Interrupt()
            {
                if (++calls == 5) throw new OperationCanceledException("canceling statement due to user request");
            }
            var spec = SearchSpec.Parse("grid", """{"n_estimators": 100000}""", """{"max_depth": [2, 3]}""", null);
            Assert.Throws<OperationCanceledException>(() => SearchRunner.Run(spec, evaluator, 500, 0, 1, Interrupt));
            // One call before the first fit, then one per round: the 4th round's check cancels, 99996 rounds early.
            Assert.Equal(5, calls);
            Assert.Equal(1, evaluator.Data.OpenHandles);   // the fold's slice; the booster is gone
        }
    }

    [Fact]
    public void AValueXGBoostRejectsIsAnInvalidParameterNamingTheCandidate()
    {
        var (features, labels) = Synthetic(200, x => x[0], seed: 7);
        using (features)
        using (var evaluator = new XGBoostCandidateEvaluator(features, labels, 200, XGBoostTask.Regression, 0))
        {
            // pgml's parser accepts any eval_metric string; XGBoost refuses unknown ones when training starts.
            var spec = SearchSpec.Parse("grid", """{"n_estimators": 2}""", """{"eval_metric": ["rmse", "no_such_metric"]}""", """{"cv": 2}""");
            var e = Assert.Throws<InvalidParameterException>(() => SearchRunner.Run(spec, evaluator, 200, 0, 1, None));
            Assert.Contains("""XGBoost rejected the search candidate {"eval_metric":"no_such_metric","n_estimators":2}""", e.Message);
            Assert.Contains("search_params", e.Hint);
            Assert.True(evaluator.Data.OpenHandles <= 1);
        }
    }

    [Fact]
    public void AValuePgmlRejectsFailsBeforeTraining()
    {
        var (features, labels) = Synthetic(200, x => x[0], seed: 8);
        using (features)
        using (var evaluator = new XGBoostCandidateEvaluator(features, labels, 200, XGBoostTask.Regression, 0))
        {
            var spec = SearchSpec.Parse("grid", """{"n_estimators": 100000}""", """{"max_depth": [3, -1]}""", null);
            int calls = 0;
            var e = Assert.Throws<InvalidParameterException>(() => SearchRunner.Run(spec, evaluator, 200, 0, 1, () => calls++));
            Assert.Contains("""search candidate {"max_depth":-1,"n_estimators":100000} is invalid""", e.Message);
            Assert.Contains("max_depth", e.Message);
            Assert.Equal(0, calls);
            Assert.Equal(0, evaluator.Data.OpenHandles);
        }
    }

    [Fact]
    public void AnAliasInHyperparamsAndSearchParamsIsCaught()
    {
        // The spec only compares key names; the algorithm's own validation knows eta and learning_rate are one parameter.
        var (features, labels) = Synthetic(200, x => x[0], seed: 13);
        using (features)
        using (var evaluator = new XGBoostCandidateEvaluator(features, labels, 200, XGBoostTask.Regression, 0))
        {
            var spec = SearchSpec.Parse("grid", """{"eta": 0.1}""", """{"learning_rate": [0.2, 0.3]}""", null);
            var e = Assert.Throws<InvalidParameterException>(() => SearchRunner.Run(spec, evaluator, 200, 0, 1, None));
            Assert.Contains("\"eta\" and \"learning_rate\" are the same parameter", e.Message);
        }
    }

    [Fact]
    public void ObjectiveThatDoesNotFitTheClassesFailsBeforeTraining()
    {
        var (features, labels) = Synthetic(200, x => x[0] > 0 ? 1 : 0, seed: 9);
        using (features)
        using (var evaluator = new XGBoostCandidateEvaluator(features, labels, 200, XGBoostTask.Classification, 2))
        {
            var spec = SearchSpec.Parse("grid", null, """{"objective": ["binary:logistic", "multi:softprob"]}""", null);
            var e = Assert.Throws<InvalidParameterException>(() => SearchRunner.Run(spec, evaluator, 200, 0, 1, None));
            Assert.Contains("multi:softprob", e.Message);
        }
    }

    [Fact]
    public void LogitrawIsScoredOnItsMarginsSign()
    {
        var (features, labels) = Synthetic(600, x => x[0] + x[1] > 0.2f ? 1 : 0, seed: 10);
        using (features)
        using (var evaluator = new XGBoostCandidateEvaluator(features, labels, 500, XGBoostTask.Classification, 2))
        {
            long[] train = Enumerable.Range(0, 500).Select(i => (long)i).ToArray();
            long[] test = Enumerable.Range(500, 100).Select(i => (long)i).ToArray();
            // Both start from margin 0 and share the logistic loss, so they grow the same trees: logitraw's margin is
            // positive exactly where logistic's probability exceeds 0.5, and the f1 must be the same.
            double logistic = evaluator.FitAndScore("""{"n_estimators": 3, "eta": 0.1, "objective": "binary:logistic"}""", train, test, None);
            double logitraw = evaluator.FitAndScore("""{"n_estimators": 3, "eta": 0.1, "objective": "binary:logitraw", "base_score": 0}""", train, test, None);
            Assert.True(logistic > 0.8, $"f1 = {logistic}");
            Assert.Equal(logistic, logitraw);
        }
    }

    [Fact]
    public void TrainingRowsOutsideTheTrainingSplitAreRefused()
    {
        var (features, labels) = Synthetic(100, x => x[0], seed: 11);
        using (features)
        using (var evaluator = new XGBoostCandidateEvaluator(features, labels, 80, XGBoostTask.Regression, 0))
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => evaluator.FitAndScore("{}", new long[] { 1, 2, 85 }, new long[] { 90 }, None));
            // Validation rows may be anywhere, training rows only in 0..79.
            double r2 = evaluator.FitAndScore("""{"n_estimators": 5}""", Enumerable.Range(0, 80).Select(i => (long)i).ToArray(),
                Enumerable.Range(80, 20).Select(i => (long)i).ToArray(), None);
            Assert.True(r2 > 0.5, $"r2 = {r2}");
        }
    }

    [Fact]
    public void SearchResultJsonIsValid()
    {
        var (features, labels) = Synthetic(300, x => x[0] * 2, seed: 12);
        using (features)
        using (var evaluator = new XGBoostCandidateEvaluator(features, labels, 250, XGBoostTask.Regression, 0))
        {
            var spec = SearchSpec.Parse("random", """{"n_estimators": 5}""", """{"max_depth": [1, 2, 3], "eta": [0.1, 0.5]}""", """{"n_iter": 4, "cv": 3}""");
            var result = SearchRunner.Run(spec, evaluator, 250, 50, 3, None);
            using var doc = JsonDocument.Parse(result.ToJson());
            Assert.Equal(4, doc.RootElement.GetProperty("params").GetArrayLength());
            Assert.Equal("r2", doc.RootElement.GetProperty("metric").GetString());
            Assert.Equal(result.BestIndex, doc.RootElement.GetProperty("best_index").GetInt32());
        }
    }
}
