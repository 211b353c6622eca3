using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Svm;

/// <summary>
/// Builds the dual problems of ε-SVR and one-vs-one C-SVC (svm), or of ν-SVR and one-vs-one ν-SVC (nu_svm, when
/// <see cref="SvmParameters.Nu"/> is set), on a <see cref="TrainingSet"/>'s rows, solves them with
/// <see cref="SmoSolver"/> and gathers the support vectors into an <see cref="SvmPredictor"/>.
/// </summary>
internal static unsafe class SvmTrainer
{
    public static SvmPredictor Train(SvmParameters parameters, TrainingSet data, out SvmTrainingInfo info)
    {
        int features = data.NumFeatures;
        long rows = data.TrainRows;
        if (rows > int.MaxValue / 2) throw new InvalidDataException($"svm cannot train on {rows} rows", "Use a sample of fewer than a billion rows.");
        var kernel = new SvmKernel(parameters.Kernel, parameters.Degree,
            SvmKernel.ResolveGamma(parameters.Gamma, features, parameters.Gamma is "scale" ? Variance(data) : 0), parameters.Coef0);
        return data.Task == TaskKind.Regression
            ? Regression(parameters, kernel, data, out info)
            : Classification(parameters, kernel, data, out info);
    }

    /// <summary>The variance of every training value (numpy's X.var()), in two passes for accuracy.</summary>
    internal static double Variance(TrainingSet data)
    {
        float* x = data.Features.Data;
        long count = data.TrainRows * data.NumFeatures;
        double sum = 0;
        for (long k = 0; k < count; k++) sum += x[k];
        double mean = sum / count, squares = 0;
        for (long k = 0; k < count; k++)
        {
            double d = x[k] - mean;
            squares += d * d;
        }
        return squares / count;
    }

    private static SvmPredictor Regression(SvmParameters prm, SvmKernel kernel, TrainingSet data, out SvmTrainingInfo info)
    {
        int n = (int)data.TrainRows;
        var rows = new int[n];
        for (int t = 0; t < n; t++) rows[t] = t;
        var target = data.TrainLabels;
        // Variables α (y = +1, p = ε − y_t) then α* (y = −1, p = ε + y_t); the coefficient of point t is α_t − α*_t.
        // ν-SVR (libsvm's solve_nu_svr): p = ∓y_t without ε, Σα = Σα* = C ν n / 2, started from the first rows at C.
        bool nu = prm.Nu > 0;
        var y = new sbyte[2 * n];
        var p = new double[2 * n];
        var upper = new double[2 * n];
        double[]? start = nu ? new double[2 * n] : null;
        double left = prm.C * prm.Nu * n / 2;
        for (int t = 0; t < n; t++)
        {
            y[t] = 1;
            y[t + n] = -1;
            p[t] = prm.Epsilon - target[t];
            p[t + n] = prm.Epsilon + target[t];
            if (start is not null)
            {
                start[t] = start[t + n] = Math.Min(left, prm.C);
                left -= start[t];
            }
        }
        Array.Fill(upper, prm.C);
        SmoResult result;
        long columns;
        using (var cache = new KernelColumnCache(data.Features.Data, data.NumFeatures, rows, kernel, prm.CacheSizeMb))
        {
            result = SmoSolver.Solve(cache, new DualProblem(true, y, p, upper, nu, start), prm.Tol, prm.MaxIter, prm.Shrinking, data.CheckInterrupts);
            columns = cache.Misses;
        }
        var builder = new SupportVectorBuilder(data);
        builder.AddModel(rows, t => result.Alpha[t] - result.Alpha[t + n], result.Rho);
        info = new SvmTrainingInfo(kernel.Gamma, [result.Iterations], result.Converged, columns);
        return builder.Build(TaskKind.Regression, kernel, 0, [], breakTies: false);
    }

