using System.Text.Json;
using Pgml.Engine.Data;
using Pgml.Engine.Metrics;
using Pgml.Engine.XGBoost;
using Xunit;

namespace Pgml.Engine.Tests.XGBoost;

public class XGBoostTrainerTests
{
    private const int Rows = 1000;
    private const int TrainRows = 800;

    /// <summary>Rows of 3 uniform features in [-2, 2) and the label computed from each row.</summary>
    private static (NativeMatrix Features, float[] Labels) Synthetic(Func<float[], float> label, int seed = 1) =>
        SyntheticData.UniformMatrix(Rows, 3, seed, -2, 2, label);

    private static float[] PredictTest(byte[] model, NativeMatrix features)
    {
        using var booster = Booster.Load(model);
        var test = new float[(Rows - TrainRows) * features.Columns];
        for (int i = TrainRows; i < Rows; i++)
            features.Row(i).CopyTo(test.AsSpan((i - TrainRows) * features.Columns));
        return booster.PredictDense(test, Rows - TrainRows, features.Columns);
    }

    private static void NoInterrupts() { }

    [Fact]
    public void RegressionLearnsASmoothFunction()
    {
        var (features, labels) = Synthetic(x => MathF.Sin(x[0]) + 0.5f * x[1]);
        using (features)
        {
            var p = XGBoostParameters.Parse("""{"n_estimators": 50, "max_depth": 4, "eta": 0.3}""", XGBoostTask.Regression);
            byte[] model = XGBoostTrainer.Train(features, labels, TrainRows, XGBoostTask.Regression, 0, p, NoInterrupts);

            var metrics = new Dictionary<string, double>();
            RegressionMetrics.Compute(labels.AsSpan(TrainRows), PredictTest(model, features), metrics);
            Assert.True(metrics["r2"] > 0.95, $"r2 = {metrics["r2"]}");

            // The model is XGBoost JSON with one tree per round.
            using var json = JsonDocument.Parse(model);
            var gbtree = json.RootElement.GetProperty("learner").GetProperty("gradient_booster").GetProperty("model");
            Assert.Equal(50, gbtree.GetProperty("trees").GetArrayLength());
        }
    }

    [Fact]
    public void BinaryClassificationLearns()
    {
        var (features, labels) = Synthetic(x => x[0] + x[1] > 0.3f ? 1 : 0);
        using (features)
        {
            var p = XGBoostParameters.Parse("""{"n_estimators": 30}""", XGBoostTask.Classification);
            byte[] model = XGBoostTrainer.Train(features, labels, TrainRows, XGBoostTask.Classification, 2, p, NoInterrupts);

            float[] probabilities = PredictTest(model, features);
            Assert.Equal(Rows - TrainRows, probabilities.Length);
            var metrics = new Dictionary<string, double>();
            ClassificationMetrics.Compute(labels[TrainRows..].Select(l => (int)l).ToArray(), probabilities, 2, metrics);
            Assert.True(metrics["accuracy"] > 0.9, $"accuracy = {metrics["accuracy"]}");
            Assert.True(metrics["roc_auc"] > 0.97, $"roc_auc = {metrics["roc_auc"]}");
        }
    }

    [Fact]
    public void MulticlassClassificationLearns()
    {
        var (features, labels) = Synthetic(x => x[0] < -0.7f ? 0 : x[0] < 0.7f ? (x[2] > 0 ? 1 : 2) : 3);
        using (features)
        {
            var p = XGBoostParameters.Parse("""{"n_estimators": 30, "max_depth": 3}""", XGBoostTask.Classification);
            byte[] model = XGBoostTrainer.Train(features, labels, TrainRows, XGBoostTask.Classification, 4, p, NoInterrupts);

            float[] probabilities = PredictTest(model, features);
            Assert.Equal((Rows - TrainRows) * 4, probabilities.Length);
            var metrics = new Dictionary<string, double>();
            ClassificationMetrics.Compute(labels[TrainRows..].Select(l => (int)l).ToArray(), probabilities, 4, metrics);
            Assert.True(metrics["accuracy"] > 0.9, $"accuracy = {metrics["accuracy"]}");
            Assert.True(metrics["f1"] > 0.9, $"f1 = {metrics["f1"]}");
        }
    }

