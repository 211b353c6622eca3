using Pgml.Engine.Algorithms;
using Pgml.Engine.Forest;
using Pgml.Engine.Models;

namespace Pgml.Engine.Boosting;

/// <summary>
/// AdaBoost as scikit-learn 1.2's AdaBoostClassifier and AdaBoostRegressor fit it, on pgml's CART grower with the
/// boosting weights as sample weights (<see cref="TreeGrower.Grow(ulong, ReadOnlySpan{double})"/>).
/// </summary>
/// <remarks>
/// Classification (_boost_real / _boost_discrete): a depth-1 gini tree on the weighted rows; SAMME.R turns each leaf's
/// class probabilities p (clipped at float64 eps) into h_k = (K − 1)(log p_k − mean log p) and multiplies every row's
/// weight by exp(−lr (K − 1)/K Σ_k c_k log p_k), c = 1 for the row's class and −1/(K − 1) for the others; SAMME gives
/// the tree the weight lr (log((1 − err)/err) + log(K − 1)) and multiplies the misclassified rows' weights by its
/// exponential. Weights are renormalised after each tree; an error of 0 keeps the tree and stops. The model is
/// softmax(Σ_t w_t leaf_t / (Σ w (K − 1))) with leaf values h (SAMME.R, w = 1) or the one-hot of the leaf's class
/// (SAMME), scikit-learn's predict_proba (for two classes too: its [−d/2, d/2] is the same softmax).
/// Regression (AdaBoost.R2, _boost): each tree is a depth-3 squared-error tree on n rows resampled with replacement by
/// the weights (the draw counts as row weights); errors |ŷ − y| scaled by their maximum, squared or exponential per
/// loss; err = Σ w e; stop when err ≤ 0 (keep the tree) or err ≥ 0.5 (drop it unless it is the only one); β = err/(1 −
/// err), weight lr log(1/β), row weights × β^((1 − e) lr). The model is the weighted median of the trees' values.
/// </remarks>
internal static unsafe class AdaBoostTrainer
{
    private const double Eps = 2.220446049250313e-16;

    public static BoostedTreesPredictor Train(AdaBoostParameters prm, TrainingSet data)
    {
        string name = AdaBoostParameters.Name;
        if (data.TrainRows > int.MaxValue - 1)
            throw new InvalidDataException($"{name} trains on at most {int.MaxValue - 1} rows, got {data.TrainRows}", "Train on a sample of the rows.");
        if (data.TrainRows < 2) throw new InvalidDataException($"{name} needs at least two training rows", "Train on more rows.");
        ForestTrainer.CheckRows(name, data);
        bool classification = data.Task == TaskKind.Classification;
        var tree = new ForestParameters
        {
            Criterion = classification ? ForestCriterion.Gini : ForestCriterion.SquaredError,
            MaxDepth = classification ? 1 : 3,
            MaxFeaturesWord = "all",
        }.Resolve(name, data.TrainRows, data.NumFeatures, data.Task);
        return classification ? Classify(prm, data, tree) : Regress(prm, data, tree);
    }

