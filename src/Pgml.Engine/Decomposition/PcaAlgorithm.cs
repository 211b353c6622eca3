using System.Numerics;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Decomposition;

/// <summary>
/// pca: scikit-learn's PCA (1.2) with its exact solvers. The fit: the mean in one pass, the centred covariance matrix
/// (d x d, double) in a second, its eigendecomposition (<see cref="SymmetricEigen"/>), and a third pass that fixes each
/// component's sign as scikit-learn's svd_flip (u_based_decision): the training row whose projection on the component
/// (a column of U = X_centred · v / σ) is largest in absolute value projects positively.
/// </summary>
/// <remarks>
/// Hyperparameters: n_components = null (min(rows, features)), an integer from 1 to min(rows, features), or a number in
/// (0, 1) (the fewest components whose explained variance ratios sum past it, as scikit-learn); whiten = false;
/// svd_solver = "auto" | "full" | "covariance_eigh" (all three are this exact fit; scikit-learn's "auto" may pick its
/// randomized solver on large data, an approximation of the same answer); "randomized" and "arpack" are refused.
/// random_state, copy, tol, iterated_power, n_oversamples and power_iteration_normalizer are accepted and have no
/// effect (they tune the solvers pgml does not run). At most <see cref="MaxFeatures"/> features.
/// </remarks>
internal sealed class PcaAlgorithm : IAlgorithm
{
    private const string AlgorithmName = "pca";

    /// <summary>The most features pca fits: its covariance matrix is d² doubles (8 MB) and the eigendecomposition
    /// O(d³) (about a second at this size).</summary>
    public const int MaxFeatures = 1000;

    internal static readonly IReadOnlyList<HyperparameterSpec> Specs =
    [
        HyperparameterSpec.NumberOrChoice("n_components", null, ["mle"], min: 0, minExclusive: true),
        HyperparameterSpec.Boolean("whiten", false),
        HyperparameterSpec.Choice("svd_solver", "auto", "auto", "full", "covariance_eigh", "randomized", "arpack"),
        HyperparameterSpec.Accepted("random_state"),
        HyperparameterSpec.Accepted("copy"),
        HyperparameterSpec.Accepted("tol"),
        HyperparameterSpec.Accepted("iterated_power"),
        HyperparameterSpec.Accepted("n_oversamples"),
        HyperparameterSpec.Accepted("power_iteration_normalizer"),
    ];

