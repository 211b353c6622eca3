using Pgml.Engine.Algorithms;
using Pgml.Engine.Linear;
using Pgml.Engine.Models;
using static Pgml.Engine.Linear.LinearHyperparameters;

namespace Pgml.Engine.LinearFamily;

/// <summary>
/// ransac: scikit-learn's RANSACRegressor with its default base estimator, LinearRegression (Fischler and Bolles,
/// 1981). Each trial fits min_samples random rows (default d + 1); rows whose loss (|y − ŷ|, or its square) is at most
/// residual_threshold (default the median absolute deviation of y) are its inliers; the trial with the most inliers
/// wins, ties going to the higher R² on its inliers. max_trials shrinks to the number of trials that finds an
/// all-inlier sample with probability stop_probability; the model is LinearRegression on the best inliers.
/// </summary>
internal sealed class RansacAlgorithm : RegressionAlgorithm
{
    public const string AlgorithmName = "ransac";

    private static readonly HyperparameterSpec[] Table =
    [
        HyperparameterSpec.Accepted("estimator"),        // a Python object; only the default (null) is possible
        HyperparameterSpec.CountOrFraction("min_samples", null, 1, fractionUpToOne: false),
        HyperparameterSpec.Number("residual_threshold", null, min: 0),
        HyperparameterSpec.Accepted("is_data_valid"),    // Python callables; only null
        HyperparameterSpec.Accepted("is_model_valid"),
        HyperparameterSpec.Integer("max_trials", 100, min: 0),
        HyperparameterSpec.Number("max_skips", double.PositiveInfinity, min: 0),
        HyperparameterSpec.Number("stop_n_inliers", double.PositiveInfinity, min: 0),
        HyperparameterSpec.Number("stop_score", double.PositiveInfinity),
        HyperparameterSpec.Number("stop_probability", 0.99, min: 0, max: 1),
        HyperparameterSpec.Choice("loss", "absolute_error", "absolute_error", "squared_error"),
        RandomState,
        HyperparameterSpec.Accepted("base_estimator"),   // deprecated alias of estimator
    ];

    public override string Name => AlgorithmName;
    protected override IReadOnlyList<HyperparameterSpec> Specs => Table;

    protected override void Refuse(Hyperparameters p)
    {
        foreach (var key in new[] { "estimator", "is_data_valid", "is_model_valid", "base_estimator" })
            if (p.Get(key) is string text && text != "\"deprecated\"")
                throw new UnsupportedException($"{AlgorithmName} takes no {key} in pgml: it is a Python object",
                    "Remove it: the base estimator is LinearRegression, and every sample and model is valid.");
    }

    public override TrainedModel Train(string hyperparamsJson, TrainingSet data) => new(Fit(hyperparamsJson, data).Model);

