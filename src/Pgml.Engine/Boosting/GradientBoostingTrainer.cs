using System.Runtime.InteropServices;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Forest;
using Pgml.Engine.Models;

namespace Pgml.Engine.Boosting;

/// <summary>
/// Gradient boosting as scikit-learn 1.2's GradientBoostingRegressor / GradientBoostingClassifier do it: raw scores
/// start at the mean (squared error) or the log prior odds (log loss: one score for two classes, one per class for
/// more); each stage grows one regression tree per score (<see cref="TreeGrower"/>, friedman_mse by default) on the
/// negative gradient, sets its leaves to the loss's step (squared error: the leaf's mean gradient; log loss: the
/// Newton step Σ g / Σ p (1 − p), times (K − 1) / K for K > 2 classes), and adds learning_rate × leaf to every row.
/// </summary>
/// <remarks>
/// Gradients are computed in double and given to the tree grower as float32 (its label type); leaf values are stored
/// as float32, and the raw scores are updated with the stored values, so training and prediction add the same
/// numbers. The row scratch is native memory (<see cref="BoostingScratch"/>).
/// </remarks>
internal static unsafe class GradientBoostingTrainer
{
    private const double ProbabilityClip = 1.1920928955078125e-07;   // numpy's finfo(float32).eps, scikit-learn's clip of the prior

    public static BoostedTreesPredictor Train(GradientBoostingParameters prm, TrainingSet data)
    {
        string name = GradientBoostingParameters.Name;
        long rows = data.TrainRows;
        if (rows > int.MaxValue - 1)
            throw new InvalidDataException($"{name} trains on at most {int.MaxValue - 1} rows, got {rows}", "Train on a sample of the rows.");
        if (rows < 2) throw new InvalidDataException($"{name} needs at least two training rows", "Train on more rows.");
        int n = (int)rows;
        bool classification = data.Task == TaskKind.Classification;
        int classes = classification ? data.NumClasses : 0;
        var resolved = prm.Tree.Resolve(name, rows, data.NumFeatures, data.Task);
        ForestTrainer.CheckRows(name, data);
        var y = data.TrainLabels;
        if (classification && CountPresent(y, classes) < 2)
            throw new InvalidDataException($"{name} needs at least two classes among the training rows",
                "Check the label column, or use a test split that leaves rows of each class for training.");

        var link = !classification ? BoostLink.Identity : classes == 2 ? BoostLink.Logistic : BoostLink.Softmax;
        int scores = link == BoostLink.Softmax ? classes : 1;
        var init = prm.ZeroInit ? new double[scores] : InitialScores(y, link, scores);

        var forest = new NativeForest(data.NumFeatures, 1);
        using var scratch = new BoostingScratch(n, init);
        double* raw = scratch.Raw, prob = scratch.Prob;
        float* gradient = scratch.Gradient;
        int* leafOf = scratch.LeafOf;
        try
        {
            var weights = new List<double>();
            var firstOutput = new List<int>();
            var inBag = prm.Subsample < 1 ? new bool[n] : null;
            int drawn = Math.Max(1, (int)(prm.Subsample * n));
            var rng = new SeededRandom(prm.Seed);
            var seeds = new SeededRandom(rng.NextUInt64());
            using var grower = new TreeGrower(data.Features.Data, data.NumFeatures, gradient, rows, 0, false, resolved, data.CheckInterrupts, forest);
            for (int stage = 0; stage < prm.NEstimators; stage++)
            {
                if (inBag is not null) DrawSubsample(inBag, drawn, rng);
                // every score's gradient comes from the probabilities at the start of the stage (scikit-learn's copy)
                Probabilities(raw, prob, n, scores, link);
                for (int k = 0; k < scores; k++)
                {
                    for (int r = 0; r < n; r++)
                    {
                        double target = link == BoostLink.Softmax ? (y[r] == k ? 1 : 0) : y[r];
                        gradient[r] = (float)(target - prob[(long)r * scores + k]);
                    }
                    grower.Grow(seeds.NextUInt64(), inBag);
                    int tree = forest.NumTrees - 1;
                    Leaves(forest, tree, data, leafOf, n);
                    if (link != BoostLink.Identity) NewtonLeaves(forest, y, prob, leafOf, inBag, n, scores, k, link);
                    float* leafValues = forest.LeafValues.Pointer;
                    for (int r = 0; r < n; r++) raw[(long)r * scores + k] += prm.LearningRate * leafValues[leafOf[r]];
                    weights.Add(prm.LearningRate);
                    firstOutput.Add(k);
                }
            }
            forest.TrimExcess();
            return new BoostedTreesPredictor(data.Task, link, classes, init, [.. weights], [.. firstOutput], forest);
        }
        catch
        {
            forest.Dispose();
            throw;
        }
    }

