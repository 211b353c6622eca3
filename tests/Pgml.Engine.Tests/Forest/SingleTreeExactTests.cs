using System.Text.Json;
using Pgml.Engine.Forest;
using Pgml.Engine.Models;
using Xunit;

namespace Pgml.Engine.Tests.Forest;

/// <summary>
/// With one tree, every row (bootstrap = false) and every feature searched (max_features = null), a random forest's
/// tree is scikit-learn's deterministic CART, except where two splits have exactly the same gain: then each picks the
/// first in its own random feature order. Trees are compared node for node (same feature, and our float32 threshold =
/// scikit-learn's double threshold rounded down, which makes the same decision for every float32 input); where they
/// differ, the test checks on the node's training rows that the two splits' impurity decreases are equal (a tie) and
/// stops comparing below it. Regression on continuous targets has no ties, so its trees and predictions must be equal.
/// </summary>
public class SingleTreeExactTests
{
    [Theory]
    [InlineData(8, 20, "squared_error")]
    [InlineData(12, 10, "squared_error")]
    [InlineData(6, 20, "friedman_mse")]
    [InlineData(30, 1, "squared_error")]
    public void Regression_tree_is_scikit_learns(int maxDepth, int minSamplesLeaf, string criterion)
    {
        using var data = SyntheticData.Friedman(3000, 6, seed: 11);
        var hyper = new { n_estimators = 1, bootstrap = false, max_features = (object?)null, max_depth = maxDepth, min_samples_leaf = minSamplesLeaf, criterion };
        var (ours, sk, tree) = Fit(data, hyper, "sklearn.ensemble.RandomForestRegressor");
        var (matched, ties) = CompareTrees(data, ours.ToLayout(), tree, criterion);
        if (minSamplesLeaf >= 10) Assert.Empty(ties);   // ties need tiny nodes (two rows: any separating feature is as good)
        Assert.True(matched > 50, $"only {matched} nodes compared");
        // Leaf means: ours are the float32 of the same double mean (summed in another order): 1 float32 ulp at most.
        var predictions = data.FlatOutputs(ours);
        int compared = 0;
        for (int i = 0; i < predictions.Length; i++)
        {
            if (ties.Count > 0 && PassesThrough(tree, data.XTest[i], ties)) continue;
            compared++;
            Assert.True(Math.Abs(predictions[i] - (float)sk[i]) <= Math.Abs((float)sk[i]) * 1.2e-7, $"row {i}: {predictions[i]} vs {sk[i]}");
        }
        // fully grown, two-row nodes tie on every feature that separates them: compare the rows that avoid those
        Assert.True(compared == predictions.Length || (minSamplesLeaf == 1 && compared >= 50), $"only {compared} test rows avoid tied nodes");
    }

    [Theory]
    [InlineData(6, 30, "gini", 3)]
    [InlineData(5, 40, "entropy", 2)]
    [InlineData(10, 5, "gini", 2)]
    [InlineData(8, 10, "log_loss", 4)]
    public void Classification_tree_is_scikit_learns_up_to_ties(int maxDepth, int minSamplesLeaf, string criterion, int classes)
    {
        using var data = SyntheticData.Nonlinear(3000, 5, classes, seed: 5);
        var hyper = new { n_estimators = 1, bootstrap = false, max_features = (object?)null, max_depth = maxDepth, min_samples_leaf = minSamplesLeaf, criterion };
        var (ours, sk, tree) = Fit(data, hyper, "sklearn.ensemble.RandomForestClassifier");
        var (matched, ties) = CompareTrees(data, ours.ToLayout(), tree, criterion);
        Assert.True(matched > 20 && matched > 4 * ties.Count, $"{matched} nodes equal, {ties.Count} ties");
        // Probabilities are class counts over the leaf's rows: float32 of the same ratio, within 1 float32 ulp.
        var predictions = data.FlatOutputs(ours);
        int compared = 0;
        for (int i = 0; i < data.XTest.Length; i++)
        {
            if (PassesThrough(tree, data.XTest[i], ties)) continue;
            compared++;
            for (int k = 0; k < classes; k++)
                Assert.True(Math.Abs(predictions[i * classes + k] - sk[i * classes + k]) <= 6e-8, $"row {i} class {k}: {predictions[i * classes + k]} vs {sk[i * classes + k]}");
        }
        Assert.True(compared > data.XTest.Length / 2, $"only {compared} test rows avoid tied nodes");
    }

