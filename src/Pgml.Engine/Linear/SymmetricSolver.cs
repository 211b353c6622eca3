namespace Pgml.Engine.Linear;

/// <summary>
/// Solves A·X = B for a symmetric positive semi-definite A (normal equations). Cholesky on A scaled to a unit
/// diagonal (so the pivot test is scale-free: a pivot is the squared sine of the angle between a column and the span
/// of the previous ones); when a pivot is below <see cref="PivotTolerance"/> the columns are (nearly) collinear, and
/// the minimum-norm solution is taken instead from a Jacobi eigendecomposition of A (a pseudo-inverse that drops
/// eigenvalues below <see cref="EigenTolerance"/> times the largest), which is what a least-squares solver such as
/// LAPACK's gelsd returns for an exactly rank-deficient problem.
/// </summary>
internal static class SymmetricSolver
{
    /// <summary>Below this, the normal equations lose more than ~6 of double's 16 digits: take the pseudo-inverse.</summary>
    public const double PivotTolerance = 1e-10;
    public const double EigenTolerance = 1e-12;

    /// <param name="a">n x n row-major (not modified).</param>
    /// <param name="b">n x m row-major right-hand sides (not modified).</param>
    /// <param name="check">Interrupt check, paced by the work done (O(n³): 10,000 features are 3·10¹¹ multiply-adds).</param>
    /// <returns>X, n x m row-major. Columns with a zero diagonal (constant features) get 0.</returns>
    public static double[] Solve(double[] a, int n, double[] b, int m, out bool pseudoInverse, Action? check = null)
    {
        var meter = new Training.WorkMeter(check ?? (static () => { }));
        var active = Enumerable.Range(0, n).Where(i => a[i * n + i] > 0).ToArray();
        int r = active.Length;
        var ra = new double[r * r];
        var rb = new double[r * m];
        for (int i = 0; i < r; i++)
        {
            for (int j = 0; j < r; j++) ra[i * r + j] = a[active[i] * n + active[j]];
            for (int c = 0; c < m; c++) rb[i * m + c] = b[active[i] * m + c];
        }
        var rx = Cholesky(ra, r, rb, m, meter);
        pseudoInverse = rx is null;
        rx ??= PseudoInverse(ra, r, rb, m, meter);
        var x = new double[n * m];
        for (int i = 0; i < r; i++)
            for (int c = 0; c < m; c++) x[active[i] * m + c] = rx[i * m + c];
        return x;
    }

    /// <summary>Cholesky solve of a symmetric positive definite A (LAPACK potrf/potrs's rule: any positive pivot is
    /// taken), or null when a pivot is not positive. For kernel matrices (gaussian_process), whose near-singularity is
    /// the model's own (the user's alpha), not collinear features.</summary>
    internal static double[]? CholeskySolve(double[] a, int n, double[] b, int m, Action check) =>
        Cholesky(a, n, b, m, new Training.WorkMeter(check), pivotTolerance: 0);

    private static double[]? Cholesky(double[] a, int n, double[] b, int m, Training.WorkMeter meter, double pivotTolerance = PivotTolerance)
    {
        var s = new double[n];
        for (int i = 0; i < n; i++)
        {
            double dii = a[i * n + i];
            if (!(dii > 0)) return null;
            s[i] = 1 / Math.Sqrt(dii);
        }
        // L Lᵀ = S A S, lower triangle in l
        var l = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            meter.Add((long)(n - j) * (j + 1));
            double pivot = a[j * n + j] * s[j] * s[j];
            for (int k = 0; k < j; k++) pivot -= l[j * n + k] * l[j * n + k];
            if (!(pivot > pivotTolerance)) return null;
            double ljj = Math.Sqrt(pivot);
            l[j * n + j] = ljj;
            for (int i = j + 1; i < n; i++)
            {
                double v = a[i * n + j] * s[i] * s[j];
                for (int k = 0; k < j; k++) v -= l[i * n + k] * l[j * n + k];
                l[i * n + j] = v / ljj;
            }
        }
        var x = new double[n * m];
        var y = new double[n];
        for (int c = 0; c < m; c++)
        {
            meter.Add((long)n * n);
            for (int i = 0; i < n; i++)
            {
                double v = b[i * m + c] * s[i];
                for (int k = 0; k < i; k++) v -= l[i * n + k] * y[k];
                y[i] = v / l[i * n + i];
            }
            for (int i = n - 1; i >= 0; i--)
            {
                double v = y[i];
                for (int k = i + 1; k < n; k++) v -= l[k * n + i] * y[k];
                y[i] = v / l[i * n + i];
            }
            for (int i = 0; i < n; i++) x[i * m + c] = y[i] * s[i];
        }
        return x;
    }

    private static double[] PseudoInverse(double[] a, int n, double[] b, int m, Training.WorkMeter meter)
    {
        var (values, vectors) = JacobiEigen(a, n, meter);
        double max = 0;
        foreach (double v in values) max = Math.Max(max, v);
        var x = new double[n * m];
        if (!(max > 0)) return x;
        // X = V diag(1/λ) Vᵀ B over the kept eigenvalues
        for (int e = 0; e < n; e++)
        {
            if (!(values[e] > EigenTolerance * max)) continue;
            meter.Add(2L * n * m);
            for (int c = 0; c < m; c++)
            {
                double proj = 0;
                for (int i = 0; i < n; i++) proj += vectors[i * n + e] * b[i * m + c];
                proj /= values[e];
                for (int i = 0; i < n; i++) x[i * m + c] += vectors[i * n + e] * proj;
            }
        }
        return x;
    }

    /// <summary>Cyclic Jacobi rotations until the off-diagonal part is negligible: eigenvalues and the eigenvectors as
    /// the columns of an n x n row-major matrix. O(n³) per sweep, a handful of sweeps; only the rank-deficient fallback
    /// uses it.</summary>
    internal static (double[] Values, double[] Vectors) JacobiEigen(double[] input, int n, Training.WorkMeter? meter = null)
    {
        var a = (double[])input.Clone();
        var v = new double[n * n];
        for (int i = 0; i < n; i++) v[i * n + i] = 1;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, diag = 0;
            for (int i = 0; i < n; i++)
            {
                diag += a[i * n + i] * a[i * n + i];
                for (int j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
            }
            if (off <= 1e-30 * diag || off == 0) break;
            for (int p = 0; p < n; p++)
            {
                meter?.Add(3L * n * (n - p));
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p * n + q];
                    if (apq == 0) continue;
                    double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k * n + p], akq = a[k * n + q];
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p * n + k], aqk = a[q * n + k];
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = v[k * n + p], vkq = v[k * n + q];
                        v[k * n + p] = c * vkp - s * vkq;
                        v[k * n + q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = a[i * n + i];
        return (values, v);
    }
}
