namespace Pgml.Engine.Svm;

/// <summary>What <see cref="SmoSolver.Solve"/> found.</summary>
/// <param name="Alpha">The multipliers, one per variable.</param>
/// <param name="Rho">The decision function is Σ y_u α_u K(x_u, x) − ρ.</param>
/// <param name="Iterations">Pairs of variables updated.</param>
/// <param name="Converged">False when max_iter stopped the solver before the tolerance was met.</param>
public sealed record SmoResult(double[] Alpha, double Rho, long Iterations, bool Converged);

/// <summary>
/// Sequential minimal optimisation for the dual problem shared by C-SVC and ε-SVR:
/// minimise ½ αᵀQα + pᵀα subject to yᵀα = 0 and 0 ≤ α_u ≤ C_u, with Q_uv = y_u y_v K(x_b(u), x_b(v)) and y_u = ±1.
/// Each iteration picks a pair by the second-order working-set selection of Fan, Chen and Lin (2005, "Working set
/// selection using second order information", WSS 2), solves the two-variable problem exactly, and updates the
/// gradient G = Qα + p. It stops when m(α) − M(α) ≤ tol, the maximal violation of the KKT conditions (the same
/// criterion as libsvm, so both stop at the same tolerance from the same optimum).
/// </summary>
/// <remarks>
/// Mirrored problems (ε-SVR) have 2n variables over n points: variable u and u + n both use point u, with y = +1 and −1.
/// The solver does not shrink: every iteration scans all variables, which costs more per iteration than libsvm on
/// large problems but reaches the same optimum.
/// </remarks>
public static class SmoSolver
{
    private const double Tau = 1e-12;   // the paper's τ: stands in for a non-positive curvature a_it

    /// <param name="y">±1 per variable (length l = points, or 2 × points when <paramref name="mirrored"/>).</param>
    /// <param name="p">The linear term per variable.</param>
    /// <param name="upper">C_u per variable.</param>
    /// <param name="maxIter">scikit-learn's max_iter: −1 for no limit.</param>
    public static unsafe SmoResult Solve(KernelColumnCache k, bool mirrored, sbyte[] y, double[] p, double[] upper, double tol,
        long maxIter, Action checkInterrupts)
    {
        int n = k.Points, l = mirrored ? 2 * n : n;
        if (y.Length != l || p.Length != l || upper.Length != l) throw new ArgumentException("y, p and upper need one value per variable");
        var alpha = new double[l];
        var g = (double[])p.Clone();   // G = Qα + p with α = 0
        double[] diag = k.Diagonal;
        // Each iteration costs O(l) (and a kernel column on a cache miss): poll about every 10 million variable visits.
        long checkEvery = Math.Clamp(10_000_000 / l, 1, 1000);
        long iter = 0;
        bool converged = false;
        while (true)
        {
            if (iter % checkEvery == 0) checkInterrupts();

            // i: the most violating variable that can move up along y: argmax over I_up of −y_t G_t
            double gMax = double.NegativeInfinity;
            int i = -1;
            for (int t = 0; t < l; t++)
            {
                if (y[t] > 0 ? alpha[t] < upper[t] : alpha[t] > 0)
                {
                    double v = -y[t] * g[t];
                    if (v >= gMax) { gMax = v; i = t; }
                }
            }
            if (i < 0) { converged = true; break; }   // nothing can move: optimal
            int bi = Base(i, n);
            float* ki = k.Column(bi);

            // j: among I_low with a positive violation b_it, the one with the largest second-order decrease b²/a
            double gMax2 = double.NegativeInfinity, best = double.PositiveInfinity;
            int j = -1;
            for (int t = 0; t < l; t++)
            {
                if (y[t] > 0 ? alpha[t] > 0 : alpha[t] < upper[t])
                {
                    double v = y[t] * g[t];
                    if (v > gMax2) gMax2 = v;
                    double b = gMax + v;
                    if (b > 0)
                    {
                        int bt = Base(t, n);
                        double a = diag[bi] + diag[bt] - 2.0 * ki[bt];
                        if (a <= 0) a = Tau;
                        double decrease = -(b * b) / a;
                        if (decrease <= best) { best = decrease; j = t; }
                    }
                }
            }
            if (gMax + gMax2 < tol || j < 0) { converged = true; break; }
            if (maxIter >= 0 && iter >= maxIter) break;
            iter++;

            int bj = Base(j, n);
            float* kj = k.Column(bj);

            // Move along u = y_i e_i − y_j e_j (keeps yᵀα): the step is t = b_ij / a_ij, clipped to the box.
            double aij = diag[bi] + diag[bj] - 2.0 * ki[bj];
            if (aij <= 0) aij = Tau;
            double step = (gMax + y[j] * g[j]) / aij;
            double roomI = y[i] > 0 ? upper[i] - alpha[i] : alpha[i];
            double roomJ = y[j] < 0 ? upper[j] - alpha[j] : alpha[j];
            bool clipI = false, clipJ = false;
            if (step >= roomI) { step = roomI; clipI = true; }
            if (step >= roomJ) { step = roomJ; clipJ = true; clipI = roomI == roomJ; }
            if (step <= 0) { converged = false; break; }   // cannot happen for a violating pair; guards an endless loop

            alpha[i] = clipI ? (y[i] > 0 ? upper[i] : 0) : alpha[i] + step * y[i];
            alpha[j] = clipJ ? (y[j] < 0 ? upper[j] : 0) : alpha[j] - step * y[j];

            // G_u += Q_ui Δα_i + Q_uj Δα_j = y_u · step · (K_ui − K_uj)
            if (mirrored)
            {
                for (int t = 0; t < n; t++)
                {
                    double d = step * ((double)ki[t] - kj[t]);
                    g[t] += d;
                    g[t + n] -= d;
                }
            }
            else
            {
                for (int t = 0; t < n; t++) g[t] += y[t] * step * ((double)ki[t] - kj[t]);
            }
        }
        return new SmoResult(alpha, Rho(alpha, g, y, upper), iter, converged);
    }

    private static int Base(int u, int n) => u < n ? u : u - n;

    /// <summary>
    /// ρ from the KKT conditions: y_t G_t = ρ for every free variable (their mean is taken); with none free, the middle of
    /// the interval that the variables at their bounds leave for ρ.
    /// </summary>
    private static double Rho(double[] alpha, double[] g, sbyte[] y, double[] upper)
    {
        double sum = 0, ub = double.PositiveInfinity, lb = double.NegativeInfinity;
        int free = 0;
        for (int t = 0; t < alpha.Length; t++)
        {
            double v = y[t] * g[t];
            bool atUpper = alpha[t] >= upper[t], atLower = alpha[t] <= 0;
            if (!atUpper && !atLower) { sum += v; free++; }
            else if (atUpper == (y[t] > 0)) lb = Math.Max(lb, v);   // (α = C, y = +1) or (α = 0, y = −1): ρ ≥ y G
            else ub = Math.Min(ub, v);                               // (α = 0, y = +1) or (α = C, y = −1): ρ ≤ y G
        }
        if (free > 0) return sum / free;
        if (double.IsInfinity(ub)) return lb;
        if (double.IsInfinity(lb)) return ub;
        return (ub + lb) / 2;
    }
}
