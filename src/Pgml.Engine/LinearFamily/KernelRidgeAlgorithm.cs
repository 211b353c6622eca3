using System.Numerics;
using System.Runtime.InteropServices;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Decomposition;
using Pgml.Engine.Linear;
using Pgml.Engine.Models;
using Pgml.Engine.Svm;
using static Pgml.Engine.Linear.LinearHyperparameters;

namespace Pgml.Engine.LinearFamily;

/// <summary>
/// kernel_ridge: scikit-learn's KernelRidge, regression only as in PostgresML: the dual coefficients c = (K + αI)⁻¹y
/// over the n x n kernel matrix of the training rows (no intercept, as scikit-learn), by a Cholesky factorisation in
/// native memory, and predictions Σᵢ cᵢ·k(x, xᵢ). The fitted model is exactly an SVR's form (every training row a
/// support vector, the dual coefficients, ρ = 0), so it is stored and served by <see cref="SvmPredictor"/> and its
/// versioned "svm" format, with the SVM kernels of <see cref="SvmKernel"/>. Its cost grows with n³ (and n² memory), so
/// more than <see cref="MaxRows"/> training rows are refused before any work.
/// </summary>
internal sealed unsafe class KernelRidgeAlgorithm : RegressionAlgorithm
{
    public const string AlgorithmName = "kernel_ridge";

    /// <summary>5,000 rows: a 200 MB kernel matrix and ~4·10¹⁰ multiply-adds for its factorisation (about a minute
    /// on one core here); twice the rows is 8 times the time and 4 times the memory.</summary>
    public const int MaxRows = 5000;

    /// <summary>Below this many rows the pseudo-inverse fallback for a kernel matrix that is not positive definite
    /// (sigmoid) fits comfortably on the managed heap (2 x n² doubles for the matrix and its eigenvectors, 64 MB).</summary>
    private const int MaxFallbackRows = 2000;

    private static readonly HyperparameterSpec[] Table =
    [
        HyperparameterSpec.Number("alpha", 1.0, min: 0),
        HyperparameterSpec.Choice("kernel", "linear", "linear", "rbf", "poly", "polynomial", "sigmoid"),
        HyperparameterSpec.Number("gamma", null, min: 0, minExclusive: true),
        HyperparameterSpec.Integer("degree", 3, min: 0),
        HyperparameterSpec.Number("coef0", 1.0),
        HyperparameterSpec.Accepted("kernel_params"),   // only for callable kernels, which SQL cannot pass
    ];

    public override string Name => AlgorithmName;
    protected override IReadOnlyList<HyperparameterSpec> Specs => Table;

    public override TrainedModel Train(string hyperparamsJson, TrainingSet data) => Fit(hyperparamsJson, data, out _);

    /// <summary>Whether K + αI factorises (false: the least-squares fallback was used), for tests.</summary>
    internal bool IsPositiveDefinite(string hyperparamsJson, TrainingSet data)
    {
        Fit(hyperparamsJson, data, out bool cholesky);
        return cholesky;
    }

