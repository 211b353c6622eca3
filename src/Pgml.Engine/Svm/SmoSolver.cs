using System.Runtime.InteropServices;
using Pgml.Engine.Training;

namespace Pgml.Engine.Svm;

/// <summary>What <see cref="SmoSolver.Solve"/> found.</summary>
/// <param name="Alpha">The multipliers, one per variable.</param>
/// <param name="Rho">The decision function is Σ y_u α_u K(x_u, x) − ρ.</param>
/// <param name="Iterations">Pairs of variables updated.</param>
/// <param name="Converged">False when max_iter stopped the solver before the tolerance was met.</param>
/// <param name="R">The nu formulation's second multiplier r (libsvm's si->r): ν-SVC divides α and ρ by it; 0 for C-SVM.</param>
internal sealed record SmoResult(double[] Alpha, double Rho, long Iterations, bool Converged, double R = 0);

/// <summary>The dual problem handed to <see cref="SmoSolver"/>: minimise ½ αᵀQα + pᵀα subject to yᵀα = 0 and
/// 0 ≤ α_u ≤ C_u, with Q_uv = y_u y_v K(x_b(u), x_b(v)).</summary>
/// <param name="Mirrored">ε-SVR's 2n variables over n points: variables u and u + n both use point u.</param>
/// <param name="Y">±1 per variable.</param>
/// <param name="P">The linear term per variable.</param>
/// <param name="Upper">C_u per variable.</param>
/// <param name="Nu">The ν formulation (ν-SVC, ν-SVR): a second constraint Σ_{y=+1} α = Σ_{y=−1} α = const, which the
/// solver keeps by pairing only variables of the same y (libsvm's Solver_NU); <paramref name="Start"/> must then be a
/// feasible starting point.</param>
/// <param name="Start">The starting α (null: all zero, which C-SVM's constraints allow).</param>
internal sealed record DualProblem(bool Mirrored, sbyte[] Y, double[] P, double[] Upper, bool Nu = false, double[]? Start = null);

/// <summary>
/// Sequential minimal optimisation for the dual problem shared by C-SVC and ε-SVR (<see cref="DualProblem"/>).
/// Each iteration picks a pair by the second-order working-set selection of Fan, Chen and Lin (2005, "Working set
/// selection using second order information", WSS 2), solves the two-variable problem exactly, and updates the
/// gradient G = Qα + p. It stops when m(α) − M(α) &lt; tol, the maximal violation of the KKT conditions (libsvm's
/// criterion, so both stop at the same tolerance around the same optimum).
/// </summary>
/// <remarks>
/// Shrinking (Joachims 1998, as used by libsvm): every min(l, 1000) iterations, variables at a bound whose gradient
/// says they will stay there are set aside, so selection and gradient updates only scan the active ones. Ḡ (the part of
/// the gradient due to variables at their upper bound) is kept for every variable, so the gradient of the inactive
/// ones can be rebuilt from Ḡ and the free variables. The optimality check is always repeated on every variable before
/// stopping, so shrinking changes the speed, not the answer. Variables are named by index u (0..l), and points (rows of
/// the kernel matrix) by b(u) = u, or u mod n when mirrored. All per-variable state is in native memory.
/// </remarks>
internal sealed unsafe class SmoSolver : IDisposable
{
    private const double Tau = 1e-12;   // the paper's τ: stands in for a non-positive curvature a_it
    private const byte AtLower = 0, AtUpper = 1, Free = 2;

    private readonly KernelColumnCache _k;
    private readonly bool _mirrored, _shrinking, _nu;
    private readonly int _n, _l;
    private readonly double[] _diag;
    private double* _alpha, _g, _gBar, _p, _c;
    private sbyte* _y;
    private byte* _status;
    private int* _active;
    private int _activeCount;
    private bool _unshrunk;
    private readonly double[]? _start;
    private InterruptClock _clock = null!;