    /// <summary>The fit, with the trials run (scikit-learn's n_trials_).</summary>
    internal LinearFit Fit(string hyperparamsJson, TrainingSet data)
    {
        var p = Parse(hyperparamsJson, data.Task);
        LinearData.RequireFinite(data);
        if (data.TrainRows > int.MaxValue) throw new InvalidDataException("ransac trains on at most 2^31 - 1 rows", "Train on a sample.");
        int n = (int)data.TrainRows, d = data.NumFeatures;
        int minSamples = p.Get("min_samples") switch
        {
            null => d + 1,
            long count => (int)Math.Min(count, int.MaxValue),
            double fraction => (int)Math.Ceiling(fraction * n),
            var other => throw new InvalidOperationException($"min_samples holds {other}"),
        };
        if (minSamples > n)
            throw new InvalidParameterException($"{AlgorithmName}: min_samples ({minSamples}) is more than the {n} training rows",
                "Lower min_samples, or train on more rows.");
        var labels = data.TrainLabels;
        double threshold = p.NumberOrNull("residual_threshold") ?? MedianAbsoluteDeviation(labels);
        bool squared = p.Word("loss") == "squared_error";
        double stopInliers = p.Number("stop_n_inliers"), stopScore = p.Number("stop_score"), probability = p.Number("stop_probability");
        double maxSkips = p.Number("max_skips");
        var rng = new Random(Seed(p));
        var fitter = new RowSubsetLeastSquares(data);
        var sample = new int[minSamples];
        var pool = Enumerable.Range(0, n).ToArray();
        var inliers = new bool[n];
        bool[]? best = null;
        long bestCount = 1, skips = 0;
        double bestScore = double.NegativeInfinity, maxTrials = p.Integer("max_trials");
        int trials = 0;
        var meter = new Training.WorkMeter(data.CheckInterrupts);
        data.CheckInterrupts();
        while (trials < maxTrials)
        {
            trials++;
            if (skips > maxSkips) break;
            // a partial Fisher-Yates draw: min_samples distinct rows
            for (int i = 0; i < minSamples; i++)
            {
                int j = i + rng.Next(n - i);
                (pool[i], pool[j]) = (pool[j], pool[i]);
                sample[i] = pool[i];
            }
            var (w, b) = fitter.Fit(sample);
            long count = 0;
            for (int r = 0; r < n; r++)
            {
                double residual = labels[r] - fitter.Predict(w, b, r);
                inliers[r] = (squared ? residual * residual : Math.Abs(residual)) <= threshold;
                if (inliers[r]) count++;
            }
            meter.Add((long)n * (d + 2) + (long)minSamples * d * d);
            if (count < bestCount)
            {
                skips++;
                continue;
            }
            double score = R2OnInliers(fitter, w, b, labels, inliers);
            if (count == bestCount && score < bestScore) continue;
            bestCount = count;
            bestScore = score;
            best = (bool[])inliers.Clone();
            maxTrials = Math.Min(maxTrials, DynamicMaxTrials(count, n, minSamples, probability));
            if (count >= stopInliers || score >= stopScore) break;
        }
        if (best is null)
            throw new InvalidDataException(
                $"{AlgorithmName} found no consensus set: no trial of {trials} had {(bestCount == 1 ? "more than one inlier" : "enough inliers")}",
                "Raise residual_threshold or max_trials, or lower min_samples.");
        var consensus = Enumerable.Range(0, n).Where(r => best[r]).ToArray();
        var (coef, intercept) = fitter.Fit(consensus);
        return new LinearFit(new LinearPredictor(LinearOutput.Value, d, 0, coef, [intercept]), trials);
    }

    /// <summary>numpy's median(|y − median(y)|).</summary>
    internal static double MedianAbsoluteDeviation(ReadOnlySpan<float> y)
    {
        var values = new double[y.Length];
        for (int i = 0; i < y.Length; i++) values[i] = y[i];
        double median = Median(values);
        for (int i = 0; i < values.Length; i++) values[i] = Math.Abs(values[i] - median);
        return Median(values);
    }

    private static double Median(double[] v)
    {
        var sorted = (double[])v.Clone();
        Array.Sort(sorted);
        int m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    /// <summary>scikit-learn's estimator.score on the inliers, r2_score: 1 − SSres/SStot, and for a constant inlier label
    /// 1 when the fit is exact, else 0.</summary>
    private static double R2OnInliers(RowSubsetLeastSquares fitter, double[] w, double b, ReadOnlySpan<float> y, bool[] inliers)
    {
        double mean = 0;
        long count = 0;
        for (int r = 0; r < y.Length; r++)
            if (inliers[r]) { mean += y[r]; count++; }
        mean /= count;
        double residual = 0, total = 0;
        for (int r = 0; r < y.Length; r++)
        {
            if (!inliers[r]) continue;
            double e = y[r] - fitter.Predict(w, b, r);
            residual += e * e;
            total += (y[r] - mean) * (y[r] - mean);
        }
        if (total == 0) return residual == 0 ? 1 : 0;
        return 1 - residual / total;
    }

    /// <summary>Trials needed to draw an all-inlier sample with the given probability (Hartley and Zisserman).</summary>
    private static double DynamicMaxTrials(long inliers, int n, int minSamples, double probability)
    {
        const double epsilon = 2.220446049250313e-16;
        double ratio = (double)inliers / n;
        double nom = Math.Max(epsilon, 1 - probability);
        double denom = Math.Max(epsilon, 1 - Math.Pow(ratio, minSamples));
        if (nom == 1) return 0;
        if (denom == 1) return double.PositiveInfinity;
        return Math.Abs(Math.Ceiling(Math.Log(nom) / Math.Log(denom)));
    }
}