    private static (ForestPredictor, double[], SkTree) Fit(SyntheticData data, object hyper, string estimator)
    {
        var json = JsonSerializer.Serialize(hyper, hyper.GetType(), Options);
        var ours = (ForestPredictor)new RandomForestAlgorithm().Train(json, data.TrainingSet()).Predictor;
        var run = ForestSklearn.Fit(estimator, hyper, data.XTrain, data.YTrain, data.XTest, proba: data.Task == TaskKind.Classification, seeds: [0], tree: true)[0];
        return (ours, run.Output, new SkTree(run.Tree!.Value));
    }

    private sealed class SkTree(JsonElement e)
    {
        public readonly int[] Feature = Ints(e, "feature"), Left = Ints(e, "left"), Right = Ints(e, "right");
        public readonly double[] Threshold = e.GetProperty("threshold").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        private static int[] Ints(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(v => v.GetInt32()).ToArray();
    }

    /// <summary>Walks both trees from the root with the node's training rows; returns equal nodes and scikit-learn's tied nodes.</summary>
    private static (int Matched, HashSet<int> Ties) CompareTrees(SyntheticData data, ForestLayout ours, SkTree sk, string criterion)
    {
        int matched = 0;
        var ties = new HashSet<int>();
        var stack = new Stack<(int Ours, int Sk, int[] Rows)>();
        stack.Push((0, 0, Enumerable.Range(0, data.Train).ToArray()));
        while (stack.Count > 0)
        {
            var (o, s, rows) = stack.Pop();
            bool skLeaf = sk.Left[s] == -1, ourLeaf = ours.Feature[o] < 0;
            if (skLeaf || ourLeaf)
            {
                Assert.True(skLeaf && ourLeaf, $"node {s}: leaf in one tree only ({rows.Length} rows)");
                matched++;
                continue;
            }
            float expected = RoundDown(sk.Threshold[s]);
            if (sk.Feature[s] != ours.Feature[o] || expected != ours.Threshold[o])
            {
                double theirs = Gain(data, rows, sk.Feature[s], expected, criterion), mine = Gain(data, rows, ours.Feature[o], ours.Threshold[o], criterion);
                Assert.True(Math.Abs(theirs - mine) <= 1e-12 * Math.Abs(theirs),
                    $"node {s} ({rows.Length} rows): scikit-learn splits feature {sk.Feature[s]} at {sk.Threshold[s]} (gain {theirs}), pgml feature {ours.Feature[o]} at {ours.Threshold[o]} (gain {mine})");
                ties.Add(s);
                continue;
            }
            matched++;
            int f = ours.Feature[o];
            stack.Push((ours.Left[o], sk.Left[s], rows.Where(r => data.X[r][f] <= expected).ToArray()));
            stack.Push((ours.Right[o], sk.Right[s], rows.Where(r => data.X[r][f] > expected).ToArray()));
        }
        return (matched, ties);
    }

    /// <summary>The node's impurity minus its children's, weighted by rows (the quantity both searches maximise).</summary>
    private static double Gain(SyntheticData data, int[] rows, int feature, float threshold, string criterion)
    {
        double Impurity(IEnumerable<int> part)
        {
            var ys = part.Select(r => (double)data.Labels[r]).ToArray();
            if (ys.Length == 0) return 0;
            if (data.Task == TaskKind.Regression)
            {
                double mean = ys.Average();
                return ys.Sum(y => (y - mean) * (y - mean));
            }
            var p = ys.GroupBy(y => y).Select(g => g.Count() / (double)ys.Length);
            return ys.Length * (criterion == "gini" ? 1 - p.Sum(q => q * q) : -p.Sum(q => q * Math.Log2(q)));
        }
        var left = rows.Where(r => data.X[r][feature] <= threshold);
        var right = rows.Where(r => data.X[r][feature] > threshold);
        return Impurity(rows) - Impurity(left) - Impurity(right);
    }

    private static bool PassesThrough(SkTree sk, float[] row, HashSet<int> nodes)
    {
        int n = 0;
        while (sk.Left[n] != -1)
        {
            if (nodes.Contains(n)) return true;
            n = row[sk.Feature[n]] <= sk.Threshold[n] ? sk.Left[n] : sk.Right[n];
        }
        return false;
    }

    private static float RoundDown(double v)
    {
        float f = (float)v;
        return f > v ? MathF.BitDecrement(f) : f;
    }

    private static readonly JsonSerializerOptions Options = new() { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };
}
