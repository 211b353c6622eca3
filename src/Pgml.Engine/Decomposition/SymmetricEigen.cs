namespace Pgml.Engine.Decomposition;

/// <summary>
/// Eigenvalues and eigenvectors of a real symmetric matrix: Householder reduction to tridiagonal form, then the
/// implicit QL algorithm with Wilkinson shifts (the EISPACK tred2 / tql2 pair, as in JAMA). O(d³), backward stable, for
/// any d that fits in memory; pgml's PCA uses it on the d x d covariance matrix.
/// </summary>
internal static class SymmetricEigen
{
    /// <summary>Decomposes <paramref name="a"/> (d x d, row-major, symmetric; overwritten).</summary>
    /// <returns>The eigenvalues in descending order, and the eigenvectors as rows (row i, row-major d x d, belongs to
    /// eigenvalue i; unit length, sign arbitrary).</returns>
    public static (double[] Values, double[] Vectors) Decompose(double[] a, int d, Action? checkInterrupts = null)
    {
        if (a.Length != (long)d * d) throw new ArgumentException("a must be d x d", nameof(a));
        var values = new double[d];
        var e = new double[d];
        if (d == 0) return (values, []);
        Tridiagonalize(a, d, values, e, checkInterrupts);
        // the QL sweeps rotate pairs of eigenvectors: keep them as rows so each rotation reads contiguous memory
        Transpose(a, d);
        QlImplicit(a, d, values, e, checkInterrupts);
        // descending eigenvalues (a stable order for equal ones)
        var order = Enumerable.Range(0, d).OrderByDescending(i => values[i]).ToArray();
        var sortedValues = new double[d];
        var sortedVectors = new double[(long)d * d];
        for (int i = 0; i < d; i++)
        {
            sortedValues[i] = values[order[i]];
            Array.Copy(a, (long)order[i] * d, sortedVectors, (long)i * d, d);
        }
        return (sortedValues, sortedVectors);
    }

    private static void Transpose(double[] a, int d)
    {
        for (int i = 0; i < d; i++)
            for (int j = i + 1; j < d; j++)
                (a[i * d + j], a[j * d + i]) = (a[j * d + i], a[i * d + j]);
    }