    private SmoSolver(KernelColumnCache k, DualProblem problem, bool shrinking)
    {
        _k = k;
        _n = k.Points;
        _mirrored = problem.Mirrored;
        _l = _mirrored ? 2 * _n : _n;
        if (problem.Y.Length != _l || problem.P.Length != _l || problem.Upper.Length != _l)
            throw new ArgumentException("y, p and upper need one value per variable");
        _shrinking = shrinking;
        _nu = problem.Nu;
        if (problem.Start is { } start && start.Length != _l) throw new ArgumentException("start needs one value per variable");
        _diag = k.Diagonal;
        _alpha = Alloc<double>();
        _g = Alloc<double>();
        _gBar = Alloc<double>();
        _p = Alloc<double>();
        _c = Alloc<double>();
        _y = Alloc<sbyte>();
        _status = Alloc<byte>();
        _active = Alloc<int>();
        for (int u = 0; u < _l; u++)
        {
            _alpha[u] = 0;
            _p[u] = _g[u] = problem.P[u];   // G = Qα + p with α = 0
            _gBar[u] = 0;
            _c[u] = problem.Upper[u];
            _y[u] = problem.Y[u];
            _status[u] = AtLower;
            _active[u] = u;
        }
        _activeCount = _l;
        _start = problem.Start;
    }

    /// <summary>Starts from a non-zero α (the ν formulation's feasible point): G = p + Qα and Ḡ over the variables at
    /// their upper bound, one kernel column per non-zero α as libsvm does.</summary>
    private void Begin(double[] start)
    {
        for (int u = 0; u < _l; u++)
        {
            _alpha[u] = Math.Clamp(start[u], 0, _c[u]);
            SetStatus(u);
        }
        for (int t = 0; t < _l; t++)
        {
            if (_status[t] == AtLower) continue;
            _clock.Tick();
            float* kt = _k.Column(Base(t));
            double at = _alpha[t] * _y[t];
            for (int u = 0; u < _l; u++) _g[u] += _y[u] * at * kt[Base(u)];
            if (_status[t] == AtUpper) AddToGBar(kt, t, _c[t]);
        }
    }

    /// <summary>Which group variable t's optimality is measured in: one group for C-SVM; for ν, y = +1 and y = −1 apart
    /// (pairs never mix them, so each group has its own m(α) and M(α)).</summary>
    private int Group(int t) => _nu && _y[t] < 0 ? 1 : 0;

    private T* Alloc<T>() where T : unmanaged => (T*)NativeMemory.Alloc((nuint)_l, (nuint)sizeof(T));

    /// <param name="maxIter">scikit-learn's max_iter: −1 for no limit.</param>
    public static SmoResult Solve(KernelColumnCache k, DualProblem problem, double tol, long maxIter, bool shrinking, Action checkInterrupts)
    {
        using var solver = new SmoSolver(k, problem, shrinking);
        return solver.Run(tol, maxIter, checkInterrupts);
    }

    private SmoResult Run(double tol, long maxIter, Action checkInterrupts)
    {
        // Each iteration costs O(active variables), plus up to two kernel columns (rows x features each) on a cache
        // miss, and a reactivation one column per free or inactive variable: paced by the clock, which costs far less
        // than any of these (a count of iterations was unbounded: 100 iterations of two misses over 100,000 rows of
        // 100 features were 2 billion multiply-adds between checks).
        _clock = new InterruptClock(checkInterrupts);
        checkInterrupts();
        if (_start is not null) Begin(_start);
        int shrinkEvery = Math.Min(_l, 1000), untilShrink = shrinkEvery;
        long iter = 0;
        bool converged = false;
        while (true)
        {
            _clock.Tick();
            if (--untilShrink == 0)
            {
                untilShrink = shrinkEvery;
                if (_shrinking) Shrink(tol);
            }
            if (!Select(tol, out int i, out int j))
            {
                // optimal on the active variables: check again on all of them before stopping
                if (_activeCount == _l) { converged = true; break; }
                Reactivate();
                if (!Select(tol, out i, out j)) { converged = true; break; }
                untilShrink = 1;
            }
            if (maxIter >= 0 && iter >= maxIter) break;
            iter++;
            Update(i, j);
        }
        if (_activeCount < _l) Reactivate();
        var alpha = new double[_l];
        new ReadOnlySpan<double>(_alpha, _l).CopyTo(alpha);
        if (!_nu) return new SmoResult(alpha, Rho(), iter, converged);
        var (rho, r) = NuRho();
        return new SmoResult(alpha, rho, iter, converged, r);
    }

    private int Base(int u) => u < _n ? u : u - _n;

