using Pgml.Engine.Algorithms;
using Pgml.Engine.Linear;
using Pgml.Engine.Models;
using static Pgml.Engine.Linear.LinearHyperparameters;

namespace Pgml.Engine.LinearFamily;

/// <summary>
/// quantile: scikit-learn's QuantileRegressor, min Σᵢ ρ_τ(yᵢ − xᵢw − b) + α·n·‖w‖₁ with the pinball loss
/// ρ_τ(r) = τ·r⁺ + (1 − τ)·r⁻, a linear program. scikit-learn hands it to SciPy's linprog (interior-point by default
/// in 1.2, highs on request); pgml solves the same program with its own primal-dual interior-point method
/// (<see cref="QuantileInteriorPoint"/>) to a relative duality gap of 1e-12, so every solver name reaches the same
/// optimum. The L1 penalty is written as two pseudo-rows per feature (±α·n·eⱼ with label 0), whose pinball losses sum
/// to α·n·|wⱼ| for any τ: the program is then an unpenalized quantile regression.
/// </summary>
internal sealed class QuantileAlgorithm : RegressionAlgorithm
{
    public const string AlgorithmName = "quantile";

    private static readonly HyperparameterSpec[] Table =
    [
        HyperparameterSpec.Number("quantile", 0.5, min: 0, minExclusive: true, max: 1, maxExclusive: true),
        HyperparameterSpec.Number("alpha", 1.0, min: 0),
        FitIntercept,
        HyperparameterSpec.Choice("solver", "warn", "warn", "highs", "highs-ds", "highs-ipm", "interior-point", "revised simplex"),
        HyperparameterSpec.Accepted("solver_options"),   // SciPy's options; pgml's solver has its own fixed tolerance
    ];

    public override string Name => AlgorithmName;
    protected override IReadOnlyList<HyperparameterSpec> Specs => Table;

    public override TrainedModel Train(string hyperparamsJson, TrainingSet data) => new(Fit(hyperparamsJson, data).Model);

    /// <summary>The fit, with the interior-point iterations.</summary>
    internal LinearFit Fit(string hyperparamsJson, TrainingSet data)
    {
        var p = Parse(hyperparamsJson, data.Task);
        LinearData.RequireFinite(data);
        bool fitIntercept = p.Boolean("fit_intercept");
        int d = data.NumFeatures;
        var (theta, iterations) = QuantileInteriorPoint.Solve(data, p.Number("quantile"), p.Number("alpha") * data.TrainRows, fitIntercept);
        var predictor = new LinearPredictor(LinearOutput.Value, d, 0, theta[..d], [fitIntercept ? theta[d] : 0]);
        return new LinearFit(predictor, iterations);
    }
}