    private static BoostedTreesPredictor Classify(AdaBoostParameters prm, TrainingSet data, ResolvedForestParameters tree)
    {
        int n = (int)data.TrainRows, k = data.NumClasses;
        var y = data.TrainLabels.ToArray();
        if (y.Distinct().Count() < 2)
            throw new InvalidDataException($"{AdaBoostParameters.Name} needs at least two classes among the training rows",
                "Check the label column, or use a test split that leaves rows of each class for training.");
        var weight = new double[n];
        Array.Fill(weight, 1.0 / n);
        var treeWeights = new List<double>();
        var trees = new NativeForest(data.NumFeatures, k);   // the grower's leaves (probabilities), rewritten below
        var seeds = new SeededRandom(prm.Seed);
        var leafOf = new int[n];
        try
        {
            using var grower = new TreeGrower(data.Features.Data, data.NumFeatures, data.LabelPointer, n, k, false, tree, data.CheckInterrupts, trees);
            for (int t = 0; t < prm.NEstimators; t++)
            {
                grower.Grow(seeds.NextUInt64(), weight);
                fixed (int* leaves = leafOf) GradientBoostingTrainer.Leaves(trees, trees.NumTrees - 1, data, leaves, n);
                var probability = LeafProbabilities(trees, leafOf, y, weight, k);
                double error = 0, total = 0;
                for (int r = 0; r < n; r++)
                {
                    total += weight[r];
                    if (ArgMax(probability[leafOf[r]]) != (int)y[r]) error += weight[r];
                }
                error /= total;
                bool last = t == prm.NEstimators - 1;
                double treeWeight;
                if (prm.Real)
                {
                    treeWeight = 1;
                    if (error > 0 && !last)
                        for (int r = 0; r < n; r++)
                        {
                            var p = probability[leafOf[r]];
                            double sum = 0;
                            for (int c = 0; c < k; c++) sum += (c == (int)y[r] ? 1 : -1.0 / (k - 1)) * Math.Log(Math.Max(p[c], Eps));
                            double w = -prm.LearningRate * (k - 1.0) / k * sum;
                            if (weight[r] > 0 || w < 0) weight[r] *= Math.Exp(w);
                        }
                    SetLeaves(trees, probability, p => Samme(p, k));
                }
                else
                {
                    if (error > 0 && error >= 1 - 1.0 / k)
                    {
                        if (treeWeights.Count == 0)
                            throw new InvalidDataException($"{AdaBoostParameters.Name}: the first tree is worse than random (weighted error {error:g4}), so the ensemble cannot be fit",
                                "Check the labels, or use algorithm \"SAMME.R\".");
                        trees.DropLastTree();
                        break;
                    }
                    treeWeight = error > 0 ? prm.LearningRate * (Math.Log((1 - error) / error) + Math.Log(k - 1.0)) : 1;
                    if (error > 0 && !last)
                        for (int r = 0; r < n; r++)
                            if (weight[r] > 0 && ArgMax(probability[leafOf[r]]) != (int)y[r]) weight[r] *= Math.Exp(treeWeight);
                    SetLeaves(trees, probability, p => OneHot(p, k));
                }
                treeWeights.Add(treeWeight);
                if (error <= 0) break;
                double s = weight.Sum();
                if (!double.IsFinite(s) || s <= 0) break;
                if (!last) for (int r = 0; r < n; r++) weight[r] /= s;
            }
            trees.TrimExcess();
            double scale = treeWeights.Sum() * (k - 1);
            return new BoostedTreesPredictor(TaskKind.Classification, BoostLink.Softmax, k, new double[k],
                treeWeights.Select(w => w / scale).ToArray(), new int[treeWeights.Count], trees);
        }
        catch
        {
            trees.Dispose();
            throw;
        }
    }

    private static BoostedTreesPredictor Regress(AdaBoostParameters prm, TrainingSet data, ResolvedForestParameters tree)
    {
        int n = (int)data.TrainRows;
        var y = data.TrainLabels.ToArray();
        var weight = new double[n];
        Array.Fill(weight, 1.0 / n);
        var counts = new double[n];
        var error = new double[n];
        var leafOf = new int[n];
        var treeWeights = new List<double>();
        var trees = new NativeForest(data.NumFeatures, 1);
        var rng = new SeededRandom(prm.Seed);
        try
        {
            using var grower = new TreeGrower(data.Features.Data, data.NumFeatures, data.LabelPointer, n, 0, false, tree, data.CheckInterrupts, trees);
            for (int t = 0; t < prm.NEstimators; t++)
            {
                Resample(weight, counts, rng);
                grower.Grow(rng.NextUInt64(), counts);
                fixed (int* leaves = leafOf) GradientBoostingTrainer.Leaves(trees, trees.NumTrees - 1, data, leaves, n);
                float* values = trees.LeafValues.Pointer;
                double max = 0;
                for (int r = 0; r < n; r++)
                {
                    error[r] = Math.Abs(values[leafOf[r]] - (double)y[r]);
                    if (weight[r] > 0) max = Math.Max(max, error[r]);
                }
                double total = 0;
                for (int r = 0; r < n; r++)
                {
                    if (max != 0) error[r] /= max;
                    error[r] = prm.Loss switch { "square" => error[r] * error[r], "exponential" => 1 - Math.Exp(-error[r]), _ => error[r] };
                    if (weight[r] > 0) total += weight[r] * error[r];
                }
                if (total <= 0)
                {
                    treeWeights.Add(1);
                    break;
                }
                if (total >= 0.5)
                {
                    if (treeWeights.Count > 0) trees.DropLastTree();
                    else treeWeights.Add(1);   // scikit-learn keeps a lone first tree (with weight 0 it would predict nothing)
                    break;
                }
                double beta = total / (1 - total);
                treeWeights.Add(prm.LearningRate * Math.Log(1 / beta));
                if (t == prm.NEstimators - 1) break;
                for (int r = 0; r < n; r++)
                    if (weight[r] > 0) weight[r] *= Math.Pow(beta, (1 - error[r]) * prm.LearningRate);
                double s = weight.Sum();
                if (!double.IsFinite(s) || s <= 0) break;
                for (int r = 0; r < n; r++) weight[r] /= s;
            }
            trees.TrimExcess();
            return new BoostedTreesPredictor(TaskKind.Regression, BoostLink.WeightedMedian, 0, [0], [.. treeWeights], new int[treeWeights.Count], trees);
        }
        catch
        {
            trees.Dispose();
            throw;
        }
    }

