using System.Text;
using System.Text.Json.Nodes;
using Pgml.Engine.Trees;
using Pgml.Engine.XGBoost;
using Xunit;

namespace Pgml.Engine.Tests.Trees;

/// <summary>Models trained by the real libxgboost must predict bit-identically in C#.</summary>
public class TreeEnsembleXGBoostTests
{
    private const int Cols = 10;
    private const int TrainRows = 3000;

    // Held-out rows plus the training rows: training rows sit exactly on the sketch's cut points, held-out ones do not.
    private static (float[] Train, double[] Signal, float[] Eval) Data(int seed = 1, int cols = Cols, int rows = TrainRows)
    {
        var (train, signal) = XGBoostTraining.Features(rows, cols, seed);
        var (held, _) = XGBoostTraining.Features(rows, cols, seed + 1000);
        return (train, signal, [.. held, .. train]);
    }

    private static TreeEnsemble Check(Booster booster, float[] eval, int cols = Cols, bool checkPredict = true)
    {
        var model = TreeEnsemble.FromXGBoostJson(booster.Save());
        int rows = BitExact.AssertMatchesXGBoost(model, booster, eval, cols, checkPredict);
        Assert.True(rows >= 2 * TrainRows || cols != Cols);
        // Rows that sit exactly on, just below and just above every threshold pin down "<" and the missing direction.
        BitExact.AssertMatchesXGBoost(model, booster, ThresholdRows(booster.Save(), eval, cols), cols, checkPredict);
        return model;
    }

    /// <summary>For each split threshold, copies of a data row with that feature set to the threshold and its neighbours.</summary>
    private static float[] ThresholdRows(byte[] json, float[] eval, int cols)
    {
        var root = JsonNode.Parse(json)!;
        var rows = new List<float>();
        int n = 0;
        foreach (var tree in root["learner"]!["gradient_booster"]!["model"]!["trees"]!.AsArray())
        {
            var left = tree!["left_children"]!.AsArray();
            var feat = tree["split_indices"]!.AsArray();
            var cond = tree["split_conditions"]!.AsArray();
            for (int i = 0; i < left.Count; i++)
            {
                if (left[i]!.GetValue<int>() == -1) continue;
                int f = feat[i]!.GetValue<int>();
                float c = cond[i]!.GetValue<float>();
                foreach (float v in new[] { c, MathF.BitDecrement(c), MathF.BitIncrement(c) })
                {
                    int src = (n++ % (eval.Length / cols)) * cols;
                    var row = eval.AsSpan(src, cols).ToArray();
                    row[f] = v;
                    rows.AddRange(row);
                }
                if (rows.Count > 60_000 * cols) return [.. rows];
            }
        }
        return [.. rows];
    }

    [Fact]
    public void RegressionSquaredErrorIsBitExact()
    {
        var (x, s, eval) = Data();
        using var b = XGBoostTraining.Train(x, [.. s.Select(v => (float)v)], Cols, 50, ("objective", "reg:squarederror"), ("max_depth", "6"));
        var model = Check(b, eval);
        Assert.Equal(1, model.NumOutputs);
        Assert.Equal(Cols, model.NumFeatures);
        Assert.Equal(50, model.NumTrees);
        Assert.Equal("reg:squarederror", model.Objective);
    }

    [Fact]
    public void BinaryLogisticIsBitExact()
    {
        var (x, s, eval) = Data(2);
        using var b = XGBoostTraining.Train(x, [.. s.Select(v => v > 0.3 ? 1f : 0f)], Cols, 60, ("objective", "binary:logistic"), ("max_depth", "5"), ("eta", "0.5"));
        var model = Check(b, eval);
        Assert.Equal(1, model.NumOutputs);
    }

    [Theory]
    [InlineData("multi:softprob", 3)]
    [InlineData("multi:softprob", 4)]
    public void MultiClassSoftprobIsBitExact(string objective, int classes)
    {
        var (x, s, eval) = Data(3);
        using var b = XGBoostTraining.Train(x, ClassLabels(s, classes), Cols, 30,
            ("objective", objective), ("num_class", classes.ToString()), ("max_depth", "6"));
        var model = Check(b, eval);
        Assert.Equal(classes, model.NumOutputs);
        Assert.Equal(30 * classes, model.NumTrees);
    }

