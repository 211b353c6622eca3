using System.Text;
using Pgml.Engine.Data;
using Pgml.Engine.LightGbm;
using Pgml.Engine.Metrics;
using Xunit;

namespace Pgml.Engine.Tests.LightGbm;

[Collection(LightGbmCollection.Name)]
public class LightGbmTrainerTests
{
    private const int Rows = 1000;
    private const int TrainRows = 800;

    /// <summary>Rows of 3 uniform features in [-2, 2) and the label computed from each row.</summary>
    private static (NativeMatrix Features, float[] Labels) Synthetic(Func<float[], float> label, int seed = 1) =>
        SyntheticData.UniformMatrix(Rows, 3, seed, -2, 2, label);

    private static LightGbmParameters Params(string json, LightGbmTask task = LightGbmTask.Regression) =>
        LightGbmParameters.Parse(json.Insert(1, "\"num_threads\": 1" + (json.Trim() == "{}" ? "" : ", ")), task);

    private static double[] PredictTest(byte[] model, NativeMatrix features)
    {
        var ensemble = LightGbmEnsemble.FromLightGbmText(model);
        var result = new List<double>();
        var output = new double[ensemble.NumOutputs];
        for (long i = TrainRows; i < Rows; i++)
        {
            ensemble.Predict(features.Row(i), output);
            result.AddRange(output);
        }
        return [.. result];
    }

    private static void NoInterrupts() { }

    [Fact]
    public void RegressionLearnsTheSignal()
    {
        var (features, labels) = Synthetic(x => 2 * x[0] - x[1] + 0.5f * x[2] * x[2]);
        using (features)
        {
            byte[] model = LightGbmTrainer.Train(features, labels, TrainRows, LightGbmTask.Regression, 0, Params("{}"), NoInterrupts);
            string text = Encoding.UTF8.GetString(model);
            Assert.StartsWith("tree\nversion=v4\n", text);
            Assert.Contains("objective=regression\n", text);
            Assert.Contains("[verbosity: -1]", text);
            Assert.DoesNotContain('\0', text);
            Assert.Equal(100, LightGbmEnsemble.FromLightGbmText(model).NumTrees);
            double[] predicted = PredictTest(model, features);
            var metrics = new Dictionary<string, double>();
            RegressionMetrics.Compute(labels.AsSpan(TrainRows), predicted.Select(v => (float)v).ToArray(), metrics);
            Assert.True(metrics["r2"] > 0.9, $"r2 = {metrics["r2"]}");
        }
    }

    [Fact]
    public void BinaryClassificationLearnsTheBoundary()
    {
        var (features, labels) = Synthetic(x => x[0] + x[1] > 0 ? 1 : 0);
        using (features)
        {
            byte[] model = LightGbmTrainer.Train(features, labels, TrainRows, LightGbmTask.Classification, 2,
                Params("""{"n_estimators": 50}""", LightGbmTask.Classification), NoInterrupts);
            Assert.Contains("objective=binary sigmoid:1\n", Encoding.UTF8.GetString(model));
            double[] p = PredictTest(model, features);
            int correct = Enumerable.Range(0, p.Length).Count(i => (p[i] > 0.5 ? 1 : 0) == (int)labels[TrainRows + i]);
            Assert.True(correct > 0.93 * p.Length, $"{correct} of {p.Length}");
        }
    }

    [Fact]
    public void MulticlassPredictsOneProbabilityPerClass()
    {
        var (features, labels) = Synthetic(x => x[0] < -0.7f ? 0 : x[0] < 0.7f ? 1 : x[1] > 0 ? 2 : 3);
        using (features)
        {
            byte[] model = LightGbmTrainer.Train(features, labels, TrainRows, LightGbmTask.Classification, 4,
                Params("""{"n_estimators": 30}""", LightGbmTask.Classification), NoInterrupts);
            var ensemble = LightGbmEnsemble.FromLightGbmText(model);
            Assert.Equal(4, ensemble.NumOutputs);
            Assert.Equal(120, ensemble.NumTrees);
            double[] p = PredictTest(model, features);
            int correct = 0;
            for (int i = 0; i < Rows - TrainRows; i++)
            {
                var row = p.AsSpan(i * 4, 4);
                Assert.Equal(1.0, row[0] + row[1] + row[2] + row[3], 12);
                int best = 0;
                for (int k = 1; k < 4; k++) if (row[k] > row[best]) best = k;
                if (best == (int)labels[TrainRows + i]) correct++;
            }
            Assert.True(correct > 0.9 * (Rows - TrainRows), $"{correct} correct");
        }
    }