    private bool CanGoUp(int t) => _y[t] > 0 ? _status[t] != AtUpper : _status[t] != AtLower;   // t ∈ I_up
    private bool CanGoDown(int t) => _y[t] > 0 ? _status[t] != AtLower : _status[t] != AtUpper; // t ∈ I_low

    /// <summary>WSS 2 over the active variables; false when m(α) − M(α) &lt; tol (optimal). For ν, i and j are chosen
    /// within the same group (y = +1 or y = −1): the most violating i of each group, then the j with the largest
    /// second-order decrease against its group's i; optimal when both groups' violations are below tol.</summary>
    private bool Select(double tol, out int i, out int j)
    {
        // i per group: the most violating variable that can move up along y, argmax over I_up of −y_t G_t
        double gMax0 = double.NegativeInfinity, gMax1 = double.NegativeInfinity;
        int i0 = -1, i1 = -1;
        for (int a = 0; a < _activeCount; a++)
        {
            int t = _active[a];
            if (CanGoUp(t))
            {
                double v = -_y[t] * _g[t];
                if (Group(t) == 0) { if (v >= gMax0) { gMax0 = v; i0 = t; } }
                else if (v >= gMax1) { gMax1 = v; i1 = t; }
            }
        }
        i = -1;
        j = -1;
        if (i0 < 0 && i1 < 0) return false;   // nothing can move
        float* k0 = i0 >= 0 ? _k.Column(Base(i0)) : null;
        float* k1 = i1 >= 0 ? _k.Column(Base(i1)) : null;   // k0 stays valid: the cache keeps the two most recent columns
        double d0 = i0 >= 0 ? _diag[Base(i0)] : 0, d1 = i1 >= 0 ? _diag[Base(i1)] : 0;

        // j: among I_low with a positive violation b_it against its group's i, the largest second-order decrease b²/a_it
        double gMin0 = double.NegativeInfinity, gMin1 = double.NegativeInfinity, best = double.PositiveInfinity;
        for (int a = 0; a < _activeCount; a++)
        {
            int t = _active[a];
            if (!CanGoDown(t)) continue;
            double v = _y[t] * _g[t];
            bool first = Group(t) == 0;
            if (first) { if (v > gMin0) gMin0 = v; }
            else if (v > gMin1) gMin1 = v;
            double b = (first ? gMax0 : gMax1) + v;
            if (b > 0)
            {
                int bt = Base(t);
                double curvature = (first ? d0 + _diag[bt] - 2.0 * k0[bt] : d1 + _diag[bt] - 2.0 * k1[bt]);
                if (curvature <= 0) curvature = Tau;
                double decrease = -(b * b) / curvature;
                if (decrease <= best) { best = decrease; j = t; }
            }
        }
        if (j < 0 || Math.Max(gMax0 + gMin0, gMax1 + gMin1) < tol) return false;
        i = Group(j) == 0 ? i0 : i1;
        return true;
    }

    /// <summary>Solves the two-variable problem on (i, j) and updates G (active variables) and Ḡ (all).</summary>
    private void Update(int i, int j)
    {
        int bi = Base(i), bj = Base(j);
        float* ki = _k.Column(bi);
        float* kj = _k.Column(bj);   // ki stays valid: the cache keeps the two most recent columns

        // Move along u = y_i e_i − y_j e_j (keeps yᵀα): the step is b_ij / a_ij, clipped to the box.
        double aij = _diag[bi] + _diag[bj] - 2.0 * ki[bj];
        if (aij <= 0) aij = Tau;
        double step = (-_y[i] * _g[i] + _y[j] * _g[j]) / aij;
        double roomI = _y[i] > 0 ? _c[i] - _alpha[i] : _alpha[i];
        double roomJ = _y[j] < 0 ? _c[j] - _alpha[j] : _alpha[j];
        bool clipI = false, clipJ = false;
        if (step >= roomI) { step = roomI; clipI = true; }
        if (step >= roomJ) { step = roomJ; clipJ = true; clipI = roomI == roomJ; }
        if (step <= 0) return;   // cannot happen for a violating pair; the next selection sees the same state

        bool wasUpperI = _status[i] == AtUpper, wasUpperJ = _status[j] == AtUpper;
        _alpha[i] = clipI ? (_y[i] > 0 ? _c[i] : 0) : _alpha[i] + step * _y[i];
        _alpha[j] = clipJ ? (_y[j] < 0 ? _c[j] : 0) : _alpha[j] - step * _y[j];
        SetStatus(i);
        SetStatus(j);

        // G_u += Q_ui Δα_i + Q_uj Δα_j = y_u · step · (K_ui − K_uj)
        if (_activeCount == _l && _mirrored)
        {
            for (int t = 0; t < _n; t++)
            {
                double d = step * ((double)ki[t] - kj[t]);
                _g[t] += d;
                _g[t + _n] -= d;
            }
        }
        else if (_activeCount == _l)
        {
            for (int t = 0; t < _n; t++) _g[t] += _y[t] * step * ((double)ki[t] - kj[t]);
        }
        else
        {
            for (int a = 0; a < _activeCount; a++)
            {
                int t = _active[a], bt = Base(t);
                _g[t] += _y[t] * step * ((double)ki[bt] - kj[bt]);
            }
        }

        // Ḡ_u = Σ over variables at their upper bound of C_t Q_ut, for every variable
        if (wasUpperI != (_status[i] == AtUpper)) AddToGBar(ki, i, wasUpperI ? -_c[i] : _c[i]);
        if (wasUpperJ != (_status[j] == AtUpper)) AddToGBar(kj, j, wasUpperJ ? -_c[j] : _c[j]);
    }

