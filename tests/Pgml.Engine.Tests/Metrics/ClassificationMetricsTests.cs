using Pgml.Engine.Metrics;
using Xunit;

namespace Pgml.Engine.Tests.Metrics;

public class ClassificationMetricsTests
{
    private static Dictionary<string, double> Compute(int[] truth, float[] probabilities, int numClasses)
    {
        var into = new Dictionary<string, double>();
        ClassificationMetrics.Compute(truth, probabilities, numClasses, into);
        return into;
    }

    /// <summary>One-hot probabilities, so the predicted classes are exactly <paramref name="predicted"/>.</summary>
    private static float[] OneHot(int[] predicted, int numClasses)
    {
        var p = new float[predicted.Length * numClasses];
        for (int i = 0; i < predicted.Length; i++) p[i * numClasses + predicted[i]] = 1;
        return p;
    }

    [Fact]
    public void RocAucScikitLearnDocumentationExample()
    {
        // roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75
        Assert.Equal(0.75, Compute([0, 0, 1, 1], [0.1f, 0.4f, 0.35f, 0.8f], 2)["roc_auc"], 12);
    }

    [Fact]
    public void RocAucAveragesTiedRanks()
    {
        // The tied positive/negative pair at 0.5 counts half: (0.5 + 1 + 1 + 1) / 4.
        Assert.Equal(0.875, Compute([0, 1, 0, 1], [0.5f, 0.5f, 0.2f, 0.8f], 2)["roc_auc"], 12);
        // All scores equal: no information.
        Assert.Equal(0.5, Compute([0, 1, 0, 1], [0.3f, 0.3f, 0.3f, 0.3f], 2)["roc_auc"], 12);
    }

    [Fact]
    public void RocAucWithOneClassIsNaN()
    {
        var m = Compute([1, 1, 1], [0.2f, 0.7f, 0.9f], 2);
        Assert.True(double.IsNaN(m["roc_auc"]));
        Assert.Equal(2.0 / 3, m["accuracy"], 12);
    }

    [Fact]
    public void LogLossScikitLearnDocumentationExample()
    {
        // log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]) with ham = 0, spam = 1.
        Assert.Equal(0.21616187468057912, Compute([1, 0, 0, 1], [0.9f, 0.1f, 0.2f, 0.65f], 2)["log_loss"], 6);
    }

    [Fact]
    public void LogLossClipsAtEpsilon()
    {
        Assert.Equal(-Math.Log(1e-15), Compute([1], [0f], 2)["log_loss"], 9);
        // P(0) is derived after clipping P(1): 1 - (1 - 1e-15) in double, as scikit-learn 1.2 (log_loss([0], [1.0], eps=1e-15, labels=[0, 1])).
        Assert.Equal(34.53957599234088, Compute([0], [1f], 2)["log_loss"], 9);
        Assert.Equal(-Math.Log(1 - 1e-15), Compute([1], [1f], 2)["log_loss"], tolerance: 1e-25);
    }

    [Fact]
    public void LogLossMulticlass()
    {
        var m = Compute([0, 1, 2], [0.8f, 0.1f, 0.1f, 0.2f, 0.7f, 0.1f, 0.1f, 0.1f, 0.8f], 3);
        Assert.Equal(-(Math.Log(0.8) + Math.Log(0.7) + Math.Log(0.8)) / 3, m["log_loss"], 6);
        // Rows not summing to 1 are renormalised after clipping, as scikit-learn does.
        var r = Compute([0, 1, 2], [0.5f, 0.25f, 0.25f, 0.2f, 0.5f, 0.1f, 0f, 0f, 2f], 3);
        Assert.Equal(-(Math.Log(0.5) + Math.Log(0.625)) / 3, r["log_loss"], 6);
    }

    [Fact]
    public void BinaryScoresAreThoseOfClassOne()
    {
        // scikit-learn 1.2 on y_pred = p > 0.5: precision 2/3, recall 1/2, f1 4/7, accuracy 5/8, roc_auc 0.875.
        int[] truth = [0, 1, 1, 0, 1, 1, 0, 0];
        float[] p = [0.2f, 0.7f, 0.4f, 0.6f, 0.9f, 0.5f, 0.1f, 0.3f];
        var m = Compute(truth, p, 2);
        Assert.Equal(2.0 / 3, m["precision"], 12);
        Assert.Equal(0.5, m["recall"], 12);
        Assert.Equal(4.0 / 7, m["f1"], 12);
        Assert.Equal(0.625, m["accuracy"], 12);
        Assert.Equal(0.875, m["roc_auc"], 12);
        Assert.Equal(0.45911790318134915, m["log_loss"], 9);
        Assert.Equal(7, m.Count);   // with mcc
    }

    [Fact]
    public void BinaryThresholdIsStrictlyAboveHalf()
    {
        Assert.Equal(0.0, Compute([1], [0.5f], 2)["accuracy"]);
        Assert.Equal(1.0, Compute([1], [0.50001f], 2)["accuracy"]);
    }

    [Fact]
    public void ZeroDenominatorsScoreZero()
    {
        // No positive predictions and no positive rows: precision, recall and f1 are 0, as scikit-learn's zero_division.
        var m = Compute([0, 0, 0], [0.1f, 0.2f, 0.3f], 2);
        Assert.Equal(0.0, m["precision"]);
        Assert.Equal(0.0, m["recall"]);
        Assert.Equal(0.0, m["f1"]);
        Assert.Equal(1.0, m["accuracy"]);
    }

    [Fact]
    public void MulticlassMacroScikitLearnDocumentationExample()
    {
        // precision/recall/f1_score([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], average='macro')
        var m = Compute([0, 1, 2, 0, 1, 2], OneHot([0, 2, 1, 0, 0, 1], 3), 3);
        Assert.Equal(0.2222222222222222, m["precision"], 12);
        Assert.Equal(0.3333333333333333, m["recall"], 12);
        Assert.Equal(0.26666666666666666, m["f1"], 12);
        Assert.Equal(1.0 / 3, m["accuracy"], 12);
        Assert.False(m.ContainsKey("roc_auc"));
    }

    [Fact]
    public void MulticlassMacroSkipsClassesAbsentFromTruthAndPredictions()
    {
        // Class 3 never occurs: averaged over classes 0..2 like scikit-learn's average='macro' (0.3889, not 0.2917).
        var m = Compute([0, 1, 2, 0, 1, 2], OneHot([0, 2, 1, 0, 0, 2], 4), 4);
        Assert.Equal(0.38888888888888884, m["precision"], 12);
        Assert.Equal(0.5, m["recall"], 12);
        Assert.Equal(0.43333333333333335, m["f1"], 12);
    }

    [Fact]
    public void MulticlassPredictsTheFirstMaximum()
    {
        // Row 0 ties classes 0 and 1 (predicts 0, right); row 1 ties 1 and 2 (predicts 1, wrong).
        var m = Compute([0, 2], [0.4f, 0.4f, 0.2f, 0.3f, 0.35f, 0.35f], 3);
        Assert.Equal(1.0 / 2, m["accuracy"], 12);
    }

    [Fact]
    public void EmptyTestSetGivesNaN()
    {
        var m = Compute([], [], 2);
        Assert.Equal(7, m.Count);   // with mcc
        Assert.All(m.Values, v => Assert.True(double.IsNaN(v)));
    }

    [Fact]
    public void CallerBugsThrow()
    {
        Assert.Throws<ArgumentException>(() => Compute([0, 1], [0.5f], 2));
        Assert.Throws<ArgumentException>(() => Compute([0, 3], [1, 0, 0, 0, 1, 0], 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Compute([0], [1f], 1));
    }
}