    /// <summary>tred2: on return v holds the orthogonal transformation (eigenvector columns of the tridiagonal form's
    /// basis), values the diagonal and e[1..] the subdiagonal.</summary>
    private static void Tridiagonalize(double[] v, int n, double[] values, double[] e, Action? check)
    {
        var dd = values;
        for (int j = 0; j < n; j++) dd[j] = v[(n - 1) * n + j];
        for (int i = n - 1; i > 0; i--)
        {
            if ((i & 31) == 0) check?.Invoke();
            double scale = 0, h = 0;
            for (int k = 0; k < i; k++) scale += Math.Abs(dd[k]);
            if (scale == 0)
            {
                e[i] = dd[i - 1];
                for (int j = 0; j < i; j++)
                {
                    dd[j] = v[(i - 1) * n + j];
                    v[i * n + j] = 0;
                    v[j * n + i] = 0;
                }
            }
            else
            {
                for (int k = 0; k < i; k++)
                {
                    dd[k] /= scale;
                    h += dd[k] * dd[k];
                }
                double f = dd[i - 1];
                double g = Math.Sqrt(h);
                if (f > 0) g = -g;
                e[i] = scale * g;
                h -= f * g;
                dd[i - 1] = f - g;
                for (int j = 0; j < i; j++) e[j] = 0;
                for (int j = 0; j < i; j++)
                {
                    f = dd[j];
                    v[j * n + i] = f;
                    g = e[j] + v[j * n + j] * f;
                    for (int k = j + 1; k <= i - 1; k++)
                    {
                        g += v[k * n + j] * dd[k];
                        e[k] += v[k * n + j] * f;
                    }
                    e[j] = g;
                }
                f = 0;
                for (int j = 0; j < i; j++)
                {
                    e[j] /= h;
                    f += e[j] * dd[j];
                }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) e[j] -= hh * dd[j];
                for (int j = 0; j < i; j++)
                {
                    f = dd[j];
                    g = e[j];
                    for (int k = j; k <= i - 1; k++) v[k * n + j] -= f * e[k] + g * dd[k];
                    dd[j] = v[(i - 1) * n + j];
                    v[i * n + j] = 0;
                }
            }
            dd[i] = h;
        }
        // accumulate the transformations (O(i²) each: checked as often as the reduction above)
        for (int i = 0; i < n - 1; i++)
        {
            if ((i & 31) == 0) check?.Invoke();
            v[(n - 1) * n + i] = v[i * n + i];
            v[i * n + i] = 1;
            double h = dd[i + 1];
            if (h != 0)
            {
                for (int k = 0; k <= i; k++) dd[k] = v[k * n + i + 1] / h;
                for (int j = 0; j <= i; j++)
                {
                    double g = 0;
                    for (int k = 0; k <= i; k++) g += v[k * n + i + 1] * v[k * n + j];
                    for (int k = 0; k <= i; k++) v[k * n + j] -= g * dd[k];
                }
            }
            for (int k = 0; k <= i; k++) v[k * n + i + 1] = 0;
        }
        for (int j = 0; j < n; j++)
        {
            dd[j] = v[(n - 1) * n + j];
            v[(n - 1) * n + j] = 0;
        }
        v[(n - 1) * n + n - 1] = 1;
        e[0] = 0;
    }

    /// <summary>tql2 on the tridiagonal form; <paramref name="w"/> holds the transformation transposed (vectors as rows)
    /// and receives the eigenvectors as rows.</summary>
    private static void QlImplicit(double[] w, int n, double[] dd, double[] e, Action? check)
    {
        for (int i = 1; i < n; i++) e[i - 1] = e[i];
        e[n - 1] = 0;
        double f = 0, tst1 = 0, eps = Math.Pow(2, -52);
        for (int l = 0; l < n; l++)
        {
            check?.Invoke();   // one eigenvalue: a few sweeps of O(n²) rotations each; 32 of them were a second at n = 1,000
            tst1 = Math.Max(tst1, Math.Abs(dd[l]) + Math.Abs(e[l]));
            int m = l;
            while (m < n)
            {
                if (Math.Abs(e[m]) <= eps * tst1) break;
                m++;
            }
            if (m > l)
            {
                int iterations = 0;
                do
                {
                    if (++iterations > 200)
                        throw new InvalidDataException("the eigendecomposition of the covariance matrix did not converge",
                            "Check the features for extreme values (scale them, e.g. preprocess with a standard scaler).");
                    double g = dd[l];
                    double p = (dd[l + 1] - g) / (2 * e[l]);
                    double r = Hypot(p, 1);
                    if (p < 0) r = -r;
                    dd[l] = e[l] / (p + r);
                    dd[l + 1] = e[l] * (p + r);
                    double dl1 = dd[l + 1];
                    double h = g - dd[l];
                    for (int i = l + 2; i < n; i++) dd[i] -= h;
                    f += h;
                    p = dd[m];
                    double c = 1, c2 = c, c3 = c, el1 = e[l + 1], s = 0, s2 = 0;
                    for (int i = m - 1; i >= l; i--)
                    {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * dd[i] - s * g;
                        dd[i + 1] = h + s * (c * g + s * dd[i]);
                        var vi = w.AsSpan(i * n, n);
                        var vi1 = w.AsSpan((i + 1) * n, n);
                        for (int k = 0; k < n; k++)
                        {
                            h = vi1[k];
                            vi1[k] = s * vi[k] + c * h;
                            vi[k] = c * vi[k] - s * h;
                        }
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    dd[l] = c * p;
                }
                while (Math.Abs(e[l]) > eps * tst1);
            }
            dd[l] += f;
            e[l] = 0;
        }
    }

    private static double Hypot(double a, double b)
    {
        a = Math.Abs(a);
        b = Math.Abs(b);
        if (a < b) (a, b) = (b, a);
        if (a == 0) return 0;
        double r = b / a;
        return a * Math.Sqrt(1 + r * r);
    }
}