    public string Name => AlgorithmName;
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Decomposition];
    public bool AcceptsMissingValues => false;

    public void Validate(string hyperparamsJson, TaskKind task) => Parse(hyperparamsJson);

    /// <summary>n_components as an integer (Count) or a fraction of the variance (Fraction); both null for None.</summary>
    private static (long? Count, double? Fraction, bool Whiten) Parse(string? json)
    {
        var h = Hyperparameters.Parse(json, AlgorithmName, Specs);
        string solver = h.Word("svd_solver")!;
        if (solver is "randomized" or "arpack")
            throw new UnsupportedException($"pca's svd_solver \"{solver}\" is not implemented in pgml",
                "Use svd_solver \"full\" (or \"auto\", \"covariance_eigh\"): pgml's exact fit, from the covariance matrix.");
        if (h.Word("n_components") == "mle")
            throw new UnsupportedException("pca's n_components \"mle\" (Minka's estimate) is not implemented in pgml",
                "Give the number of components, or a fraction of the variance to keep, e.g. 0.95.");
        long? count = null;
        double? fraction = null;
        // a whole number (3 or 3.0: JSON has one number type) is a count of components, a number in (0, 1) a fraction
        switch (h.NumberOrNull("n_components"))
        {
            case double v when v < 1:
                fraction = v;
                break;
            case double v when v == Math.Floor(v):
                count = (long)v;
                break;
            case double v:
                throw new InvalidParameterException($"pca hyperparameter \"n_components\" must be an integer when it is 1 or more, got {v}",
                    "Give a whole number of components, or a fraction of the variance in (0, 1).");
        }
        return (count, fraction, h.Boolean("whiten"));
    }

    public unsafe TrainedModel Train(string hyperparamsJson, TrainingSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Task != TaskKind.Decomposition)
            throw new UnsupportedException($"pca does not support {TaskNames.Name(data.Task)}", "pca supports decomposition.");
        var (count, fraction, whiten) = Parse(hyperparamsJson);
        int d = data.NumFeatures;
        long n = data.TrainRows;
        if (d < 1) throw new InvalidDataException("pca needs at least one feature");
        if (d > MaxFeatures)
            throw new InvalidDataException($"pca in pgml fits at most {MaxFeatures} features, got {d}",
                "Select fewer features (or reduce them in steps).");
        if (n < 2) throw new InvalidDataException($"pca needs at least 2 training rows, got {n}");
        int rank = (int)Math.Min(n, d);
        if (count > rank)
            throw new InvalidParameterException($"pca's n_components = {count} is more than min(rows, features) = {rank}",
                $"Use n_components <= {rank}.");

        float* x = data.Features.Data;
        var mean = Mean(x, n, d, data.CheckInterrupts);
        var covariance = Covariance(x, n, d, mean, data.CheckInterrupts);
        double trace = 0;
        for (int j = 0; j < d; j++) trace += covariance[j * d + j];
        var (values, vectors) = SymmetricEigen.Decompose(covariance, d, data.CheckInterrupts);

        var ratios = new double[rank];
        var variances = new double[rank];
        for (int i = 0; i < rank; i++)
        {
            variances[i] = Math.Max(values[i], 0);
            ratios[i] = trace > 0 ? variances[i] / trace : 0;
        }
        int m = rank;
        if (count is long c) m = (int)c;
        else if (fraction is double f)
        {
            // numpy: searchsorted(cumsum(ratios), f, side = "right") + 1, at most every component
            double cumulative = 0;
            int below = 0;
            for (int i = 0; i < rank; i++)
            {
                cumulative += ratios[i];
                if (cumulative <= f) below = i + 1;
            }
            m = Math.Min(below + 1, rank);
        }
        var components = vectors.AsSpan(0, m * d).ToArray();
        FlipSigns(x, n, d, mean, components, m, data.CheckInterrupts);
        var predictor = new PcaPredictor(mean, components, variances[..m], ratios[..m], whiten);
        // PostgresML's decomposition metric: the share of the variance the kept components explain
        return new TrainedModel(predictor, [], new Dictionary<string, double> { ["cumulative_explained_variance"] = predictor.ExplainedVarianceRatio.Sum() });
    }

    private static unsafe double[] Mean(float* x, long n, int d, Action check)
    {
        var sum = new double[d];
        for (long i = 0; i < n; i++)
        {
            if ((i & 0xFFFF) == 0xFFFF) check();
            float* row = x + i * d;
            for (int j = 0; j < d; j++)
            {
                float v = row[j];
                if (!float.IsFinite(v))
                    throw new InvalidDataException(
                        $"pca cannot use training row {i + 1}: feature {j + 1} is {(float.IsNaN(v) ? "missing (NaN)" : "infinite")}",
                        "pca does not accept missing values: impute them (preprocess) or drop those rows.");
                sum[j] += v;
            }
        }
        for (int j = 0; j < d; j++) sum[j] /= n;
        return sum;
    }

    /// <summary>The centred covariance (divided by n - 1), accumulated over blocks of rows: each block is centred into a
    /// feature-major buffer, then every pair of features adds the dot product of its two block columns.</summary>
    private static unsafe double[] Covariance(float* x, long n, int d, double[] mean, Action check)
    {
        const int Block = 256;
        var c = new double[(long)d * d];
        var block = new double[(long)d * Block];
        // a block of 1,000 features is 128 million multiply-adds (a third of a second here): checked within it too
        var meter = new Training.WorkMeter(check);
        for (long start = 0; start < n; start += Block)
        {
            check();
            int rows = (int)Math.Min(Block, n - start);
            for (int r = 0; r < rows; r++)
            {
                float* row = x + (start + r) * d;
                for (int j = 0; j < d; j++) block[j * Block + r] = row[j] - mean[j];
            }
            for (int i = 0; i < d; i++)
            {
                meter.Add((long)rows * (d - i));
                var a = block.AsSpan(i * Block, rows);
                for (int j = i; j < d; j++)
                    c[i * d + j] += Dot(a, block.AsSpan(j * Block, rows));
            }
        }
        for (int i = 0; i < d; i++)
            for (int j = i; j < d; j++)
                c[j * d + i] = c[i * d + j] /= n - 1;
        return c;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<double>.Count)
        {
            var acc = Vector<double>.Zero;
            for (; i <= a.Length - Vector<double>.Count; i += Vector<double>.Count)
                acc += new Vector<double>(a[i..]) * new Vector<double>(b[i..]);
            sum = Vector.Sum(acc);
        }
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>
    /// scikit-learn 1.2's svd_flip(U, Vt) with u_based_decision: for each component, the row of U with the largest
    /// absolute value (the first of equals) decides, and the component is negated when that entry is negative. U's
    /// column is X_centred · v / σ, so the training rows' projections decide (σ > 0 does not change signs). A component
    /// whose projections are all 0 (no variance in its direction) keeps its sign.
    /// </summary>
    private static unsafe void FlipSigns(float* x, long n, int d, double[] mean, double[] components, int m, Action check)
    {
        var best = new double[m];
        var sign = new double[m];
        var centred = new double[d];
        // a row costs components x features: 65,536 rows of 1,000 x 1,000 were 65 billion between checks
        var meter = new Training.WorkMeter(check);
        for (long i = 0; i < n; i++)
        {
            meter.Add((long)(m + 1) * d);
            float* row = x + i * d;
            for (int j = 0; j < d; j++) centred[j] = row[j] - mean[j];
            for (int k = 0; k < m; k++)
            {
                double u = Dot(centred, components.AsSpan(k * d, d));
                if (Math.Abs(u) > best[k])
                {
                    best[k] = Math.Abs(u);
                    sign[k] = u;
                }
            }
        }
        for (int k = 0; k < m; k++)
            if (sign[k] < 0)
                for (int j = 0; j < d; j++) components[k * d + j] = -components[k * d + j];
    }
}