    private static int CountPresent(ReadOnlySpan<float> y, int classes)
    {
        var seen = new bool[classes];
        foreach (float v in y) seen[(int)v] = true;
        return seen.Count(b => b);
    }

    /// <summary>scikit-learn's init estimators: the mean (DummyRegressor), the log odds of the class-1 prior, or the log
    /// prior of each class (DummyClassifier "prior"), priors clipped to [eps, 1 − eps].</summary>
    private static double[] InitialScores(ReadOnlySpan<float> y, BoostLink link, int scores)
    {
        if (link == BoostLink.Identity)
        {
            double sum = 0;
            foreach (float v in y) sum += v;
            return [sum / y.Length];
        }
        var counts = new double[link == BoostLink.Logistic ? 2 : scores];
        foreach (float v in y) counts[(int)v]++;
        int n = y.Length;
        var prior = counts.Select(c => Math.Clamp(c / n, ProbabilityClip, 1 - ProbabilityClip)).ToArray();
        return link == BoostLink.Logistic ? [Math.Log(prior[1] / (1 - prior[1]))] : prior.Select(v => Math.Log(v)).ToArray();
    }

    /// <summary>What each raw score predicts: itself (squared error), σ(score), or the softmax of the row's scores.</summary>
    internal static void Probabilities(double* raw, double* prob, int n, int scores, BoostLink link)
    {
        for (int r = 0; r < n; r++)
        {
            double* s = raw + (long)r * scores, p = prob + (long)r * scores;
            switch (link)
            {
                case BoostLink.Identity: p[0] = s[0]; break;
                case BoostLink.Logistic: p[0] = 1 / (1 + Math.Exp(-s[0])); break;
                default:
                    double max = double.NegativeInfinity, sum = 0;
                    for (int k = 0; k < scores; k++) max = Math.Max(max, s[k]);
                    for (int k = 0; k < scores; k++) sum += p[k] = Math.Exp(s[k] - max);
                    for (int k = 0; k < scores; k++) p[k] /= sum;
                    break;
            }
        }
    }

    /// <summary>The leaf value offset each training row reaches in <paramref name="tree"/> (every row, in the bag or
    /// not: scikit-learn updates every row's raw score).</summary>
    internal static void Leaves(NativeForest forest, int tree, TrainingSet data, int* leafOf, int n)
    {
        ForestNode* nodes = forest.Nodes.Pointer;
        int root = forest.TreeStarts[tree], cols = data.NumFeatures;
        float* x = data.Features.Data;
        for (int r = 0; r < n; r++)
        {
            float* row = x + (long)r * cols;
            ForestNode* node = nodes + root;
            while (node->Feature >= 0) node = nodes + (row[node->Feature] <= node->Threshold ? node->Left : node->Right);
            leafOf[r] = node->Left;
        }
    }

    /// <summary>Log loss' leaf values (scikit-learn's _update_terminal_regions): Σ (y − p) / Σ p (1 − p) over the
    /// leaf's in-bag rows, times (K − 1) / K for K classes, 0 where the denominator is below 1e-150.</summary>
    private static void NewtonLeaves(NativeForest forest, ReadOnlySpan<float> y, double* prob, int* leafOf, bool[]? inBag,
        int n, int scores, int k, BoostLink link)
    {
        int start = forest.TreeStarts[^2], end = forest.TreeStarts[^1];
        var numerator = new Dictionary<int, double>();
        var denominator = new Dictionary<int, double>();
        ForestNode* nodes = forest.Nodes.Pointer;
        for (int i = start; i < end; i++)
            if (nodes[i].IsLeaf)
            {
                numerator[nodes[i].Left] = 0;
                denominator[nodes[i].Left] = 0;
            }
        for (int r = 0; r < n; r++)
        {
            if (inBag is not null && !inBag[r]) continue;
            double p = prob[(long)r * scores + k];
            double target = link == BoostLink.Softmax ? (y[r] == k ? 1 : 0) : y[r];
            numerator[leafOf[r]] += target - p;
            denominator[leafOf[r]] += p * (1 - p);
        }
        double factor = link == BoostLink.Softmax ? (scores - 1.0) / scores : 1;
        float* values = forest.LeafValues.Pointer;
        foreach (var (leaf, num) in numerator)
        {
            double den = denominator[leaf];
            values[leaf] = (float)(Math.Abs(den) < 1e-150 ? 0 : factor * num / den);
        }
    }

    /// <summary>Exactly <paramref name="drawn"/> rows in the bag, chosen uniformly without replacement (partial
    /// Fisher-Yates over the row indices).</summary>
    private static void DrawSubsample(bool[] inBag, int drawn, SeededRandom rng)
    {
        int n = inBag.Length;
        Array.Clear(inBag);
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = 0; i < drawn; i++)
        {
            int j = i + rng.NextInt(n - i);
            (order[i], order[j]) = (order[j], order[i]);
            inBag[order[i]] = true;
        }
    }
}