    private TrainedModel Fit(string hyperparamsJson, TrainingSet data, out bool cholesky)
    {
        var p = Parse(hyperparamsJson, data.Task);
        long n = data.TrainRows;
        if (n > MaxRows)
            throw new InvalidParameterException(
                $"kernel_ridge trains on at most {MaxRows:N0} rows: its time grows with the cube of the rows and its memory with the square, and this training set has {n:N0}",
                $"Train on a sample of at most {MaxRows:N0} rows (a VIEW with TABLESAMPLE or LIMIT), or use ridge, svm or linear_svm, which scale to more rows.");
        LinearData.RequireFinite(data);
        int d = data.NumFeatures;
        var kernel = Kernel(p, d);
        int rows = (int)n;
        float* x = data.Features.Data;
        var labels = data.TrainLabels;
        var meter = new Training.WorkMeter(data.CheckInterrupts);
        double alpha = p.Number("alpha");
        double* k = (double*)NativeMemory.Alloc((nuint)((long)rows * rows), sizeof(double));
        try
        {
            // the lower triangle of K + αI, row-major
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j <= i; j++) k[(long)i * rows + j] = kernel.Eval(x + (long)i * d, x + (long)j * d, d);
                k[(long)i * rows + i] += alpha;
                meter.Add((long)(i + 1) * d);
            }
            var coef = new double[rows];
            for (int i = 0; i < rows; i++) coef[i] = labels[i];
            cholesky = CholeskySolve(k, rows, coef, meter);
            if (!cholesky)
            {
                if (rows > MaxFallbackRows)
                    throw new InvalidDataException("kernel_ridge's kernel matrix plus alpha is not positive definite",
                        "Raise alpha, or use the rbf, linear or poly kernel (the sigmoid kernel is not positive definite).");
                coef = PseudoInverseSolve(kernel, x, d, rows, alpha, labels, data.CheckInterrupts);
            }
            if (!coef.All(double.IsFinite)) throw LinearData.NotFinite();
            var vectors = new ReadOnlySpan<float>(x, checked(rows * d)).ToArray();
            var index = Enumerable.Range(0, rows).ToArray();
            return new TrainedModel(new SvmPredictor(TaskKind.Regression, kernel, d, 0, false, vectors, [], [0, rows], index, coef, [0.0]));
        }
        finally
        {
            NativeMemory.Free(k);
        }
    }

    /// <summary>scikit-learn's pairwise kernels: gamma null is 1 / n_features (not SVC's "scale"), coef0 1.</summary>
    private static SvmKernel Kernel(Hyperparameters p, int features)
    {
        var type = p.Word("kernel") switch
        {
            "rbf" => KernelType.Rbf,
            "poly" or "polynomial" => KernelType.Poly,
            "sigmoid" => KernelType.Sigmoid,
            _ => KernelType.Linear,
        };
        return new SvmKernel(type, p.Integer("degree"), p.NumberOrNull("gamma") ?? 1.0 / features, p.Number("coef0"));
    }

    /// <summary>
    /// Factorises the lower triangle of the n x n matrix at <paramref name="a"/> in place (L Lᵀ, row by row, each
    /// entry a dot product of two contiguous row prefixes) and overwrites <paramref name="b"/> with the solution.
    /// False when a pivot is not positive (the matrix is not positive definite).
    /// </summary>
    internal static bool CholeskySolve(double* a, int n, double[] b, Training.WorkMeter meter)
    {
        for (int i = 0; i < n; i++)
        {
            var rowI = new ReadOnlySpan<double>(a + (long)i * n, i);
            for (int j = 0; j <= i; j++)
            {
                double s = a[(long)i * n + j] - Dot(rowI[..j], new ReadOnlySpan<double>(a + (long)j * n, j));
                if (j < i) a[(long)i * n + j] = s / a[(long)j * n + j];
                else
                {
                    if (!(s > 0)) return false;
                    a[(long)i * n + i] = Math.Sqrt(s);
                }
            }
            meter.Add((long)i * i / 2 + 1);
        }
        for (int i = 0; i < n; i++)
        {
            double s = b[i] - Dot(new ReadOnlySpan<double>(a + (long)i * n, i), b.AsSpan(0, i));
            b[i] = s / a[(long)i * n + i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int k = i + 1; k < n; k++) s -= a[(long)k * n + i] * b[k];
            b[i] = s / a[(long)i * n + i];
        }
        meter.Add(2L * n * n);
        return true;
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int i = 0;
        double s = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= 2 * Vector<double>.Count)
        {
            var acc = Vector<double>.Zero;
            for (; i + Vector<double>.Count <= x.Length; i += Vector<double>.Count)
                acc += new Vector<double>(x[i..]) * new Vector<double>(y[i..]);
            s = Vector.Sum(acc);
        }
        for (; i < x.Length; i++) s += x[i] * y[i];
        return s;
    }

    /// <summary>The minimum-norm least-squares solution, as scikit-learn's lstsq fallback gives for a singular system.</summary>
    private static double[] PseudoInverseSolve(SvmKernel kernel, float* x, int d, int n, double alpha, ReadOnlySpan<float> labels, Action check)
    {
        var full = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                full[i * n + j] = full[j * n + i] = kernel.Eval(x + (long)i * d, x + (long)j * d, d) + (i == j ? alpha : 0);
        // symmetric but indefinite: c = V diag(1/λ) Vᵀy over the eigenvalues above lstsq's cutoff eps·n·max|λ|
        var (values, vectors) = SymmetricEigen.Decompose(full, n, check);
        double cutoff = 2.220446049250313e-16 * n * values.Max(Math.Abs);
        var c = new double[n];
        for (int e = 0; e < n; e++)
        {
            if (!(Math.Abs(values[e]) > cutoff)) continue;
            double proj = 0;
            for (int i = 0; i < n; i++) proj += vectors[(long)e * n + i] * labels[i];
            proj /= values[e];
            for (int i = 0; i < n; i++) c[i] += proj * vectors[(long)e * n + i];
        }
        return c;
    }
}
