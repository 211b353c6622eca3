using Pgml.Engine.Algorithms;
using Pgml.Engine.Linear;
using Pgml.Engine.Models;
using Pgml.Engine.Training;

namespace Pgml.Engine.Gaussian;

/// <summary>
/// gaussian_process (regression): scikit-learn 1.2's GaussianProcessRegressor with its default kernel,
/// ConstantKernel(1.0, bounds "fixed") × RBF(1.0, bounds "fixed"). Those fixed bounds leave the kernel no
/// hyperparameter, so scikit-learn's optimizer (fmin_l_bfgs_b on the log marginal likelihood) has nothing to tune and
/// the fit is exact: α = (K + alpha·I)⁻¹ y by Cholesky, y centred and scaled first when normalize_y. A kernel object
/// cannot be written in JSON hyperparameters, so kernel is accepted only as null, as through PostgresML.
/// </summary>
/// <remarks>Cost: the kernel matrix and its factor are 2 n² doubles and the factorisation n³/3 multiply-adds, so
/// training refuses more than <see cref="MaxRows"/> rows up front (22023, naming the limit).</remarks>
internal sealed class GaussianProcessAlgorithm : IAlgorithm
{
    /// <summary>3,000 rows: 144 MB for the kernel matrix and its factor, about 9·10⁹ multiply-adds.</summary>
    public const int MaxRows = 3000;

    public string Name => "gaussian_process";
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Regression];

    /// <summary>The kernel is built on distances: missing values must be imputed first.</summary>
    public bool AcceptsMissingValues => false;

    private static readonly HyperparameterSpec[] Specs =
    [
        HyperparameterSpec.Accepted("kernel"),
        HyperparameterSpec.Number("alpha", 1e-10, min: 0),
        // no effect with the default kernel (nothing to optimise), as in scikit-learn
        HyperparameterSpec.Choice("optimizer", "fmin_l_bfgs_b", "fmin_l_bfgs_b"),
        HyperparameterSpec.Integer("n_restarts_optimizer", 0, min: 0),
        HyperparameterSpec.Boolean("normalize_y", false),
        HyperparameterSpec.Accepted("copy_X_train"),
        HyperparameterSpec.Accepted("random_state"),
    ];

    private static (double Alpha, bool Normalize) Parse(string? json)
    {
        var p = Hyperparameters.Parse(json, "gaussian_process", Specs);
        if (p.Get("kernel") is not null)
            throw new UnsupportedException("gaussian_process: only the default kernel (ConstantKernel(1.0) * RBF(1.0), fixed) is available in pgml",
                "Remove \"kernel\" (a kernel object cannot be written in JSON); scale the features with preprocess to set the RBF's length scale.");
        return (p.Number("alpha"), p.Boolean("normalize_y"));
    }

    public void Validate(string hyperparamsJson, TaskKind task)
    {
        if (task != TaskKind.Regression)
            throw new UnsupportedException($"gaussian_process supports regression in pgml, not {TaskNames.Name(task)}", "Use another classifier (svm, linear, ...).");
        Parse(hyperparamsJson);
    }

    public unsafe TrainedModel Train(string hyperparamsJson, TrainingSet data)
    {
        var (alpha, normalize) = Parse(hyperparamsJson);
        if (data.TrainRows > MaxRows)
            throw new InvalidParameterException($"gaussian_process trains on at most {MaxRows} rows, got {data.TrainRows}: its cost grows with the cube of the rows",
                $"Train on a sample of at most {MaxRows} rows (a view with TABLESAMPLE or LIMIT), or use svm, knn or a tree ensemble for larger tables.");
        int n = (int)data.TrainRows, f = data.NumFeatures;
        if (n < 1) throw new InvalidDataException("gaussian_process needs at least one training row", "Train on more rows.");
        var x = new float[n * f];
        new ReadOnlySpan<float>(data.Features.Data, n * f).CopyTo(x);
        foreach (float v in x)
            if (!float.IsFinite(v))
                throw new InvalidDataException("gaussian_process cannot train on a missing or infinite value", "Impute missing values (preprocess) or filter the rows.");
        var y = data.TrainLabels.ToArray().Select(v => (double)v).ToArray();
        double mean = 0, std = 1;
        if (normalize)
        {
            mean = y.Average();
            std = Math.Sqrt(y.Sum(v => (v - mean) * (v - mean)) / n);
            if (std == 0) std = 1;   // scikit-learn's _handle_zeros_in_scale
            for (int i = 0; i < n; i++) y[i] = (y[i] - mean) / std;
        }
        var meter = new WorkMeter(data.CheckInterrupts);
        var k = new double[(long)n * n];
        for (int i = 0; i < n; i++)
        {
            meter.Add((long)n * f);
            for (int j = 0; j <= i; j++)
            {
                double d2 = 0;
                for (int c = 0; c < f; c++)
                {
                    double d = (double)x[i * f + c] - x[j * f + c];
                    d2 += d * d;
                }
                k[(long)i * n + j] = k[(long)j * n + i] = Math.Exp(-0.5 * d2);
            }
            k[(long)i * n + i] += alpha;
        }
        var coefficients = SymmetricSolver.CholeskySolve(k, n, y, 1, data.CheckInterrupts)
            ?? throw new InvalidDataException("gaussian_process: the kernel matrix plus alpha is not positive definite (duplicate or nearly equal rows)",
                "Increase \"alpha\" (e.g. 1e-6 or 1e-2), as scikit-learn suggests, or remove duplicate rows.");
        return new TrainedModel(new GaussianProcessPredictor(f, 1.0, 1.0, mean, std, x, coefficients));
    }
}
