namespace Pgml.Engine.Metrics;

/// <summary>
/// Classification scores of a test set, matching scikit-learn's defaults (accuracy_score, precision/recall/f1 with
/// zero_division acting as 0, roc_auc_score, log_loss with eps = 1e-15).
/// </summary>
internal static class ClassificationMetrics
{
    /// <summary>Probabilities are clipped to [LogLossEpsilon, 1 - LogLossEpsilon] before the log, as scikit-learn 1.2.</summary>
    public const double LogLossEpsilon = 1e-15;

    /// <summary>
    /// Adds "accuracy", "precision", "recall", "f1" and "log_loss", plus "roc_auc" when <paramref name="numClasses"/> is 2,
    /// to <paramref name="into"/> (overwriting existing keys). Undefined scores are NaN, never an exception.
    /// </summary>
    /// <param name="truth">Class index of each row, 0 .. numClasses - 1.</param>
    /// <param name="probabilities">
    /// numClasses == 2: one value per row, P(class 1). numClasses &gt; 2: rows × numClasses, row-major.
    /// </param>
    /// <remarks>
    /// Predicted class: binary p &gt; 0.5 (exactly 0.5 predicts class 0, as XGBClassifier.predict); multiclass the
    /// first argmax. Binary precision/recall/f1 are those of class 1. Multiclass ones are the unweighted (macro)
    /// mean over the classes that occur in the truth or the predictions of this test set, exactly as scikit-learn's
    /// average='macro' with no explicit labels: a class absent from both is left out rather than counted as 0.
    /// A zero denominator (no predictions of a class, no rows of it) scores 0 for that class.
    /// log_loss renormalises each clipped row to sum 1 (as scikit-learn) and is computed for any class count.
    /// roc_auc ranks the probabilities with average ranks for ties (Mann–Whitney U); NaN when the test set holds one
    /// class only.
    /// </remarks>
    public static void Compute(ReadOnlySpan<int> truth, ReadOnlySpan<float> probabilities, int numClasses, IDictionary<string, double> into)
    {
        if (numClasses < 2) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "a classifier needs at least 2 classes");
        int n = truth.Length;
        int width = numClasses == 2 ? 1 : numClasses;
        if (probabilities.Length != (long)n * width)
            throw new ArgumentException($"expected {(long)n * width} probabilities ({n} rows × {width}), got {probabilities.Length}", nameof(probabilities));
        for (int i = 0; i < n; i++)
            if ((uint)truth[i] >= (uint)numClasses)
                throw new ArgumentException($"class index {truth[i]} of row {i} is outside 0..{numClasses - 1}", nameof(truth));

        if (n == 0)
        {
            foreach (string key in (string[])["accuracy", "precision", "recall", "f1", "mcc", "log_loss"]) into[key] = double.NaN;
            if (numClasses == 2) into["roc_auc"] = double.NaN;
            return;
        }

        var confusion = ConfusionMatrix(truth, probabilities, numClasses);
        long correct = 0;
        for (int c = 0; c < numClasses; c++) correct += confusion[c * numClasses + c];
        into["accuracy"] = (double)correct / n;
        into["mcc"] = Mcc(confusion, numClasses, n, correct);

        if (numClasses == 2)
        {
            var (p, r, f) = Scores(confusion, numClasses, 1);
            into["precision"] = p;
            into["recall"] = r;
            into["f1"] = f;
            into["roc_auc"] = RocAuc(truth, probabilities);
        }
        else
        {
            double sumP = 0, sumR = 0, sumF = 0;
            int present = 0;
            for (int c = 0; c < numClasses; c++)
            {
                long support = 0, predictedCount = 0;
                for (int o = 0; o < numClasses; o++)
                {
                    support += confusion[c * numClasses + o];
                    predictedCount += confusion[o * numClasses + c];
                }
                if (support == 0 && predictedCount == 0) continue;
                var (p, r, f) = Scores(confusion, numClasses, c);
                sumP += p;
                sumR += r;
                sumF += f;
                present++;
            }
            into["precision"] = sumP / present;
            into["recall"] = sumR / present;
            into["f1"] = sumF / present;
        }

