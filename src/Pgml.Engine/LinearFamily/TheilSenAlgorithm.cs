using Pgml.Engine.Algorithms;
using Pgml.Engine.Linear;
using Pgml.Engine.Models;
using static Pgml.Engine.Linear.LinearHyperparameters;

namespace Pgml.Engine.LinearFamily;

/// <summary>
/// theil_sen: scikit-learn's TheilSenRegressor, the multivariate Theil-Sen estimator of Dang et al. (2008): the
/// least-squares solutions of many subsets of n_subsamples rows (default d + 1 with an intercept), and the model is
/// their spatial median, found by the modified Weiszfeld iteration of Vardi and Zhang (2000). Every subset is taken
/// when there are at most max_subpopulation of them (then the fit is deterministic, as scikit-learn's); otherwise
/// max_subpopulation random subsets drawn from random_state.
/// </summary>
internal sealed class TheilSenAlgorithm : RegressionAlgorithm
{
    public const string AlgorithmName = "theil_sen";
    private const double Epsilon = 2.220446049250313e-16;   // np.spacing(1)

    private static readonly HyperparameterSpec[] Table =
    [
        FitIntercept,
        HyperparameterSpec.Accepted("copy_X"),
        HyperparameterSpec.Number("max_subpopulation", 1e4, min: 1),
        HyperparameterSpec.Integer("n_subsamples", null, min: 1),
        HyperparameterSpec.Integer("max_iter", 300, min: 1),
        Tol(1e-3),
        RandomState,
        HyperparameterSpec.Accepted("n_jobs"),
        HyperparameterSpec.Accepted("verbose"),
    ];

    public override string Name => AlgorithmName;
    protected override IReadOnlyList<HyperparameterSpec> Specs => Table;

    public override TrainedModel Train(string hyperparamsJson, TrainingSet data) => new(Fit(hyperparamsJson, data).Model);

    /// <summary>The fit, with the Weiszfeld iterations (scikit-learn's n_iter_).</summary>
    internal unsafe LinearFit Fit(string hyperparamsJson, TrainingSet data)
    {
        var p = Parse(hyperparamsJson, data.Task);
        LinearData.RequireFinite(data);
        bool fitIntercept = p.Boolean("fit_intercept");
        long n = data.TrainRows;
        int d = data.NumFeatures, dims = d + (fitIntercept ? 1 : 0);
        int subsamples = p.NullableInteger("n_subsamples") ?? (int)Math.Min(dims, n);
        if (subsamples > n)
            throw new InvalidParameterException($"{AlgorithmName}: n_subsamples ({subsamples}) is more than the {n} training rows", "Lower n_subsamples.");
        if (subsamples < dims && n >= d)
            throw new InvalidParameterException($"{AlgorithmName}: n_subsamples ({subsamples}) is fewer than the {dims} coefficients",
                $"Set n_subsamples to at least {dims}, or remove it.");
        double all = Math.Max(1, Binomial(n, subsamples));
        int population = (int)Math.Min(Math.Floor(p.Number("max_subpopulation")), all);
        var rng = new Random(Seed(p));
        var weights = new double[(long)population * dims];
        var subset = new int[subsamples];
        var design = new double[subsamples * dims];
        var target = new double[subsamples];
        var meter = new Training.WorkMeter(data.CheckInterrupts);
        float* x = data.Features.Data;
        float* y = data.LabelPointer;
        bool enumerate = population == all;   // every combination, in itertools order (the order does not change the median)
        if (enumerate) for (int i = 0; i < subsamples; i++) subset[i] = i;
        var pool = enumerate ? [] : Enumerable.Range(0, checked((int)n)).ToArray();
        data.CheckInterrupts();
        for (int s = 0; s < population; s++)
        {
            if (!enumerate)
                for (int i = 0; i < subsamples; i++)
                {
                    int j = i + rng.Next(pool.Length - i);
                    (pool[i], pool[j]) = (pool[j], pool[i]);
                    subset[i] = pool[i];
                }
            for (int i = 0; i < subsamples; i++)
            {
                long r = subset[i];
                int at = i * dims;
                if (fitIntercept) design[at++] = 1;
                for (int j = 0; j < d; j++) design[at + j] = x[r * d + j];
                target[i] = y[r];
            }
            SolveLeastSquares(design, target, subsamples, dims, weights.AsSpan(s * dims, dims));
            if (enumerate) NextCombination(subset, (int)n);
            meter.Add((long)subsamples * dims * dims);
        }
        var (median, iterations) = SpatialMedian(weights, population, dims, p.Integer("max_iter"), p.Number("tol"), meter);
        var coef = fitIntercept ? median[1..] : median;
        double intercept = fitIntercept ? median[0] : 0;
        if (!coef.All(double.IsFinite) || !double.IsFinite(intercept)) throw LinearData.NotFinite();
        return new LinearFit(new LinearPredictor(LinearOutput.Value, d, 0, coef, [intercept]), iterations);
    }

