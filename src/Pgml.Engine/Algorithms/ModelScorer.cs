using Pgml.Engine.Data;
using Pgml.Engine.Metrics;
using Pgml.Engine.Models;

namespace Pgml.Engine.Algorithms;

/// <summary>The held-out metrics of a trained model, computed with the same predictor that serves predictions.</summary>
public sealed record Score(Dictionary<string, double> Metrics, long[]? ConfusionMatrix, int NumClasses);

public static unsafe class ModelScorer
{
    /// <summary>Rows the silhouette is computed on at most (it is O(n²)); a seeded sample beyond that.</summary>
    public const int SilhouetteSampleSize = 10_000;

    /// <summary>
    /// Scores <paramref name="predictors"/> (one per target) on rows [<paramref name="fromRow"/>, x.Rows) of
    /// <paramref name="x"/>. Regression: r2, mean_absolute_error, mean_squared_error (averaged over targets);
    /// classification: f1, precision, recall, accuracy, mcc, roc_auc, log_loss and the confusion matrix (from the
    /// probabilities, or from one-hot predicted classes for score-only models, so roc_auc is that of hard labels and
    /// log_loss is left out); clustering: silhouette on at most <see cref="SilhouetteSampleSize"/> rows.
    /// </summary>
    /// <param name="labels">Row-major labels, <paramref name="targets"/> per row (null for unsupervised tasks).</param>
    public static Score Score(IReadOnlyList<IPredictor> predictors, NativeMatrix x, float* labels, int targets, long fromRow,
        TaskKind task, int numClasses, Action checkInterrupts, int seed = 0)
    {
        int testRows = checked((int)(x.Rows - fromRow));
        var metrics = new Dictionary<string, double>();
        if (testRows <= 0) return new Score(metrics, null, numClasses);
        switch (task)
        {
            case TaskKind.Classification:
            {
                var p = predictors[0];
                var outputs = Predict(p, x, fromRow, testRows, checkInterrupts);
                if (p.Kind == PredictionKind.Scores) OneHotArgmax(outputs, p.NumOutputs);
                var truth = new int[testRows];
                for (int i = 0; i < testRows; i++) truth[i] = (int)labels[(fromRow + i) * targets];
                // binary: the metrics read P(class 1) alone
                float[] probabilities = numClasses == 2 ? Column(outputs, p.NumOutputs, 1) : outputs;
                ClassificationMetrics.Compute(truth, probabilities, numClasses, metrics);
                if (p.Kind == PredictionKind.Scores) metrics.Remove("log_loss");
                return new Score(metrics, ClassificationMetrics.ConfusionMatrix(truth, probabilities, numClasses), numClasses);
            }
            case TaskKind.Regression:
            {
                // several targets: each target's metrics, averaged (scikit-learn's uniform average)
                var perTarget = new List<Dictionary<string, double>>();
                for (int t = 0; t < predictors.Count; t++)
                {
                    var predicted = Predict(predictors[t], x, fromRow, testRows, checkInterrupts);
                    var truth = new float[testRows];
                    for (int i = 0; i < testRows; i++) truth[i] = labels[(fromRow + i) * targets + t];
                    var m = new Dictionary<string, double>();
                    RegressionMetrics.Compute(truth, predicted, m);
                    perTarget.Add(m);
                }
                foreach (var key in perTarget[0].Keys) metrics[key] = perTarget.Average(m => m[key]);
                return new Score(metrics, null, 0);
            }
            case TaskKind.Clustering:
                metrics["silhouette"] = SampledSilhouette(predictors[0], x, fromRow, testRows, seed, checkInterrupts);
                return new Score(metrics, null, 0);
            default:
                return new Score(metrics, null, 0);
        }
    }

    private static double SampledSilhouette(IPredictor p, NativeMatrix x, long fromRow, int testRows, int seed, Action checkInterrupts)
    {
        int n = Math.Min(testRows, SilhouetteSampleSize);
        var rows = new long[n];
        if (n == testRows)
            for (int i = 0; i < n; i++) rows[i] = fromRow + i;
        else
        {
            // seeded sample without replacement (partial Fisher-Yates over the held-out rows)
            var order = new int[testRows];
            for (int i = 0; i < testRows; i++) order[i] = i;
            var rng = new Random(seed);
            for (int i = 0; i < n; i++)
            {
                int j = rng.Next(i, testRows);
                (order[i], order[j]) = (order[j], order[i]);
                rows[i] = fromRow + order[i];
            }
        }
        var sample = new float[n * x.Columns];
        var clusters = new int[n];
        var output = new float[p.NumOutputs];
        var clock = new Training.InterruptClock(checkInterrupts);
        for (int i = 0; i < n; i++)
        {
            clock.Tick();
            var row = x.Row(rows[i]);
            row.CopyTo(sample.AsSpan(i * x.Columns));
            p.Predict(row, output);
            clusters[i] = (int)output[0];
        }
        checkInterrupts();
        return Clustering.Silhouette.Score(sample, x.Columns, clusters, checkInterrupts);
    }

    public static float[] Predict(IPredictor p, NativeMatrix x, long fromRow, int rows, Action checkInterrupts)
    {
        int k = p.NumOutputs;
        var outputs = new float[(long)rows * k];
        // by the clock: one prediction of k-nearest-neighbours or a kernel svm costs as much as its training rows
        var clock = new Training.InterruptClock(checkInterrupts);
        for (int i = 0; i < rows; i++)
        {
            p.Predict(x.Row(fromRow + i), outputs.AsSpan(i * k, k));
            clock.Tick();
        }
        return outputs;
    }

    private static void OneHotArgmax(float[] outputs, int k)
    {
        for (int r = 0; r < outputs.Length / k; r++)
        {
            var row = outputs.AsSpan(r * k, k);
            int best = 0;
            for (int j = 1; j < k; j++) if (row[j] > row[best]) best = j;
            row.Clear();
            row[best] = 1;
        }
    }

    private static float[] Column(float[] outputs, int k, int column)
    {
        var c = new float[outputs.Length / k];
        for (int r = 0; r < c.Length; r++) c[r] = outputs[r * k + column];
        return c;
    }
}