        into["log_loss"] = LogLoss(truth, probabilities, numClasses);
    }

    /// <summary>
    /// The confusion matrix, row-major K×K: element [t * K + p] counts the rows of true class t predicted as p
    /// (classes in class-index order; the predicted class as in <see cref="Compute"/>).
    /// </summary>
    public static long[] ConfusionMatrix(ReadOnlySpan<int> truth, ReadOnlySpan<float> probabilities, int numClasses)
    {
        var confusion = new long[numClasses * numClasses];
        for (int i = 0; i < truth.Length; i++)
            confusion[truth[i] * numClasses + Predict(probabilities, i, numClasses)]++;
        return confusion;
    }

    /// <summary>
    /// Matthews correlation coefficient, K-class form (Gorodkin 2004; scikit-learn's matthews_corrcoef):
    /// (c·s − Σ p_k·t_k) / sqrt((s² − Σ p_k²)(s² − Σ t_k²)); 0 when a factor of the denominator is 0, as scikit-learn.
    /// </summary>
    private static double Mcc(long[] confusion, int k, long s, long c)
    {
        double pt = 0, pp = 0, tt = 0;
        for (int cls = 0; cls < k; cls++)
        {
            long predicted = 0, actual = 0;
            for (int o = 0; o < k; o++)
            {
                predicted += confusion[o * k + cls];
                actual += confusion[cls * k + o];
            }
            pt += (double)predicted * actual;
            pp += (double)predicted * predicted;
            tt += (double)actual * actual;
        }
        double s2 = (double)s * s;
        // one square root of the product (as scikit-learn): two roots multiplied round a perfect score past 1
        double denominator = Math.Sqrt((s2 - pp) * (s2 - tt));
        return denominator == 0 ? 0 : Math.Clamp(((double)c * s - pt) / denominator, -1, 1);
    }

    private static int Predict(ReadOnlySpan<float> probabilities, int row, int numClasses)
    {
        if (numClasses == 2) return probabilities[row] > 0.5f ? 1 : 0;
        var p = probabilities.Slice(row * numClasses, numClasses);
        int best = 0;
        for (int c = 1; c < p.Length; c++)
            if (p[c] > p[best]) best = c;
        return best;
    }

    private static (double Precision, double Recall, double F1) Scores(long[] confusion, int k, int c)
    {
        long tp = confusion[c * k + c], fp = 0, fn = 0;
        for (int o = 0; o < k; o++)
        {
            if (o == c) continue;
            fp += confusion[o * k + c];
            fn += confusion[c * k + o];
        }
        double precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
        // 2tp / (2tp + fp + fn) is the harmonic mean of precision and recall, and 0 when both are 0.
        double f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
        return (precision, recall, f1);
    }

    private static double RocAuc(ReadOnlySpan<int> truth, ReadOnlySpan<float> scores)
    {
        int n = truth.Length;
        long positives = 0;
        for (int i = 0; i < n; i++)
        {
            if (float.IsNaN(scores[i])) return double.NaN;
            positives += truth[i];
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) return double.NaN;

        var index = new int[n];
        for (int i = 0; i < n; i++) index[i] = i;
        var keys = scores.ToArray();
        Array.Sort(keys, index);

        // AUC = U / (P × N) with U = (sum of the positives' ranks) - P(P+1)/2; tied scores share their average rank.
        double positiveRankSum = 0;
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            while (end < n && keys[end] == keys[start]) end++;
            double averageRank = (start + 1 + end) / 2.0;
            for (int j = start; j < end; j++)
                if (truth[index[j]] == 1) positiveRankSum += averageRank;
            start = end;
        }
        double u = positiveRankSum - positives * (positives + 1) / 2.0;
        return u / ((double)positives * negatives);
    }

    private static double LogLoss(ReadOnlySpan<int> truth, ReadOnlySpan<float> probabilities, int numClasses)
    {
        int n = truth.Length;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double pTrue;
            if (numClasses == 2)
            {
                // scikit-learn clips P(1) and only then derives P(0) = 1 - P(1), so P(0) bottoms out at
                // 1 - (1 - eps), slightly below eps in double; the same order gives the same values.
                double p1 = Clip(probabilities[i]), p0 = 1 - p1;
                pTrue = (truth[i] == 1 ? p1 : p0) / (p0 + p1);
            }
            else
            {
                var row = probabilities.Slice(i * numClasses, numClasses);
                double sum = 0;
                foreach (float p in row) sum += Clip(p);
                pTrue = Clip(row[truth[i]]) / sum;
            }
            total -= Math.Log(pTrue);
        }
        return total / n;
    }

    private static double Clip(double p) => Math.Clamp(p, LogLossEpsilon, 1 - LogLossEpsilon);
}
