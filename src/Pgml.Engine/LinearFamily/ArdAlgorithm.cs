using Pgml.Engine.Algorithms;
using Pgml.Engine.Linear;
using Pgml.Engine.Models;
using static Pgml.Engine.Linear.LinearHyperparameters;

namespace Pgml.Engine.LinearFamily;

/// <summary>
/// automatic_relevance_determination: scikit-learn's ARDRegression, one precision λⱼ per weight (Tipping 2001, with
/// MacKay's updates as scikit-learn applies them). Each iteration, over the kept features K:
/// Σ = (diag(λ_K) + α Q_KK)⁻¹, w_K = α Σ q_K, γⱼ = 1 − λⱼΣⱼⱼ, λⱼ ← (γⱼ + 2λ₁)/(wⱼ² + 2λ₂),
/// α ← (n − Σγ + 2α₁)/(‖y − Xw‖² + 2α₂); a feature whose λⱼ reaches threshold_lambda is pruned (its weight 0). It stops
/// when the weights move by less than tol in L1 or nothing is kept, then recomputes Σ and w once more, as scikit-learn.
/// </summary>
internal sealed class ArdAlgorithm : RegressionAlgorithm
{
    public const string AlgorithmName = "automatic_relevance_determination";

    private static readonly HyperparameterSpec[] Table =
    [
        .. BayesianRidgeAlgorithm.Evidence,
        HyperparameterSpec.Accepted("compute_score"),   // the objective's trace is not stored with the model
        HyperparameterSpec.Number("threshold_lambda", 1e4, min: 0),
        FitIntercept,
        HyperparameterSpec.Accepted("copy_X"),
        HyperparameterSpec.Accepted("verbose"),
    ];

    public override string Name => AlgorithmName;
    protected override IReadOnlyList<HyperparameterSpec> Specs => Table;

    public override TrainedModel Train(string hyperparamsJson, TrainingSet data) => new(Fit(hyperparamsJson, data).Model);

    internal LinearFit Fit(string hyperparamsJson, TrainingSet data)
    {
        var p = Parse(hyperparamsJson, data.Task);
        var g = GramProblem.From(data, p.Boolean("fit_intercept"));
        int d = g.D;
        long n = g.Rows;
        double a1 = p.Number("alpha_1"), a2 = p.Number("alpha_2"), l1 = p.Number("lambda_1"), l2 = p.Number("lambda_2");
        double tol = p.Number("tol"), threshold = p.Number("threshold_lambda");
        int maxIter = p.Integer("n_iter");
        double alpha = 1.0 / (g.LabelVariance + BayesianRidgeAlgorithm.MachineEpsilon);
        var lambda = Enumerable.Repeat(1.0, d).ToArray();
        var keep = Enumerable.Repeat(true, d).ToArray();
        var w = new double[d];
        var old = new double[d];
        var meter = new Training.WorkMeter(data.CheckInterrupts);
        int iteration = 0;
        for (; iteration < maxIter; iteration++)
        {
            var kept = Kept(keep);
            var sigmaDiag = Update(g, kept, lambda, alpha, w, meter);
            double rss = g.ResidualSquares(w);
            double gammaSum = 0;
            for (int k = 0; k < kept.Length; k++)
            {
                int j = kept[k];
                double gamma = 1 - lambda[j] * sigmaDiag[k];
                gammaSum += gamma;
                lambda[j] = (gamma + 2 * l1) / (w[j] * w[j] + 2 * l2);
            }
            alpha = (n - gammaSum + 2 * a1) / (rss + 2 * a2);
            for (int j = 0; j < d; j++)
            {
                keep[j] = lambda[j] < threshold;
                if (!keep[j]) w[j] = 0;
            }
            if (iteration > 0)
            {
                double moved = 0;
                for (int j = 0; j < d; j++) moved += Math.Abs(old[j] - w[j]);
                if (moved < tol) break;
            }
            Array.Copy(w, old, d);
            if (!keep.Any(k => k)) break;
        }
        int iterations = Math.Min(iteration + 1, maxIter);
        if (keep.Any(k => k)) Update(g, Kept(keep), lambda, alpha, w, meter);
        if (!w.All(double.IsFinite))
            throw new InvalidDataException($"{AlgorithmName} did not converge to finite weights", "Scale the features, or raise lambda_2.");
        return new LinearFit(g.Predictor(w), iterations);
    }

    private static int[] Kept(bool[] keep) => Enumerable.Range(0, keep.Length).Where(j => keep[j]).ToArray();

    /// <summary>Σ over the kept features and w_K = αΣq_K (the other weights untouched); returns Σ's diagonal.</summary>
    private static double[] Update(GramProblem g, int[] kept, double[] lambda, double alpha, double[] w, Training.WorkMeter meter)
    {
        int k = kept.Length, d = g.D;
        var inverse = new double[k * k];
        var identity = new double[k * k];
        for (int a = 0; a < k; a++)
        {
            for (int b = 0; b < k; b++) inverse[a * k + b] = alpha * g.Q[kept[a] * d + kept[b]];
            inverse[a * k + a] += lambda[kept[a]];
            identity[a * k + a] = 1;
        }
        // Σ⁻¹ is positive definite (λ > 0): Cholesky, with the pseudo-inverse for the near-singular case as pinvh
        var sigma = SymmetricSolver.Solve(inverse, k, identity, k, out _);
        meter.Add((long)k * k * k);
        var diag = new double[k];
        for (int a = 0; a < k; a++)
        {
            diag[a] = sigma[a * k + a];
            double s = 0;
            for (int b = 0; b < k; b++) s += sigma[a * k + b] * g.Xty[kept[b]];
            w[kept[a]] = alpha * s;
        }
        return diag;
    }
}