    /// <summary>XGBoost's multi:softmax predicts the class index; ours returns the probabilities softprob would.</summary>
    [Fact]
    public void MultiClassSoftmaxGivesSoftprobProbabilities()
    {
        var (x, s, eval) = Data(4);
        using var b = XGBoostTraining.Train(x, ClassLabels(s, 3), Cols, 20, ("objective", "multi:softmax"), ("num_class", "3"));
        byte[] json = b.Save();
        var model = TreeEnsemble.FromXGBoostJson(json);
        Assert.Equal(3, model.NumOutputs);
        BitExact.AssertMatchesXGBoost(model, b, eval, Cols, checkPredict: false);

        using var asSoftprob = Booster.Load(json);
        asSoftprob.SetParam("objective", "multi:softprob");
        int rows = eval.Length / Cols;
        BitExact.Compare("softprob", asSoftprob.PredictDense(eval, rows, Cols), 3, eval, Cols, (row, o) => model.Predict(row, o));

        // The argmax of our probabilities is XGBoost's predicted class.
        float[] classes = b.PredictDense(eval, rows, Cols);
        var p = new float[3];
        for (int r = 0; r < rows; r++)
        {
            model.Predict(eval.AsSpan(r * Cols, Cols), p);
            int best = 0;
            for (int j = 1; j < 3; j++) if (p[j] > p[best]) best = j;
            Assert.Equal(classes[r], best);
        }
    }

    [Fact]
    public void CountPoissonIsBitExact()
    {
        var (x, s, eval) = Data(5);
        using var b = XGBoostTraining.Train(x, [.. s.Select(v => MathF.Floor(MathF.Exp((float)v / 4)))], Cols, 50, ("objective", "count:poisson"), ("max_depth", "6"));
        Check(b, eval);
    }

    [Fact]
    public void DeepHundredTreeModelIsBitExact()
    {
        var (x, s, eval) = Data(6, rows: 4000);
        using var b = XGBoostTraining.Train(x, [.. s.Select(v => (float)(v * v))], Cols, 100,
            ("objective", "reg:squarederror"), ("max_depth", "10"), ("min_child_weight", "0"), ("eta", "0.1"));
        var model = Check(b, eval);
        Assert.Equal(100, model.NumTrees);
    }

    // base_score is stored in prediction space and converted by each objective's ProbToMargin, so non-default values
    // exercise that conversion.
    [Theory]
    [InlineData("reg:squarederror", "1.75")]
    [InlineData("reg:squaredlogerror", "0.5")]
    [InlineData("reg:pseudohubererror", "-0.3")]
    [InlineData("reg:absoluteerror", "0.5")]
    [InlineData("reg:logistic", "0.3")]
    [InlineData("binary:logistic", "0.83")]
    [InlineData("binary:logitraw", "0.2")]
    [InlineData("binary:hinge", "0.5")]
    [InlineData("count:poisson", "2.5")]
    [InlineData("reg:gamma", "0.7")]
    [InlineData("reg:tweedie", "1.3")]
    public void EveryObjectiveIsBitExact(string objective, string baseScore)
    {
        var (x, s, eval) = Data(7);
        float[] labels = objective switch
        {
            "reg:logistic" or "binary:logistic" or "binary:logitraw" or "binary:hinge" => [.. s.Select(v => v > 0 ? 1f : 0f)],
            "count:poisson" => [.. s.Select(v => MathF.Floor(MathF.Exp((float)v / 4)))],
            "reg:gamma" or "reg:tweedie" or "reg:squaredlogerror" => [.. s.Select(v => MathF.Exp((float)v / 5) + (v > 2 ? 0 : 0.1f))],
            _ => [.. s.Select(v => (float)v)],
        };
        using var b = XGBoostTraining.Train(x, labels, Cols, 25, ("objective", objective), ("base_score", baseScore), ("max_depth", "6"));
        var model = Check(b, eval);
        Assert.Equal(objective, model.Objective);
    }

    [Theory]
    [InlineData("exact", "depthwise")]
    [InlineData("approx", "depthwise")]
    [InlineData("hist", "depthwise")]
    [InlineData("hist", "lossguide")]
    public void TreeMethodsAreBitExact(string method, string growPolicy)
    {
        var (x, s, eval) = Data(8);
        var p = new List<(string, string)> { ("objective", "reg:squarederror"), ("tree_method", method), ("grow_policy", growPolicy) };
        // lossguide with unlimited depth grows lopsided trees: deep paths next to shallow leaves.
        p.AddRange(growPolicy == "lossguide" ? [("max_depth", "0"), ("max_leaves", "64")] : [("max_depth", "7")]);
        using var b = XGBoostTraining.Train(x, [.. s.Select(v => (float)Math.Sin(v))], Cols, 30, [.. p]);
        Check(b, eval);
    }

    [Fact]
    public void RandomForestAndPrunedTreesAreBitExact()
    {
        var (x, s, eval) = Data(9);
        // gamma prunes splits after growth, which leaves deleted nodes in XGBoost's node arrays.
        using var b = XGBoostTraining.Train(x, [.. s.Select(v => v > 0 ? 1f : 0f)], Cols, 5,
            ("objective", "binary:logistic"), ("num_parallel_tree", "4"), ("subsample", "0.8"), ("colsample_bynode", "0.7"),
            ("max_depth", "8"), ("gamma", "2"));
        var model = Check(b, eval);
        Assert.Equal(20, model.NumTrees);
    }

