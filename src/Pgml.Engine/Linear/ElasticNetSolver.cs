namespace Pgml.Engine.Linear;

/// <summary>
/// Elastic net by coordinate descent on the Gram matrix ("precomputed covariance"): scikit-learn's objective
///   1/(2n)·‖y − Xw − b‖² + α·ρ·‖w‖₁ + ½·α·(1 − ρ)·‖w‖²,
/// multiplied by n to  ½‖y − Xw‖² + λ₁‖w‖₁ + ½λ₂‖w‖² (λ₁ = αρn, λ₂ = α(1 − ρ)n) on centered data. With Q = XᵀX and
/// q = Xᵀy, coordinate j's exact minimizer is soft-threshold(q_j − (Qw)_j + Q_jj·w_j, λ₁) / (Q_jj + λ₂), and Qw is
/// kept up to date with one column of Q per change, so a sweep costs O(d²) whatever the row count.
/// Stopping, as scikit-learn: after a sweep whose largest weight change is below tol times the largest weight (or
/// the last sweep), compute the duality gap; stop when it is below tol·‖y‖².
/// </summary>
internal static class ElasticNetSolver
{
    public sealed record Options(double Alpha, double L1Ratio, double Tol, int MaxIter, bool Positive, bool RandomSelection, int Seed);

    /// <param name="q">d x d Gram XᵀX (centered when the intercept is fitted).</param>
    /// <param name="xty">Xᵀy.</param>
    /// <param name="yy">yᵀy.</param>
    /// <returns>The weights, the sweeps run and the last duality gap (in the scaled objective).</returns>
    public static (double[] W, int Iterations, double Gap) Solve(double[] q, double[] xty, double yy, long rows, Options o, Action checkInterrupts)
    {
        int d = xty.Length;
        double l1 = o.Alpha * o.L1Ratio * rows, l2 = o.Alpha * (1 - o.L1Ratio) * rows;
        double tol = o.Tol * yy;
        var w = new double[d];
        var h = new double[d];   // Q·w
        var rng = o.RandomSelection ? new Random(o.Seed) : null;
        double gap = tol + 1;
        int iteration = 0;
        // a sweep costs up to d² multiply-adds (each changed coefficient updates Q·w): paced by that
        var meter = new Training.WorkMeter(checkInterrupts);
        checkInterrupts();
        while (iteration < o.MaxIter)
        {
            iteration++;
            double wMax = 0, dwMax = 0;
            for (int step = 0; step < d; step++)
            {
                int j = rng is null ? step : rng.Next(d);
                double qjj = q[j * d + j];
                if (qjj == 0) continue;
                double old = w[j];
                double rho = xty[j] - h[j] + qjj * old;
                double updated = o.Positive && rho < 0 ? 0 : Math.Sign(rho) * Math.Max(Math.Abs(rho) - l1, 0) / (qjj + l2);
                if (updated != old)
                {
                    double delta = updated - old;
                    for (int i = 0; i < d; i++) h[i] += delta * q[i * d + j];
                    w[j] = updated;
                    meter.Add(d);
                }
                dwMax = Math.Max(dwMax, Math.Abs(updated - old));
                wMax = Math.Max(wMax, Math.Abs(updated));
            }
            meter.Add(d);   // the sweep itself, when no coefficient moved
            if (wMax == 0 || dwMax / wMax < o.Tol || iteration == o.MaxIter)
            {
                gap = DualityGap(w, h, xty, yy, l1, l2, o.Positive);
                if (gap < tol) break;
            }
        }
        return (w, iteration, gap);
    }

    /// <summary>
    /// Primal minus dual objective at w, with the residual r = y − Xw known only through Q and q:
    /// ‖r‖² = yᵀy − 2qᵀw + wᵀQw and yᵀr = yᵀy − qᵀw. The dual point is r scaled down so ‖Xᵀr − λ₂w‖∞ ≤ λ₁.
    /// </summary>
    internal static double DualityGap(double[] w, double[] h, double[] xty, double yy, double l1, double l2, bool positive)
    {
        double dualNorm = 0, qw = 0, wQw = 0, l1Norm = 0, wNorm2 = 0;
        for (int j = 0; j < w.Length; j++)
        {
            double xtr = xty[j] - h[j] - l2 * w[j];
            dualNorm = Math.Max(dualNorm, positive ? xtr : Math.Abs(xtr));
            qw += xty[j] * w[j];
            wQw += w[j] * h[j];
            l1Norm += Math.Abs(w[j]);
            wNorm2 += w[j] * w[j];
        }
        double rNorm2 = yy - 2 * qw + wQw;
        double scale = 1, gap;
        if (dualNorm > l1)
        {
            scale = l1 / dualNorm;
            gap = 0.5 * (rNorm2 + scale * scale * rNorm2);
        }
        else gap = rNorm2;
        gap += l1 * l1Norm - scale * (yy - qw) + 0.5 * l2 * (1 + scale * scale) * wNorm2;
        return gap;
    }
}
