using System.Runtime.InteropServices;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Forest;
using Pgml.Engine.Models;

namespace Pgml.Engine.Boosting;

/// <summary>
/// hist_gradient_boosting as scikit-learn 1.2's HistGradientBoostingRegressor / Classifier: features binned once
/// (<see cref="HistBinner"/>), raw scores from the loss' baseline (the mean; the log odds of the class-1 rate; the
/// centred log class rates), then each iteration computes every row's gradient and hessian (float32, as scikit-learn
/// keeps them) from the raw scores, grows one tree per raw score (<see cref="HistTreeGrower"/>) and adds its leaves.
/// With early stopping (scikit-learn's "auto": above 10,000 rows) a validation part is held out of the training rows
/// (stratified for classification) and training stops when the validation loss has not improved by more than tol over
/// the last n_iter_no_change iterations.
/// </summary>
internal static unsafe class HistGradientBoostingTrainer
{
    private const double Clip = 10 * 2.220446049250313e-16;   // scikit-learn's 10 × float64 eps on the baseline rates

    public static BoostedTreesPredictor Train(HistGradientBoostingParameters prm, TrainingSet data)
    {
        string name = HistGradientBoostingParameters.Name;
        if (data.TrainRows > int.MaxValue / 2)
            throw new InvalidDataException($"{name} trains on at most {int.MaxValue / 2} rows, got {data.TrainRows}", "Train on a sample of the rows.");
        if (data.TrainRows < 2) throw new InvalidDataException($"{name} needs at least two training rows", "Train on more rows.");
        ForestTrainer.CheckRows(name, data);
        bool classification = data.Task == TaskKind.Classification;
        int classes = classification ? data.NumClasses : 0;
        var labels = data.TrainLabels.ToArray();
        var rng = new SeededRandom(prm.Seed);
        var (train, validation) = Split(prm, labels, classification, rng);
        if (classification && train.Select(r => labels[r]).Distinct().Count() < 2)
            throw new InvalidDataException($"{name} needs at least two classes among the training rows",
                "Check the label column, or use a test split that leaves rows of each class for training.");

        var link = !classification ? BoostLink.Identity : classes == 2 ? BoostLink.Logistic : BoostLink.Softmax;
        int scores = link == BoostLink.Softmax ? classes : 1;
        var y = train.Select(r => labels[r]).ToArray();
        var init = Baseline(y, link, scores);
        int n = train.Length;

        using var bins = new HistBinner(data.Features.Data, data.NumFeatures, train, prm.MaxBins, rng, data.CheckInterrupts);
        using var grower = new HistTreeGrower(bins, prm.Tree, data.CheckInterrupts);
        var forest = new NativeForest(data.NumFeatures, 1);
        using var scratch = new BoostingScratch(n, init);
        double* raw = scratch.Raw, prob = scratch.Prob;
        float* gradient = scratch.Gradient, hessian = scratch.Hessian;
        int* leafOf = scratch.LeafOf;
        try
        {
            var weights = new List<double>();
            var firstOutput = new List<int>();
            var validationScores = new List<double>();
            double[]? validationRaw = validation is null ? null : Enumerable.Range(0, validation.Length * scores).Select(i => init[i % scores]).ToArray();
            if (validation is not null) validationScores.Add(-Loss(validationRaw!, validation.Select(r => labels[r]).ToArray(), link, scores));
            else if (prm.StopsEarly(data.TrainRows)) validationScores.Add(-Loss(raw, y, link, scores, n));

            for (int iteration = 0; iteration < prm.MaxIter; iteration++)
            {
                GradientBoostingTrainer.Probabilities(raw, prob, n, scores, link);
                for (int k = 0; k < scores; k++)
                {
                    for (int r = 0; r < n; r++)
                    {
                        double p = prob[(long)r * scores + k];
                        double target = link == BoostLink.Softmax ? (y[r] == k ? 1 : 0) : y[r];
                        gradient[r] = (float)(p - target);
                        hessian[r] = link == BoostLink.Identity ? 1 : (float)(p * (1 - p));
                    }
                    grower.Grow(gradient, hessian, link == BoostLink.Identity, prm.LearningRate, forest, leafOf);
                    float* leaves = forest.LeafValues.Pointer;
                    for (int r = 0; r < n; r++) raw[(long)r * scores + k] += leaves[leafOf[r]];
                    weights.Add(1);
                    firstOutput.Add(k);
                }
                if (!prm.StopsEarly(data.TrainRows)) continue;
                if (validation is not null)
                {
                    AddLastTrees(forest, scores, data, validation, validationRaw!);
                    validationScores.Add(-Loss(validationRaw!, validation.Select(r => labels[r]).ToArray(), link, scores));
                }
                else validationScores.Add(-Loss(raw, y, link, scores, n));
                if (ShouldStop(validationScores, prm.NIterNoChange, prm.Tol)) break;
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

    /// <summary>The rows trees are grown on and, with early stopping and a validation_fraction, the held-out ones:
    /// ceil(fraction × rows) (or the count given), drawn per class in proportion for classification.</summary>
    private static (int[] Train, int[]? Validation) Split(HistGradientBoostingParameters prm, float[] labels, bool classification, SeededRandom rng)
    {
        int n = labels.Length;
        var all = Enumerable.Range(0, n).ToArray();
        if (!prm.StopsEarly(n) || prm.ValidationFraction is null) return (all, null);
        int held = prm.ValidationFraction is long count ? (int)Math.Min(count, n - 1) : (int)Math.Ceiling((double)prm.ValidationFraction * n);
        if (held < 1 || held >= n)
            throw new InvalidParameterException($"{HistGradientBoostingParameters.Name}: validation_fraction leaves {n - held} of {n} rows to train on",
                "Give a smaller validation_fraction, or null to score on the training rows.");
        var isHeld = new bool[n];
        var groups = classification ? all.GroupBy(r => labels[r]).Select(g => g.ToArray()).ToArray() : [all];
        foreach (var group in groups)
        {
            int take = classification ? (int)Math.Round((double)held * group.Length / n) : held;
            for (int i = 0; i < take && i < group.Length; i++)
            {
                int j = i + rng.NextInt(group.Length - i);
                (group[i], group[j]) = (group[j], group[i]);
                isHeld[group[i]] = true;
            }
        }
        return (all.Where(r => !isHeld[r]).ToArray(), all.Where(r => isHeld[r]).ToArray());
    }

    /// <summary>The losses' baselines (scikit-learn's fit_intercept_only): the mean; logit of the clipped class-1 rate;
    /// log of each clipped class rate minus their mean (the symmetric multinomial link).</summary>
    private static double[] Baseline(float[] y, BoostLink link, int scores)
    {
        if (link == BoostLink.Identity) return [y.Average(v => (double)v)];
        var counts = new double[link == BoostLink.Logistic ? 2 : scores];
        foreach (float v in y) counts[(int)v]++;
        var rate = counts.Select(c => Math.Clamp(c / y.Length, Clip, 1 - Clip)).ToArray();
        if (link == BoostLink.Logistic) return [Math.Log(rate[1] / (1 - rate[1]))];
        var logs = rate.Select(v => Math.Log(v)).ToArray();
        double mean = logs.Average();
        return logs.Select(v => v - mean).ToArray();
    }

    private static double Loss(double[] raw, float[] y, BoostLink link, int scores)
    {
        fixed (double* p = raw) return Loss(p, y, link, scores, y.Length);
    }

    /// <summary>The mean half loss (scikit-learn's: ½ (y − r)², log(1 + e^r) − y r, logsumexp(r) − r_y).</summary>
    private static double Loss(double* raw, float[] y, BoostLink link, int scores, int n)
    {
        double sum = 0;
        for (int r = 0; r < n; r++)
        {
            double* s = raw + (long)r * scores;
            switch (link)
            {
                case BoostLink.Identity: sum += 0.5 * (y[r] - s[0]) * (y[r] - s[0]); break;
                case BoostLink.Logistic: sum += (s[0] > 0 ? s[0] + Math.Log(1 + Math.Exp(-s[0])) : Math.Log(1 + Math.Exp(s[0]))) - y[r] * s[0]; break;
                default:
                    double max = double.NegativeInfinity, e = 0;
                    for (int k = 0; k < scores; k++) max = Math.Max(max, s[k]);
                    for (int k = 0; k < scores; k++) e += Math.Exp(s[k] - max);
                    sum += max + Math.Log(e) - s[(int)y[r]];
                    break;
            }
        }
        return sum / n;
    }

    /// <summary>Adds the iteration's trees (the last <paramref name="scores"/>) to the validation rows' raw scores.</summary>
    private static void AddLastTrees(NativeForest forest, int scores, TrainingSet data, int[] rows, double[] raw)
    {
        ForestNode* nodes = forest.Nodes.Pointer;
        float* leaves = forest.LeafValues.Pointer;
        int cols = data.NumFeatures;
        for (int k = 0; k < scores; k++)
        {
            int root = forest.TreeStarts[forest.NumTrees - scores + k];
            for (int i = 0; i < rows.Length; i++)
            {
                float* x = data.Features.Data + (long)rows[i] * cols;
                ForestNode* node = nodes + root;
                while (node->Feature >= 0) node = nodes + (x[node->Feature] <= node->Threshold ? node->Left : node->Right);
                raw[(long)i * scores + k] += leaves[node->Left];
            }
        }
    }

    /// <summary>scikit-learn's _should_stop: no score of the last n_iter_no_change beats the one before them by more than tol.</summary>
    private static bool ShouldStop(List<double> scores, int noChange, double tol)
    {
        int reference = noChange + 1;
        if (scores.Count < reference) return false;
        double bar = scores[^reference] + tol;
        for (int i = scores.Count - reference + 1; i < scores.Count; i++)
            if (scores[i] > bar) return false;
        return true;
    }
}