    [Fact]
    public void FewerThanFourTreesAndStumpsAreBitExact()
    {
        var (x, s, eval) = Data(10);
        using var b = XGBoostTraining.Train(x, [.. s.Select(v => (float)v)], Cols, 3, ("objective", "reg:squarederror"), ("max_depth", "1"));
        Assert.Equal(3, Check(b, eval).NumTrees);

        // XGBoost refuses to save an untrained booster, so the trees are removed from a trained one.
        using var logistic = XGBoostTraining.Train(x, [.. s.Select(v => v > 0 ? 1f : 0f)], Cols, 2, ("objective", "binary:logistic"), ("base_score", "0.25"));
        var root = JsonNode.Parse(logistic.Save())!;
        var gbtree = root["learner"]!["gradient_booster"]!["model"]!;
        gbtree["trees"] = new JsonArray();
        gbtree["tree_info"] = new JsonArray();
        gbtree["gbtree_model_param"]!["num_trees"] = "0";
        byte[] json = Encoding.UTF8.GetBytes(root.ToJsonString());
        using var none = Booster.Load(json);
        var empty = TreeEnsemble.FromXGBoostJson(json);
        Assert.Equal(0, empty.NumTrees);
        BitExact.AssertMatchesXGBoost(empty, none, eval[..(100 * Cols)], Cols);
        var o = new float[1];
        empty.Predict(eval.AsSpan(0, Cols), o);
        Assert.Equal(0.25f, o[0], 6);
    }

    [Fact]
    public void AllMissingAndInfiniteFeaturesFollowXGBoost()
    {
        var (x, s, _) = Data(11);
        using var b = XGBoostTraining.Train(x, [.. s.Select(v => v > 0 ? 1f : 0f)], Cols, 20, ("objective", "binary:logistic"));
        var rows = new List<float>();
        rows.AddRange(Enumerable.Repeat(float.NaN, Cols));
        rows.AddRange(Enumerable.Repeat(float.PositiveInfinity, Cols));
        rows.AddRange(Enumerable.Repeat(float.NegativeInfinity, Cols));
        rows.AddRange(Enumerable.Repeat(float.MaxValue, Cols));
        rows.AddRange(Enumerable.Repeat(-0.0f, Cols));
        rows.AddRange(Enumerable.Repeat(float.Epsilon, Cols));
        var model = TreeEnsemble.FromXGBoostJson(b.Save());
        BitExact.AssertMatchesXGBoost(model, b, [.. rows], Cols);
    }

    /// <summary>XGBoost clamps the sigmoid's exponent; margins far below -88.7 show whether that is replicated.</summary>
    [Theory]
    [InlineData(-100f)]
    [InlineData(-88.7f)]
    [InlineData(-87f)]
    [InlineData(-20f)]
    [InlineData(50f)]
    [InlineData(100f)]
    public void ExtremeLogisticMarginsMatch(float leaf)
    {
        var (x, s, eval) = Data(12);
        using var b = XGBoostTraining.Train(x, [.. s.Select(v => v > 0 ? 1f : 0f)], Cols, 3, ("objective", "binary:logistic"), ("max_depth", "2"));
        var root = JsonNode.Parse(b.Save())!;
        var tree = root["learner"]!["gradient_booster"]!["model"]!["trees"]![0]!;
        var left = tree["left_children"]!.AsArray();
        var cond = tree["split_conditions"]!.AsArray();
        for (int i = 0; i < left.Count; i++)
            if (left[i]!.GetValue<int>() == -1) cond[i] = leaf + i * 0.37f;
        byte[] json = Encoding.UTF8.GetBytes(root.ToJsonString());
        using var edited = Booster.Load(json);
        BitExact.AssertMatchesXGBoost(TreeEnsemble.FromXGBoostJson(json), edited, eval[..(500 * Cols)], Cols);
    }

    [Fact]
    public void AModelReloadedFromItsJsonIsStillBitExact()
    {
        var (x, s, eval) = Data(13);
        using var b = XGBoostTraining.Train(x, ClassLabels(s, 3), Cols, 10, ("objective", "multi:softprob"), ("num_class", "3"));
        using var reloaded = Booster.Load(b.Save());
        Check(reloaded, eval);
    }

    internal static float[] ClassLabels(double[] signal, int classes)
    {
        var sorted = signal.Order().ToArray();
        var cuts = Enumerable.Range(1, classes - 1).Select(i => sorted[i * sorted.Length / classes]).ToArray();
        return [.. signal.Select(v => (float)cuts.Count(c => v >= c))];
    }
}