    [Fact]
    public void TrainsOnlyOnTheFirstRowsAndReadsNaN()
    {
        var (features, labels) = Synthetic(x => x[0]);
        using (features)
        {
            for (long i = 0; i < features.Rows; i += 7) features[i, 1] = float.NaN;
            // Rows past trainRows have labels LightGBM would reject (NaN); they must not be read.
            for (int i = TrainRows; i < Rows; i++) labels[i] = float.NaN;
            byte[] model = LightGbmTrainer.Train(features, labels, TrainRows, LightGbmTask.Regression, 0,
                Params("""{"n_estimators": 5, "min_data_in_leaf": 5}"""), NoInterrupts);
            Assert.Equal(5, LightGbmEnsemble.FromLightGbmText(model).NumTrees);
        }
    }

    [Fact]
    public void ParametersReachLightGbm()
    {
        var (features, labels) = Synthetic(x => x[0] * 3);
        using (features)
        {
            byte[] model = LightGbmTrainer.Train(features, labels, TrainRows, LightGbmTask.Regression, 0,
                Params("""{"n_estimators": 4, "num_leaves": 7, "learning_rate": 0.25, "max_bin": 31, "objective": "huber", "alpha": 2.5, "colsample_bytree": 0.9, "random_state": 42}"""),
                NoInterrupts);
            string text = Encoding.UTF8.GetString(model);
            Assert.Contains("objective=huber\n", text);
            Assert.Contains("[num_leaves: 7]", text);
            Assert.Contains("[learning_rate: 0.25]", text);
            Assert.Contains("[max_bin: 31]", text);
            Assert.Contains("[alpha: 2.5]", text);
            Assert.Contains("[feature_fraction: 0.9]", text);
            Assert.Contains("[seed: 42]", text);
            Assert.Contains("[num_threads: 1]", text);
            Assert.Contains("[boosting: gbdt]", text);
            Assert.Equal(4, LightGbmEnsemble.FromLightGbmText(model).NumTrees);
        }
    }

    [Fact]
    public void TrainingIsDeterministic()
    {
        var (features, labels) = Synthetic(x => x[0] - x[2]);
        using (features)
        {
            var p = Params("""{"n_estimators": 10, "bagging_fraction": 0.7, "bagging_freq": 1, "feature_fraction": 0.7}""");
            byte[] a = LightGbmTrainer.Train(features, labels, TrainRows, LightGbmTask.Regression, 0, p, NoInterrupts);
            byte[] b = LightGbmTrainer.Train(features, labels, TrainRows, LightGbmTask.Regression, 0, p, NoInterrupts);
            Assert.Equal(a, b);
        }
    }

    private sealed class Cancelled : Exception;

    [Fact]
    public void ThrowingInterruptCheckStopsAfterTheFirstIterationAndFreesEverything()
    {
        var (features, labels) = Synthetic(x => x[0]);
        using (features)
        {
            int before = LightGbmNative.LiveHandles;
            int calls = 0;
            Assert.Throws<Cancelled>(() => LightGbmTrainer.Train(features, labels, TrainRows, LightGbmTask.Regression, 0,
                Params("""{"n_estimators": 50}"""), () => { calls++; throw new Cancelled(); }));
            Assert.Equal(1, calls);
            Assert.Equal(before, LightGbmNative.LiveHandles);

            // Called once per iteration when it does not throw; handles are freed on success too.
            calls = 0;
            LightGbmTrainer.Train(features, labels, TrainRows, LightGbmTask.Regression, 0, Params("""{"n_estimators": 7}"""), () => calls++);
            Assert.Equal(7, calls);
            Assert.Equal(before, LightGbmNative.LiveHandles);

            // Throwing later, mid-run.
            calls = 0;
            Assert.Throws<Cancelled>(() => LightGbmTrainer.Train(features, labels, TrainRows, LightGbmTask.Regression, 0,
                Params("""{"n_estimators": 50}"""), () => { if (++calls == 5) throw new Cancelled(); }));
            Assert.Equal(5, calls);
            Assert.Equal(before, LightGbmNative.LiveHandles);
        }
    }