    private void SetStatus(int t) =>
        _status[t] = _alpha[t] >= _c[t] ? AtUpper : _alpha[t] <= 0 ? AtLower : Free;

    private void AddToGBar(float* column, int t, double amount)
    {
        double yt = _y[t] * amount;
        if (_mirrored)
            for (int u = 0; u < _n; u++)
            {
                double d = yt * column[u];
                _gBar[u] += d;
                _gBar[u + _n] -= d;
            }
        else
            for (int u = 0; u < _n; u++) _gBar[u] += _y[u] * yt * column[u];
    }

    /// <summary>
    /// Sets aside variables at a bound that cannot join a violating pair now: one that can only go up (I_up \ I_low)
    /// with −y G below M(α), or one that can only go down (I_low \ I_up) with −y G above m(α). The first time the
    /// violation falls within 10 × tol, every variable is reactivated first (the gradient is rebuilt), as libsvm does.
    /// </summary>
    private void Shrink(double tol)
    {
        var v0 = Violation();
        if (!_unshrunk && Math.Max(v0.m0 - v0.bigM0, v0.m1 - v0.bigM1) <= 10 * tol)
        {
            _unshrunk = true;
            Reactivate();
            v0 = Violation();
        }
        int kept = 0;
        for (int a = 0; a < _activeCount; a++)
        {
            int t = _active[a];
            if (_status[t] != Free)
            {
                double v = -_y[t] * _g[t];
                bool first = Group(t) == 0;
                double m = first ? v0.m0 : v0.m1, bigM = first ? v0.bigM0 : v0.bigM1;
                bool up = CanGoUp(t);   // at a bound, a variable is in exactly one of I_up and I_low
                if (up ? v < bigM : v > m) continue;
            }
            _active[kept++] = t;
        }
        _activeCount = kept;
    }

    /// <summary>m(α) = max over I_up of −y G and M(α) = min over I_low of −y G, over the active variables, per group
    /// (group 1 is empty, m = −∞ and M = +∞, for C-SVM).</summary>
    private (double m0, double bigM0, double m1, double bigM1) Violation()
    {
        double m0 = double.NegativeInfinity, bigM0 = double.PositiveInfinity, m1 = m0, bigM1 = bigM0;
        for (int a = 0; a < _activeCount; a++)
        {
            int t = _active[a];
            double v = -_y[t] * _g[t];
            if (Group(t) == 0)
            {
                if (CanGoUp(t) && v > m0) m0 = v;
                if (CanGoDown(t) && v < bigM0) bigM0 = v;
            }
            else
            {
                if (CanGoUp(t) && v > m1) m1 = v;
                if (CanGoDown(t) && v < bigM1) bigM1 = v;
            }
        }
        return (m0, bigM0, m1, bigM1);
    }

