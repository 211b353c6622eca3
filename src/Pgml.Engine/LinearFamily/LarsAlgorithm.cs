using Pgml.Engine.Algorithms;
using Pgml.Engine.Linear;
using Pgml.Engine.Models;
using static Pgml.Engine.Linear.LinearHyperparameters;

namespace Pgml.Engine.LinearFamily;

/// <summary>
/// least_angle: scikit-learn's Lars (at most n_nonzero_coefs steps of the LAR path; with every feature active that
/// is the least-squares fit), and lasso_least_angle: LassoLars (the lasso path followed down to alpha). Both run
/// <see cref="LarsPath"/> on the Gram matrix, as scikit-learn's precompute "auto" does when rows outnumber features.
/// </summary>
internal sealed class LarsAlgorithm(bool lasso) : RegressionAlgorithm
{
    private static readonly HyperparameterSpec[] Shared =
    [
        FitIntercept,
        HyperparameterSpec.Accepted("verbose"),
        HyperparameterSpec.Boolean("normalize", false),      // deprecated in 1.2, default false; true is refused
        HyperparameterSpec.Accepted("precompute"),           // pgml always uses the Gram matrix; the path is the same
        HyperparameterSpec.Number("eps", 2.220446049250313e-16, min: 0, minExclusive: true),
        HyperparameterSpec.Accepted("copy_X"),
        HyperparameterSpec.Accepted("fit_path"),             // the model is the path's end either way
        HyperparameterSpec.Number("jitter", null, min: 0, minExclusive: true),
        RandomState,                                         // only for jitter
    ];

    private static readonly HyperparameterSpec[] LarsSpecs = [HyperparameterSpec.Integer("n_nonzero_coefs", 500, min: 1), .. Shared];

    private static readonly HyperparameterSpec[] LassoLarsSpecs =
    [
        HyperparameterSpec.Number("alpha", 1.0, min: 0),
        HyperparameterSpec.Integer("max_iter", 500, min: 1),
        HyperparameterSpec.Boolean("positive", false),
        .. Shared,
    ];

    public override string Name => lasso ? "lasso_least_angle" : "least_angle";
    protected override IReadOnlyList<HyperparameterSpec> Specs => lasso ? LassoLarsSpecs : LarsSpecs;

    protected override void Refuse(Hyperparameters p)
    {
        RefuseNormalize(p);
        if (p.NumberOrNull("jitter") is not null)
            throw new UnsupportedException($"{Name} does not implement jitter in pgml",
                "Remove jitter: it only breaks ties between equally correlated features by noise on the label.");
    }

    public override TrainedModel Train(string hyperparamsJson, TrainingSet data) => new(Fit(hyperparamsJson, data).Model);

    /// <summary>The fit, with the path's steps (scikit-learn's n_iter_).</summary>
    internal LinearFit Fit(string hyperparamsJson, TrainingSet data)
    {
        var p = Parse(hyperparamsJson, data.Task);
        var g = GramProblem.From(data, p.Boolean("fit_intercept"));
        var options = lasso
            ? new LarsPath.Options(true, p.Number("alpha"), p.Integer("max_iter"), p.Number("eps"))
            : new LarsPath.Options(false, 0, p.Integer("n_nonzero_coefs"), p.Number("eps"));
        var (coef, steps) = LarsPath.Run(g, options, data.CheckInterrupts);
        if (!coef.All(double.IsFinite)) throw LinearData.NotFinite();
        return new LinearFit(g.Predictor(coef), steps);
    }
}