    [Fact]
    public void StopsEarlyWhenNothingCanBeSplit()
    {
        var (features, _) = Synthetic(x => 0);
        using (features)
        {
            var labels = Enumerable.Repeat(3f, Rows).ToArray();
            int calls = 0;
            byte[] model = LightGbmTrainer.Train(features, labels, TrainRows, LightGbmTask.Regression, 0, Params("""{"n_estimators": 50}"""), () => calls++);
            Assert.True(calls < 50, $"{calls} iterations");
            var ensemble = LightGbmEnsemble.FromLightGbmText(model);
            var output = new double[1];
            ensemble.Predict(features.Row(0), output);
            Assert.Equal(3.0, output[0], 6);
        }
    }

    [Fact]
    public void ObjectiveNotFittingTheClassesFailsBeforeTraining()
    {
        var (features, labels) = Synthetic(x => x[0] < -0.7f ? 0 : x[0] < 0.7f ? 1 : 2);
        using (features)
        {
            int before = LightGbmNative.LiveHandles;
            var p = Params("""{"objective": "binary"}""", LightGbmTask.Classification);
            int calls = 0;
            Assert.Throws<InvalidParameterException>(() => LightGbmTrainer.Train(features, labels, TrainRows, LightGbmTask.Classification, 3, p, () => calls++));
            Assert.Equal(0, calls);
            Assert.Equal(before, LightGbmNative.LiveHandles);
        }
    }

    [Fact]
    public void LightGbmErrorsSurfaceAsLightGbmExceptionAndFreeHandles()
    {
        // poisson needs non-negative labels; LightGBM itself rejects these, with its own message.
        var (features, labels) = Synthetic(x => x[0] - 5);
        using (features)
        {
            int before = LightGbmNative.LiveHandles;
            var e = Assert.Throws<LightGbmException>(() => LightGbmTrainer.Train(features, labels, TrainRows, LightGbmTask.Regression, 0,
                Params("""{"objective": "poisson", "n_estimators": 2}"""), NoInterrupts));
            Assert.Contains("negative", e.Message);
            Assert.StartsWith("LightGBM ", e.Message);
            Assert.NotNull(e.Hint);
            Assert.IsAssignableFrom<EngineException>(e);
            Assert.Equal(before, LightGbmNative.LiveHandles);

            // An infinite label is the user's data (LightGBM would train on it and write infinite leaves).
            labels[3] = float.PositiveInfinity;
            var infinite = Assert.Throws<InvalidDataException>(() => LightGbmTrainer.Train(features, labels, TrainRows, LightGbmTask.Regression, 0,
                Params("""{"n_estimators": 2}"""), NoInterrupts));
            Assert.Contains("row 4 is Infinity", infinite.Message);
            Assert.Equal(before, LightGbmNative.LiveHandles);
        }
    }

    [Fact]
    public void CallerBugsThrowArgumentExceptions()
    {
        var (features, labels) = Synthetic(x => x[0] > 0 ? 1 : 0);
        using (features)
        {
            var p = Params("{}", LightGbmTask.Classification);
            Assert.Throws<ArgumentOutOfRangeException>(() => LightGbmTrainer.Train(features, labels, 0, LightGbmTask.Classification, 2, p, NoInterrupts));
            Assert.Throws<ArgumentOutOfRangeException>(() => LightGbmTrainer.Train(features, labels, Rows + 1, LightGbmTask.Classification, 2, p, NoInterrupts));
            Assert.Throws<ArgumentException>(() => LightGbmTrainer.Train(features, labels, TrainRows, LightGbmTask.Regression, 2, p, NoInterrupts));
            Assert.Throws<ArgumentException>(() => LightGbmTrainer.Train(features, labels.AsSpan(0, 10), TrainRows, LightGbmTask.Classification, 2, p, NoInterrupts));
            labels[3] = 2; // not a class index for 2 classes
            Assert.Throws<ArgumentException>(() => LightGbmTrainer.Train(features, labels, TrainRows, LightGbmTask.Classification, 2, p, NoInterrupts));
            labels[3] = float.NaN;
            Assert.Throws<ArgumentException>(() => LightGbmTrainer.Train(features, labels, TrainRows, LightGbmTask.Classification, 2, p, NoInterrupts));
        }
    }
}