    private static SvmPredictor Classification(SvmParameters prm, SvmKernel kernel, TrainingSet data, out SvmTrainingInfo info)
    {
        int k = data.NumClasses, n = (int)data.TrainRows;
        var labels = data.TrainLabels;
        var byClass = new List<int>[k];
        for (int c = 0; c < k; c++) byClass[c] = [];
        for (int t = 0; t < n; t++)
        {
            int c = (int)labels[t];
            if (c < 0 || c >= k || c != labels[t])
                throw new InvalidDataException($"svm: training label {labels[t]} is not a class index in 0..{k - 1}");
            byClass[c].Add(t);
        }
        var present = Enumerable.Range(0, k).Where(c => byClass[c].Count > 0).ToArray();
        if (present.Length < 2)
            throw new InvalidDataException("svm needs at least two classes among the training rows",
                "Check the label column, or use a test split that leaves rows of each class for training.");
        // class_weight="balanced": n / (classes × count), scikit-learn's definition over the classes present.
        var weight = new double[k];
        for (int c = 0; c < k; c++)
            weight[c] = prm.Balanced && byClass[c].Count > 0 ? (double)n / (present.Length * byClass[c].Count) : 1.0;
        bool nu = prm.Nu > 0;
        if (nu) CheckNuFeasible(prm.Nu, byClass, present);

        var builder = new SupportVectorBuilder(data);
        var pairs = new List<int>();
        var iterations = new List<long>();
        bool converged = true;
        long columns = 0;
        foreach (int ci in present)
            foreach (int cj in present)
            {
                if (cj <= ci) continue;
                // libsvm's layout: class i's rows (y = +1) then class j's (y = −1); a positive decision votes for i.
                int[] rows = [.. byClass[ci], .. byClass[cj]];
                int ni = byClass[ci].Count, l = rows.Length;
                var y = new sbyte[l];
                var p = new double[l];
                var upper = new double[l];
                // ν-SVC (libsvm's solve_nu_svc): p = 0, C = 1, Σ_{y=+1} α = Σ_{y=−1} α = ν l / 2, started from each
                // class's first rows at 1; the solution is rescaled by r below.
                double[]? start = nu ? new double[l] : null;
                double leftI = prm.Nu * l / 2, leftJ = leftI;
                for (int t = 0; t < l; t++)
                {
                    bool first = t < ni;
                    y[t] = (sbyte)(first ? 1 : -1);
                    p[t] = nu ? 0 : -1;
                    upper[t] = nu ? 1 : prm.C * weight[first ? ci : cj];
                    if (start is null) continue;
                    ref double left = ref first ? ref leftI : ref leftJ;
                    start[t] = Math.Min(1, left);
                    left -= start[t];
                }
                SmoResult result;
                using (var cache = new KernelColumnCache(data.Features.Data, data.NumFeatures, rows, kernel, prm.CacheSizeMb))
                {
                    result = SmoSolver.Solve(cache, new DualProblem(false, y, p, upper, nu, start), prm.Tol, prm.MaxIter, prm.Shrinking, data.CheckInterrupts);
                    columns += cache.Misses;
                }
                // ν-SVC's decision function is (Σ y α K − ρ) / r (libsvm divides α and ρ by r)
                double scale = nu ? 1 / result.R : 1;
                builder.AddModel(rows, t => y[t] * result.Alpha[t] * scale, result.Rho * scale);
                pairs.Add(ci);
                pairs.Add(cj);
                iterations.Add(result.Iterations);
                converged &= result.Converged;
            }
        info = new SvmTrainingInfo(kernel.Gamma, [.. iterations], converged, columns);
        return builder.Build(TaskKind.Classification, kernel, k, [.. pairs], prm.BreakTies);
    }

    /// <summary>ν-SVC needs ν (n_i + n_j) / 2 ≤ min(n_i, n_j) for every pair of classes, else no α meets its
    /// constraints (libsvm's and scikit-learn's "specified nu is infeasible"); checked before any pair is trained.</summary>
    private static void CheckNuFeasible(double nu, List<int>[] byClass, int[] present)
    {
        foreach (int ci in present)
            foreach (int cj in present)
            {
                if (cj <= ci) continue;
                int a = byClass[ci].Count, b = byClass[cj].Count;
                if (nu * (a + b) / 2 > Math.Min(a, b))
                {
                    double limit = 2.0 * Math.Min(a, b) / (a + b);
                    throw new InvalidParameterException($"nu_svm: the specified nu = {nu} is infeasible",
                        $"Classes {ci} and {cj} have {a} and {b} training rows, so nu can be at most 2 × {Math.Min(a, b)} / {a + b} = {limit:g4}; give a smaller \"nu\".");
                }
            }
    }
}

/// <summary>What training did besides the model: the resolved gamma, the solver's iterations per problem, whether every
/// problem met the tolerance (false when max_iter stopped one, scikit-learn's "Solver terminated early" warning), and how
/// many kernel columns were computed (cache misses).</summary>
internal sealed record SvmTrainingInfo(double Gamma, long[] Iterations, bool Converged, long KernelColumns);

/// <summary>Collects the support vectors of one or more dual solutions, each training row stored once.</summary>
internal sealed unsafe class SupportVectorBuilder(TrainingSet data)
{
    private readonly Dictionary<int, int> _svOf = [];
    private readonly List<float> _vectors = [];
    private readonly List<int> _starts = [0], _index = [];
    private readonly List<double> _coef = [], _rho = [];

    public void AddModel(int[] rows, Func<int, double> coefficient, double rho)
    {
        for (int t = 0; t < rows.Length; t++)
        {
            double c = coefficient(t);
            if (c == 0) continue;
            if (!_svOf.TryGetValue(rows[t], out int sv))
            {
                sv = _svOf.Count;
                _svOf.Add(rows[t], sv);
                foreach (float v in data.Row(rows[t])) _vectors.Add(v);
            }
            _index.Add(sv);
            _coef.Add(c);
        }
        _starts.Add(_index.Count);
        _rho.Add(rho);
    }

    public SvmPredictor Build(TaskKind task, SvmKernel kernel, int classes, int[] pairs, bool breakTies) =>
        new(task, kernel, data.NumFeatures, classes, breakTies, [.. _vectors], pairs, [.. _starts], [.. _index], [.. _coef], [.. _rho]);
}
