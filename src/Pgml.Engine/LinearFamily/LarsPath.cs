namespace Pgml.Engine.LinearFamily;

/// <summary>
/// Least angle regression on the Gram matrix (Efron, Hastie, Johnstone and Tibshirani, "Least Angle Regression",
/// 2004), with the lasso modification of section 3.1, following the steps of scikit-learn's lars_path so that its
/// choices on the edge cases are the same: the correlations c = q − Qβ, α = max|c_inactive|/n; the variable of largest
/// |c| enters (unless the previous step changed a sign); the equiangular direction u_A = A_A·G_AA⁻¹s_A is taken until
/// an inactive correlation catches up (min⁺ of (C ∓ c_j)/(A_A ∓ a_j)) or, for the lasso, an active coefficient
/// reaches zero (which then leaves the active set; plain LAR only flips its sign and adds no variable on the next
/// step, as scikit-learn does). The path stops at α ≤ alpha_min, interpolated linearly to alpha_min exactly (so
/// LassoLars' answer is the lasso solution at alpha), or after max_iter steps, or with every variable active. The
/// Cholesky factor of G_AA is grown a row at a time (<see cref="GrowingCholesky"/>) and rebuilt after a drop.
/// </summary>
internal static class LarsPath
{
    private const double Tiny32 = 1.1754943508222875e-38;        // numpy's finfo(float32).tiny, as scikit-learn adds
    private const double EqualityTolerance = 1.1920928955078125e-07;   // finfo(float32).eps

    public sealed record Options(bool Lasso, double AlphaMin, int MaxIter, double Eps);

    /// <returns>The coefficients at the path's end and the steps taken.</returns>
    public static (double[] Coef, int Steps) Run(GramProblem g, Options o, Action checkInterrupts)
    {
        int d = g.D;
        long n = g.Rows;
        var q = g.Q;
        var cov = (double[])g.Xty.Clone();   // c_j for every j (active ones are tracked too, but only inactive are read)
        var coef = new double[d];
        var prevCoef = new double[d];
        var active = new List<int>();
        var sign = new List<double>();
        var isActive = new bool[d];
        var l = new GrowingCholesky(q, d);   // of G_AA
        double prevAlpha = 0;
        int steps = 0;
        bool drop = false;
        var meter = new Training.WorkMeter(checkInterrupts);
        checkInterrupts();
        while (true)
        {
            int best = -1;
            double bestAbs = -1;
            for (int j = 0; j < d; j++)
                if (!isActive[j] && Math.Abs(cov[j]) > bestAbs) { best = j; bestAbs = Math.Abs(cov[j]); }
            double c = best < 0 ? 0 : bestAbs;
            double alpha = c / n;
            if (alpha <= o.AlphaMin + EqualityTolerance)
            {
                if (Math.Abs(alpha - o.AlphaMin) > EqualityTolerance && steps > 0)
                {
                    double ss = (prevAlpha - o.AlphaMin) / (prevAlpha - alpha);
                    for (int j = 0; j < d; j++) coef[j] = prevCoef[j] + ss * (coef[j] - prevCoef[j]);
                }
                break;
            }
            if (steps >= o.MaxIter || active.Count >= d) break;
            if (!drop)
            {
                double diag = Math.Max(Math.Sqrt(Math.Abs(l.Propose(active, best))), o.Eps);
                if (diag < 1e-7)
                {
                    // degenerate with the active set: scikit-learn zeroes its correlation and goes on without it
                    cov[best] = 0;
                    continue;
                }
                l.Accept(diag);
                active.Add(best);
                sign.Add(Math.Sign(cov[best]));
                isActive[best] = true;
            }
            if (o.Lasso && steps > 0 && prevAlpha < alpha) break;   // rounding has taken over: alpha must not rise

            int m = active.Count;
            var ls = l.Solve(sign);
            double sum = 0;
            for (int a = 0; a < m; a++) sum += ls[a] * sign[a];
            double aa = 1 / Math.Sqrt(sum);
            if (!double.IsFinite(aa)) (ls, aa) = Regularized(l, sign, o.Eps);
            for (int a = 0; a < m; a++) ls[a] *= aa;

            // a_j = G_jA·u for every j, rounded to 15 decimals as scikit-learn does
            var corrEq = new double[d];
            for (int j = 0; j < d; j++)
            {
                double s = 0;
                for (int a = 0; a < m; a++) s += q[j * d + active[a]] * ls[a];
                corrEq[j] = Math.Round(s, 15, MidpointRounding.ToEven);
            }
            double gamma = c / aa;
            for (int j = 0; j < d; j++)
            {
                if (isActive[j]) continue;
                double g1 = (c - cov[j]) / (aa - corrEq[j] + Tiny32);
                double g2 = (c + cov[j]) / (aa + corrEq[j] + Tiny32);
                if (g1 > 0 && g1 < gamma) gamma = g1;
                if (g2 > 0 && g2 < gamma) gamma = g2;
            }
            drop = false;
            var z = new double[m];
            double zPos = double.MaxValue;
            for (int a = 0; a < m; a++)
            {
                z[a] = -coef[active[a]] / (ls[a] + Tiny32);
                if (z[a] > 0 && z[a] < zPos) zPos = z[a];
            }
            var dropped = new List<int>();   // positions in the active list, last first
            if (zPos < gamma)
            {
                for (int a = m - 1; a >= 0; a--)
                    if (z[a] == zPos) { dropped.Add(a); sign[a] = -sign[a]; }
                if (o.Lasso) gamma = zPos;
                drop = true;
            }
            steps++;
            prevAlpha = alpha;
            Array.Copy(coef, prevCoef, d);
            for (int a = 0; a < m; a++) coef[active[a]] = prevCoef[active[a]] + gamma * ls[a];
            for (int j = 0; j < d; j++) cov[j] -= gamma * corrEq[j];
            if (drop && o.Lasso)
            {
                foreach (int a in dropped)
                {
                    int j = active[a];
                    active.RemoveAt(a);
                    sign.RemoveAt(a);
                    isActive[j] = false;
                    // its correlation afresh, as scikit-learn recomputes it: q_j − G_j·β
                    double s = g.Xty[j];
                    for (int b = 0; b < d; b++) s -= q[j * d + b] * coef[b];
                    cov[j] = s;
                }
                l.Refactor(active);
            }
            meter.Add((long)d * (m + 2) + (long)m * m);
        }
        return (coef, steps);
    }

    /// <summary>scikit-learn's fallback for an ill-conditioned L: add 2^i·eps to its diagonal until A_A is finite.</summary>
    private static (double[] Ls, double Aa) Regularized(GrowingCholesky l, List<double> sign, double eps)
    {
        double shift = 0;
        for (int i = 0; ; i++)
        {
            shift += Math.Pow(2, i) * eps;
            var ls = l.Solve(sign, shift);
            double sum = 0;
            for (int a = 0; a < ls.Length; a++) sum += ls[a] * sign[a];
            double aa = 1 / Math.Sqrt(Math.Max(sum, eps));
            if (double.IsFinite(aa)) return (ls, aa);
        }
    }
}
