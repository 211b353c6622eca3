namespace Pgml.Engine.Linear;

/// <summary>
/// Limited-memory BFGS (Nocedal 1980; Nocedal &amp; Wright, Numerical Optimization, algorithms 7.4 and 7.5) with a
/// strong-Wolfe line search (their algorithms 3.5 and 3.6). Stops like SciPy's L-BFGS-B, which scikit-learn's lbfgs
/// solver calls: when the largest gradient component is at most gtol, when an iteration lowers f by a relative
/// ftol or less, or after maxIter iterations.
/// </summary>
internal sealed class Lbfgs
{
    /// <summary>Writes ∇f(x) into grad and returns f(x).</summary>
    public delegate double Objective(ReadOnlySpan<double> x, Span<double> grad);

    public const int Memory = 10;
    /// <summary>SciPy's default factr 1e7 times machine epsilon.</summary>
    public const double DefaultFtol = 1e7 * 2.220446049250313e-16;
    private const double C1 = 1e-4, C2 = 0.9;
    private const int MaxEvaluationsPerSearch = 20;

    public sealed record Result(double[] X, double F, int Iterations, bool Converged);

    private readonly Objective _f;
    private readonly int _n;
    private readonly double[] _xTrial, _gTrial;

    private Lbfgs(Objective f, int n)
    {
        _f = f;
        _n = n;
        _xTrial = new double[n];
        _gTrial = new double[n];
    }

    public static Result Minimize(Objective f, double[] x0, double gtol, int maxIter, Action checkInterrupts, double ftol = DefaultFtol) =>
        new Lbfgs(f, x0.Length).Run(x0, gtol, maxIter, checkInterrupts, ftol);

    private Result Run(double[] x0, double gtol, int maxIter, Action checkInterrupts, double ftol)
    {
        int n = _n;
        var x = (double[])x0.Clone();
        var g = new double[n];
        var d = new double[n];
        double fx = _f(x, g);
        var s = new List<double[]>();
        var y = new List<double[]>();
        var rho = new List<double>();
        var alpha = new double[Memory];
        if (MaxAbs(g) <= gtol) return new Result(x, fx, 0, true);
        int iteration = 0;
        bool converged = false;
        while (iteration < maxIter)
        {
            checkInterrupts();
            Direction(g, s, y, rho, alpha, d);
            double slope = Dot(g, d);
            if (!(slope < 0))
            {
                s.Clear(); y.Clear(); rho.Clear();
                for (int i = 0; i < n; i++) d[i] = -g[i];
                slope = Dot(g, d);
            }
            double step = s.Count == 0 ? Math.Min(1.0, 1.0 / Math.Sqrt(Dot(d, d))) : 1.0;
            if (!LineSearch(x, fx, g, d, slope, step, out double fNew)) break;
            var sk = new double[n];
            var yk = new double[n];
            for (int i = 0; i < n; i++)
            {
                sk[i] = _xTrial[i] - x[i];
                yk[i] = _gTrial[i] - g[i];
            }
            double sy = Dot(sk, yk);
            if (sy > 2.220446049250313e-16 * Dot(yk, yk))
            {
                if (s.Count == Memory) { s.RemoveAt(0); y.RemoveAt(0); rho.RemoveAt(0); }
                s.Add(sk); y.Add(yk); rho.Add(1 / sy);
            }
            double fOld = fx;
            Array.Copy(_xTrial, x, n);
            Array.Copy(_gTrial, g, n);
            fx = fNew;
            iteration++;
            if (MaxAbs(g) <= gtol || (fOld - fx) / Math.Max(Math.Max(Math.Abs(fOld), Math.Abs(fx)), 1) <= ftol)
            {
                converged = true;
                break;
            }
        }
        return new Result(x, fx, iteration, converged);
    }

