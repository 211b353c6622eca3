using Pgml.Engine.Metrics;
using Xunit;

namespace Pgml.Engine.Tests.Metrics;

public sealed class MccTests
{
    private static double Mcc(int[] truth, float[] probabilities, int k)
    {
        var into = new Dictionary<string, double>();
        ClassificationMetrics.Compute(truth, probabilities, k, into);
        return into["mcc"];
    }

    [Fact]
    public void BinaryMatchesTheTextbookFormula()
    {
        // truth 1,1,1,0,0,0,0 ; predicted 1,1,0,1,0,0,0 -> tp 2, fn 1, fp 1, tn 3
        int[] truth = [1, 1, 1, 0, 0, 0, 0];
        float[] p = [0.9f, 0.8f, 0.2f, 0.7f, 0.1f, 0.3f, 0.4f];
        double expected = (2.0 * 3 - 1.0 * 1) / Math.Sqrt(3.0 * 3 * 4 * 4);   // (tp·tn − fp·fn) / sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn))
        Assert.Equal(expected, Mcc(truth, p, 2), 12);
    }

    [Fact]
    public void MulticlassMatchesScikitLearnsExample()
    {
        // scikit-learn: matthews_corrcoef([0, 1, 2, 2, 1], [0, 2, 2, 1, 1]) from the K-class formula:
        // s = 5, c = 3, predicted counts (1, 2, 2), true counts (1, 2, 2): (15 − 9) / sqrt((25 − 9)(25 − 9)) = 0.375
        int[] truth = [0, 1, 2, 2, 1];
        int[] predicted = [0, 2, 2, 1, 1];
        var p = new float[truth.Length * 3];
        for (int i = 0; i < truth.Length; i++) p[i * 3 + predicted[i]] = 1;
        Assert.Equal(0.375, Mcc(truth, p, 3), 12);
    }

    [Fact]
    public void UndefinedIsZeroAndTheConfusionMatrixCountsRowsByTrueClass()
    {
        int[] truth = [1, 1, 1];
        float[] p = [0.9f, 0.8f, 0.7f];   // every row predicted 1: one class only
        Assert.Equal(0, Mcc(truth, p, 2));
        var m = ClassificationMetrics.ConfusionMatrix([0, 1, 1], [0.2f, 0.9f, 0.1f], 2);
        Assert.Equal(new long[] { 1, 0, 1, 1 }, m);
    }

    [Fact]
    public void APerfectClassifierScoresExactlyOne()
    {
        // 8, 9, 8 rows of three classes, all right: two separate square roots gave 1.0000000000000002
        var truth = Enumerable.Repeat(0, 8).Concat(Enumerable.Repeat(1, 9)).Concat(Enumerable.Repeat(2, 8)).ToArray();
        var p = new float[truth.Length * 3];
        for (int i = 0; i < truth.Length; i++) p[i * 3 + truth[i]] = 1;
        Assert.Equal(1.0, Mcc(truth, p, 3));
    }
}
