using Pgml.Engine.Algorithms;
using Pgml.Engine.Decomposition;
using Pgml.Engine.Linear;
using Pgml.Engine.Models;
using static Pgml.Engine.Linear.LinearHyperparameters;

namespace Pgml.Engine.LinearFamily;

/// <summary>
/// bayesian_ridge: scikit-learn's BayesianRidge, MacKay's evidence maximisation (1992). With Q = XᵀX = V diag(e) Vᵀ
/// decomposed once, each iteration's posterior mean is w = V diag(1/(e + λ/α)) Vᵀq (the ridge solution at λ/α), then
/// γ = Σ αe/(λ + αe), λ ← (γ + 2λ₁)/(‖w‖² + 2λ₂), α ← (n − γ + 2α₁)/(‖y − Xw‖² + 2α₂), until the weights move by
/// less than tol in L1; the model is the posterior mean at the last α, λ. scikit-learn takes the SVD of X for the
/// same eigenvalues (e = s²); the Gram's eigendecomposition costs O(d³) instead of O(nd²) and gives them in double.
/// </summary>
internal sealed class BayesianRidgeAlgorithm : RegressionAlgorithm
{
    public const string AlgorithmName = "bayesian_ridge";

    /// <summary>numpy's finfo(float64).eps, which scikit-learn adds to var(y) so a constant label does not divide by 0.</summary>
    internal const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>The evidence iteration's keys, shared with ARD.</summary>
    internal static HyperparameterSpec[] Evidence =>
    [
        HyperparameterSpec.Integer("n_iter", 300, min: 1),
        Tol(1e-3),
        HyperparameterSpec.Number("alpha_1", 1e-6, min: 0),
        HyperparameterSpec.Number("alpha_2", 1e-6, min: 0),
        HyperparameterSpec.Number("lambda_1", 1e-6, min: 0),
        HyperparameterSpec.Number("lambda_2", 1e-6, min: 0),
    ];

    private static readonly HyperparameterSpec[] Table =
    [
        .. Evidence,
        HyperparameterSpec.Number("alpha_init", null, min: 0, minExclusive: true),
        HyperparameterSpec.Number("lambda_init", null, min: 0, minExclusive: true),
        HyperparameterSpec.Accepted("compute_score"),   // the log marginal likelihood is not stored with the model
        FitIntercept,
        HyperparameterSpec.Accepted("copy_X"),
        HyperparameterSpec.Accepted("verbose"),
    ];

    public override string Name => AlgorithmName;
    protected override IReadOnlyList<HyperparameterSpec> Specs => Table;

    public override TrainedModel Train(string hyperparamsJson, TrainingSet data) => new(Fit(hyperparamsJson, data).Model);

    /// <summary>The fit, with scikit-learn's n_iter_ (iterations run before convergence or n_iter).</summary>
    internal LinearFit Fit(string hyperparamsJson, TrainingSet data)
    {
        var p = Parse(hyperparamsJson, data.Task);
        var g = GramProblem.From(data, p.Boolean("fit_intercept"));
        int d = g.D;
        long n = g.Rows;
        var (eigen, vectors) = SymmetricEigen.Decompose((double[])g.Q.Clone(), d, data.CheckInterrupts);
        for (int i = 0; i < d; i++) eigen[i] = Math.Max(eigen[i], 0);   // a singular Q's zeros may come out as −1e-13
        var projected = new double[d];   // Vᵀq
        for (int i = 0; i < d; i++)
        {
            double s = 0;
            for (int j = 0; j < d; j++) s += vectors[i * d + j] * g.Xty[j];
            projected[i] = s;
        }
        double alpha = p.NumberOrNull("alpha_init") ?? 1.0 / (g.LabelVariance + MachineEpsilon);
        double lambda = p.NumberOrNull("lambda_init") ?? 1.0;
        double a1 = p.Number("alpha_1"), a2 = p.Number("alpha_2"), l1 = p.Number("lambda_1"), l2 = p.Number("lambda_2");
        double tol = p.Number("tol");
        int maxIter = p.Integer("n_iter");
        var w = new double[d];
        var old = new double[d];
        var meter = new Training.WorkMeter(data.CheckInterrupts);
        int iteration = 0;
        for (; iteration < maxIter; iteration++)
        {
            Posterior(eigen, vectors, projected, lambda / alpha, w);
            double rss = g.ResidualSquares(w);
            double gamma = 0, norm2 = 0;
            for (int i = 0; i < d; i++)
            {
                gamma += alpha * eigen[i] / (lambda + alpha * eigen[i]);
                norm2 += w[i] * w[i];
            }
            lambda = (gamma + 2 * l1) / (norm2 + 2 * l2);
            alpha = (n - gamma + 2 * a1) / (rss + 2 * a2);
            if (iteration != 0)
            {
                double moved = 0;
                for (int i = 0; i < d; i++) moved += Math.Abs(old[i] - w[i]);
                if (moved < tol) break;
            }
            Array.Copy(w, old, d);
            meter.Add(3L * d * d);
        }
        int iterations = Math.Min(iteration + 1, maxIter);
        Posterior(eigen, vectors, projected, lambda / alpha, w);
        if (!w.All(double.IsFinite))
            throw new InvalidDataException("bayesian_ridge did not converge to finite weights",
                "Scale the features, or set alpha_init and lambda_init.");
        return new LinearFit(g.Predictor(w), iterations);
    }

    /// <summary>w = V diag(1/(e + ratio)) Vᵀq, with V's rows the eigenvectors.</summary>
    private static void Posterior(double[] eigen, double[] vectors, double[] projected, double ratio, double[] w)
    {
        int d = eigen.Length;
        Array.Clear(w);
        for (int i = 0; i < d; i++)
        {
            double c = projected[i] / (eigen[i] + ratio);
            if (c == 0) continue;
            for (int j = 0; j < d; j++) w[j] += c * vectors[i * d + j];
        }
    }
}