    /// <summary>Rebuilds the inactive variables' gradient, G_u = Ḡ_u + p_u + Σ over free t of α_t Q_ut, and makes every
    /// variable active again (in index order).</summary>
    private void Reactivate()
    {
        if (_activeCount < _l)
        {
            var isActive = new bool[_l];
            for (int a = 0; a < _activeCount; a++) isActive[_active[a]] = true;
            var inactive = new List<int>(_l - _activeCount);
            var free = new List<int>();
            for (int u = 0; u < _l; u++)
            {
                if (!isActive[u])
                {
                    inactive.Add(u);
                    _g[u] = _gBar[u] + _p[u];
                }
                else if (_status[u] == Free) free.Add(u);   // free variables are never inactive
            }
            // Σ_t α_t y_t y_u K(b_t, b_u): one kernel column per free variable, or per inactive one, whichever is fewer
            if (free.Count <= inactive.Count)
            {
                foreach (int t in free)
                {
                    _clock.Tick();
                    float* kt = _k.Column(Base(t));
                    double at = _alpha[t] * _y[t];
                    foreach (int u in inactive) _g[u] += _y[u] * at * kt[Base(u)];
                }
            }
            else
            {
                foreach (int u in inactive)
                {
                    _clock.Tick();
                    float* ku = _k.Column(Base(u));
                    double sum = 0;
                    foreach (int t in free) sum += _alpha[t] * _y[t] * ku[Base(t)];
                    _g[u] += _y[u] * sum;
                }
            }
        }
        for (int u = 0; u < _l; u++) _active[u] = u;
        _activeCount = _l;
    }

    /// <summary>
    /// ρ from the KKT conditions: y_t G_t = ρ for every free variable (their mean is taken); with none free, the middle of
    /// the interval that the variables at their bounds leave for ρ.
    /// </summary>
    private double Rho()
    {
        double sum = 0, ub = double.PositiveInfinity, lb = double.NegativeInfinity;
        int free = 0;
        for (int t = 0; t < _l; t++)
        {
            double v = _y[t] * _g[t];
            if (_status[t] == Free) { sum += v; free++; }
            else if ((_status[t] == AtUpper) == (_y[t] > 0)) lb = Math.Max(lb, v);   // (α = C, y = +1) or (α = 0, y = −1): ρ ≥ y G
            else ub = Math.Min(ub, v);                                                // (α = 0, y = +1) or (α = C, y = −1): ρ ≤ y G
        }
        if (free > 0) return sum / free;
        if (double.IsInfinity(ub)) return lb;
        if (double.IsInfinity(lb)) return ub;
        return (ub + lb) / 2;
    }

    /// <summary>
    /// The ν formulation's two multipliers, libsvm's Solver_NU::calculate_rho: within each group the KKT conditions give
    /// G_t = r_g for the free variables (their mean; with none free, the middle of what the bounded ones leave); then
    /// ρ = (r₊ − r₋) / 2 and r = (r₊ + r₋) / 2.
    /// </summary>
    private (double Rho, double R) NuRho()
    {
        Span<double> sum = stackalloc double[2], ub = stackalloc double[2], lb = stackalloc double[2];
        Span<int> free = stackalloc int[2];
        for (int g = 0; g < 2; g++) { sum[g] = 0; free[g] = 0; ub[g] = double.PositiveInfinity; lb[g] = double.NegativeInfinity; }
        for (int t = 0; t < _l; t++)
        {
            int g = Group(t);
            if (_status[t] == AtUpper) lb[g] = Math.Max(lb[g], _g[t]);
            else if (_status[t] == AtLower) ub[g] = Math.Min(ub[g], _g[t]);
            else { sum[g] += _g[t]; free[g]++; }
        }
        Span<double> r = stackalloc double[2];
        for (int g = 0; g < 2; g++)
            r[g] = free[g] > 0 ? sum[g] / free[g]
                : double.IsInfinity(ub[g]) ? lb[g] : double.IsInfinity(lb[g]) ? ub[g] : (ub[g] + lb[g]) / 2;
        return ((r[0] - r[1]) / 2, (r[0] + r[1]) / 2);
    }

    public void Dispose()
    {
        Release(ref _alpha); Release(ref _g); Release(ref _gBar); Release(ref _p); Release(ref _c);
        NativeMemory.Free(_y); _y = null;
        NativeMemory.Free(_status); _status = null;
        NativeMemory.Free(_active); _active = null;
    }

    private static void Release(ref double* p)
    {
        NativeMemory.Free(p);
        p = null;
    }
}