    [Fact]
    public void ParametersReachXGBoost()
    {
        // Stumps: with max_depth 1 every tree has a root and two leaves.
        var (features, labels) = Synthetic(x => x[0] * x[1]);
        using (features)
        {
            var p = XGBoostParameters.Parse("""{"n_estimators": 5, "max_depth": 1, "learning_rate": 0.5, "seed": 3}""", XGBoostTask.Regression);
            byte[] model = XGBoostTrainer.Train(features, labels, TrainRows, XGBoostTask.Regression, 0, p, NoInterrupts);
            using var json = JsonDocument.Parse(model);
            var trees = json.RootElement.GetProperty("learner").GetProperty("gradient_booster").GetProperty("model").GetProperty("trees");
            Assert.Equal(5, trees.GetArrayLength());
            foreach (var tree in trees.EnumerateArray())
                Assert.Equal("3", tree.GetProperty("tree_param").GetProperty("num_nodes").GetString());
        }
    }

    [Fact]
    public void MissingValuesAreAccepted()
    {
        var (features, labels) = Synthetic(x => x[0]);
        using (features)
        {
            for (long i = 0; i < features.Rows; i += 7) features[i, 1] = float.NaN;
            var p = XGBoostParameters.Parse("""{"n_estimators": 5}""", XGBoostTask.Regression);
            Assert.NotEmpty(XGBoostTrainer.Train(features, labels, TrainRows, XGBoostTask.Regression, 0, p, NoInterrupts));
        }
    }

    private sealed class Cancelled : Exception;

    [Fact]
    public void ThrowingInterruptCheckStopsAfterTheFirstRound()
    {
        var (features, labels) = Synthetic(x => x[0]);
        using (features)
        {
            var p = XGBoostParameters.Parse("""{"n_estimators": 50}""", XGBoostTask.Regression);
            int calls = 0;
            Assert.Throws<Cancelled>(() => XGBoostTrainer.Train(features, labels, TrainRows, XGBoostTask.Regression, 0, p,
                () => { calls++; throw new Cancelled(); }));
            Assert.Equal(1, calls);

            // Called once per round when it does not throw.
            calls = 0;
            XGBoostTrainer.Train(features, labels, TrainRows, XGBoostTask.Regression, 0, XGBoostParameters.Parse("""{"n_estimators": 7}""", XGBoostTask.Regression),
                () => calls++);
            Assert.Equal(7, calls);
        }
    }

    [Fact]
    public void ObjectiveNotFittingTheClassesFailsBeforeTraining()
    {
        var (features, labels) = Synthetic(x => x[0] < -0.7f ? 0 : x[0] < 0.7f ? 1 : 2);
        using (features)
        {
            var p = XGBoostParameters.Parse("""{"objective": "binary:logistic"}""", XGBoostTask.Classification);
            int calls = 0;
            Assert.Throws<InvalidParameterException>(() => XGBoostTrainer.Train(features, labels, TrainRows, XGBoostTask.Classification, 3, p, () => calls++));
            Assert.Equal(0, calls);
        }
    }

    [Fact]
    public void XGBoostErrorsSurfaceAsXGBoostException()
    {
        // reg:logistic needs labels in [0, 1]; XGBoost itself rejects these.
        var (features, labels) = Synthetic(x => 5 + x[0]);
        using (features)
        {
            var p = XGBoostParameters.Parse("""{"objective": "reg:logistic", "n_estimators": 2}""", XGBoostTask.Regression);
            var e = Assert.Throws<XGBoostException>(() => XGBoostTrainer.Train(features, labels, TrainRows, XGBoostTask.Regression, 0, p, NoInterrupts));
            Assert.Contains("label", e.Message);
        }
    }

    [Fact]
    public void CallerBugsThrowArgumentExceptions()
    {
        var (features, labels) = Synthetic(x => x[0] > 0 ? 1 : 0);
        using (features)
        {
            var p = XGBoostParameters.Parse("{}", XGBoostTask.Classification);
            Assert.Throws<ArgumentOutOfRangeException>(() => XGBoostTrainer.Train(features, labels, 0, XGBoostTask.Classification, 2, p, NoInterrupts));
            Assert.Throws<ArgumentOutOfRangeException>(() => XGBoostTrainer.Train(features, labels, Rows + 1, XGBoostTask.Classification, 2, p, NoInterrupts));
            Assert.Throws<ArgumentException>(() => XGBoostTrainer.Train(features, labels, TrainRows, XGBoostTask.Regression, 2, p, NoInterrupts));
            labels[3] = 2; // not a class index for 2 classes
            Assert.Throws<ArgumentException>(() => XGBoostTrainer.Train(features, labels, TrainRows, XGBoostTask.Classification, 2, p, NoInterrupts));
        }
    }
}