    /// <summary>C(n, k) as a double (it only has to be compared with max_subpopulation).</summary>
    private static double Binomial(long n, int k)
    {
        double c = 1;
        for (int i = 0; i < k; i++)
        {
            c = c * (n - i) / (i + 1);
            if (c > 1e18) return c;
        }
        return Math.Round(c);
    }

    /// <summary>The next k-subset of 0..n−1 in lexicographic order (as itertools.combinations).</summary>
    private static void NextCombination(int[] c, int n)
    {
        int k = c.Length, i = k - 1;
        while (i >= 0 && c[i] == n - k + i) i--;
        if (i < 0) return;
        c[i]++;
        for (int j = i + 1; j < k; j++) c[j] = c[j - 1] + 1;
    }

    /// <summary>lstsq on a small dense system: the normal equations' minimum-norm solution (AᵀA is dims x dims).</summary>
    private static void SolveLeastSquares(double[] a, double[] b, int rows, int dims, Span<double> result)
    {
        var ata = new double[dims * dims];
        var atb = new double[dims];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < dims; i++)
            {
                double ai = a[r * dims + i];
                atb[i] += ai * b[r];
                for (int j = 0; j < dims; j++) ata[i * dims + j] += ai * a[r * dims + j];
            }
        SymmetricSolver.Solve(ata, dims, atb, 1, out _).CopyTo(result);
    }

    /// <summary>scikit-learn's _spatial_median: from the mean, modified Weiszfeld steps until the squared move is
    /// below tol²; one dimension is the plain median.</summary>
    private static (double[] Median, int Iterations) SpatialMedian(double[] points, int count, int dims, int maxIter, double tol,
        Training.WorkMeter meter)
    {
        if (dims == 1)
        {
            var sorted = points[..count];
            Array.Sort(sorted);
            int m = count / 2;
            return ([count % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2], 1);
        }
        tol *= tol;
        var old = new double[dims];
        for (int s = 0; s < count; s++)
            for (int j = 0; j < dims; j++) old[j] += points[s * dims + j];
        for (int j = 0; j < dims; j++) old[j] /= count;
        var current = new double[dims];
        var direction = new double[dims];
        var quotient = new double[dims];
        int iteration = 0;
        for (; iteration < maxIter; iteration++)
        {
            // one modified Weiszfeld step from old
            Array.Clear(direction);
            Array.Clear(quotient);
            double inverseSum = 0;
            int masked = 0;
            for (int s = 0; s < count; s++)
            {
                double norm = 0;
                for (int j = 0; j < dims; j++) { double e = points[s * dims + j] - old[j]; norm += e * e; }
                norm = Math.Sqrt(norm);
                if (!(norm >= Epsilon)) { masked++; continue; }
                for (int j = 0; j < dims; j++)
                {
                    quotient[j] += (points[s * dims + j] - old[j]) / norm;
                    direction[j] += points[s * dims + j] / norm;
                }
                inverseSum += 1 / norm;
            }
            meter.Add((long)count * dims * 3);
            double quotientNorm = Math.Sqrt(quotient.Sum(v => v * v));
            double inX = masked > 0 ? 1 : 0;
            if (quotientNorm > Epsilon)
                for (int j = 0; j < dims; j++) direction[j] /= inverseSum;
            else
            {
                Array.Fill(direction, 1.0);
                quotientNorm = 1;
            }
            double moved = 0;
            for (int j = 0; j < dims; j++)
            {
                current[j] = Math.Max(0, 1 - inX / quotientNorm) * direction[j] + Math.Min(1, inX / quotientNorm) * old[j];
                moved += (old[j] - current[j]) * (old[j] - current[j]);
            }
            if (moved < tol) break;
            Array.Copy(current, old, dims);
        }
        // scikit-learn's n_iter_ is the loop index at the break (or max_iter − 1 when it ran out)
        return (current, Math.Min(iteration, maxIter - 1));
    }
}