    /// <summary>The two-loop recursion: d = −H·g with H the inverse-Hessian approximation from the kept pairs.</summary>
    private static void Direction(double[] g, List<double[]> s, List<double[]> y, List<double> rho, double[] alpha, double[] d)
    {
        int n = g.Length, m = s.Count;
        Array.Copy(g, d, n);
        for (int k = m - 1; k >= 0; k--)
        {
            alpha[k] = rho[k] * Dot(s[k], d);
            Axpy(-alpha[k], y[k], d);
        }
        if (m > 0)
        {
            double gamma = Dot(s[m - 1], y[m - 1]) / Dot(y[m - 1], y[m - 1]);
            for (int i = 0; i < n; i++) d[i] *= gamma;
        }
        for (int k = 0; k < m; k++)
        {
            double beta = rho[k] * Dot(y[k], d);
            Axpy(alpha[k] - beta, s[k], d);
        }
        for (int i = 0; i < n; i++) d[i] = -d[i];
    }

    /// <summary>Finds a step meeting the strong Wolfe conditions; on success the point and its gradient are in
    /// _xTrial and _gTrial (the last point evaluated).</summary>
    private bool LineSearch(double[] x, double f0, double[] g0, double[] d, double slope0, double step, out double fStep)
    {
        double prevStep = 0, fPrev = f0, slopePrev = slope0;
        int evaluations = 0;
        fStep = f0;
        while (evaluations < MaxEvaluationsPerSearch)
        {
            double f = Evaluate(x, d, step, out double slope);
            evaluations++;
            if (!double.IsFinite(f) || f > f0 + C1 * step * slope0 || (evaluations > 1 && f >= fPrev))
                return Zoom(x, f0, slope0, d, prevStep, fPrev, slopePrev, step, f, ref evaluations, out fStep);
            if (Math.Abs(slope) <= -C2 * slope0) { fStep = f; return true; }
            if (slope >= 0)
                return Zoom(x, f0, slope0, d, step, f, slope, prevStep, fPrev, ref evaluations, out fStep);
            prevStep = step; fPrev = f; slopePrev = slope;
            step *= 2;
        }
        return false;
    }

    private bool Zoom(double[] x, double f0, double slope0, double[] d, double lo, double fLo, double slopeLo, double hi, double fHi,
        ref int evaluations, out double fStep)
    {
        fStep = f0;
        while (evaluations < MaxEvaluationsPerSearch)
        {
            // minimizer of the quadratic through f(lo), f'(lo) and f(hi), kept inside the middle 80% of the bracket
            double width = hi - lo;
            double denom = 2 * (fHi - fLo - slopeLo * width);
            double step = double.IsFinite(fHi) && denom > 0 ? lo - slopeLo * width * width / denom : lo + width / 2;
            double a = Math.Min(lo, hi), b = Math.Max(lo, hi), margin = 0.1 * (b - a);
            if (!(step > a + margin && step < b - margin)) step = lo + width / 2;
            double f = Evaluate(x, d, step, out double slope);
            evaluations++;
            if (!double.IsFinite(f) || f > f0 + C1 * step * slope0 || f >= fLo)
            {
                hi = step; fHi = f;
            }
            else
            {
                if (Math.Abs(slope) <= -C2 * slope0) { fStep = f; return true; }
                if (slope * (hi - lo) >= 0) { hi = lo; fHi = fLo; }
                lo = step; fLo = f; slopeLo = slope;
            }
            if (Math.Abs(hi - lo) < 1e-16 * Math.Max(1, Math.Abs(lo))) break;
        }
        // out of evaluations: accept the best decrease seen, if any (its point is re-evaluated into the trial buffers)
        if (lo > 0 && fLo < f0)
        {
            fStep = Evaluate(x, d, lo, out _);
            return true;
        }
        return false;
    }

    private double Evaluate(double[] x, double[] d, double step, out double slope)
    {
        for (int i = 0; i < _n; i++) _xTrial[i] = x[i] + step * d[i];
        double f = _f(_xTrial, _gTrial);
        slope = Dot(_gTrial, d);
        return f;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (int i = 0; i < y.Length; i++) y[i] += a * x[i];
    }

    private static double MaxAbs(double[] v)
    {
        double m = 0;
        foreach (double e in v) m = Math.Max(m, Math.Abs(e));
        return m;
    }
}