    /// <summary>Each leaf's weighted class fractions over the rows that reach it (in double; the grower keeps float32).</summary>
    private static Dictionary<int, double[]> LeafProbabilities(NativeForest trees, int[] leafOf, float[] y, double[] weight, int k)
    {
        var result = new Dictionary<int, double[]>();
        for (int r = 0; r < leafOf.Length; r++)
        {
            if (weight[r] <= 0) continue;
            if (!result.TryGetValue(leafOf[r], out var p)) result[leafOf[r]] = p = new double[k];
            p[(int)y[r]] += weight[r];
        }
        foreach (var p in result.Values)
        {
            double s = p.Sum();
            for (int c = 0; c < k; c++) p[c] /= s;
        }
        // every leaf holds rows of positive weight (the grower splits only those), but keep the grower's values for any
        // leaf none reached, so that every row's leaf has probabilities
        float* values = trees.LeafValues.Pointer;
        for (int i = trees.TreeStarts[^2]; i < trees.TreeStarts[^1]; i++)
        {
            var node = trees.Nodes[i];
            if (node.IsLeaf && !result.ContainsKey(node.Left))
                result[node.Left] = Enumerable.Range(0, k).Select(c => (double)values[node.Left + c]).ToArray();
        }
        return result;
    }

    /// <summary>SAMME.R's h(p) = (K − 1)(log p − mean log p), p clipped at eps.</summary>
    private static double[] Samme(double[] p, int k)
    {
        var log = p.Select(v => Math.Log(Math.Max(v, Eps))).ToArray();
        double mean = log.Average();
        return log.Select(v => (k - 1) * (v - mean)).ToArray();
    }

    /// <summary>SAMME: the tree votes for its predicted class.</summary>
    private static double[] OneHot(double[] p, int k)
    {
        var v = new double[k];
        v[ArgMax(p)] = 1;
        return v;
    }

    private static void SetLeaves(NativeForest trees, Dictionary<int, double[]> probability, Func<double[], double[]> value)
    {
        float* values = trees.LeafValues.Pointer;
        foreach (var (offset, p) in probability)
        {
            var v = value(p);
            for (int c = 0; c < v.Length; c++) values[offset + c] = (float)v[c];
        }
    }

    /// <summary>numpy's argmax: the first of equal maxima.</summary>
    private static int ArgMax(double[] p)
    {
        int best = 0;
        for (int c = 1; c < p.Length; c++) if (p[c] > p[best]) best = c;
        return best;
    }

    /// <summary>n draws with replacement, row r with probability weight[r] (scikit-learn's random_state.choice(p=...)),
    /// as counts per row.</summary>
    private static void Resample(double[] weight, double[] counts, SeededRandom rng)
    {
        int n = weight.Length;
        var cdf = new double[n];
        double sum = 0;
        for (int r = 0; r < n; r++) cdf[r] = sum += weight[r];
        Array.Clear(counts);
        for (int d = 0; d < n; d++)
        {
            double u = rng.NextDouble() * sum;
            int i = Array.BinarySearch(cdf, u);
            i = i < 0 ? ~i : i + 1;
            counts[Math.Min(i, n - 1)]++;
        }
    }
}
