using Pgml.Engine.Algorithms;
using Pgml.Engine.Linear;
using Pgml.Engine.Models;
using static Pgml.Engine.Linear.LinearHyperparameters;

namespace Pgml.Engine.LinearFamily;

/// <summary>
/// orthogonal_matching_pursuit: scikit-learn's OrthogonalMatchingPursuit, by its Gram form (orthogonal_mp_gram):
/// repeatedly the feature with the largest |residual correlation| q_j − (Qβ)_j joins the selection and β becomes the
/// least-squares fit on the selected features (a Cholesky factor grown a row at a time), until n_nonzero_coefs are
/// selected (default max(⌊0.1·d⌋, 1)) or, with tol, the residual sum of squares is at most tol. Like scikit-learn it
/// stops early when the best feature is already selected, its correlation is negligible, or it is linearly dependent
/// on the selection.
/// </summary>
internal sealed class OmpAlgorithm : RegressionAlgorithm
{
    public const string AlgorithmName = "orthogonal_matching_pursuit";
    private const double MinFloat = 2.2250738585072014e-308;   // finfo(float64).tiny, scikit-learn's min_float

    private static readonly HyperparameterSpec[] Table =
    [
        HyperparameterSpec.Integer("n_nonzero_coefs", null, min: 1),
        HyperparameterSpec.Number("tol", null, min: 0),
        FitIntercept,
        HyperparameterSpec.Boolean("normalize", false),   // deprecated in 1.2, default false; true is refused
        HyperparameterSpec.Accepted("precompute"),        // the Gram form always; the selection is the same
    ];

    public override string Name => AlgorithmName;
    protected override IReadOnlyList<HyperparameterSpec> Specs => Table;

    protected override void Refuse(Hyperparameters p) => RefuseNormalize(p);

    public override TrainedModel Train(string hyperparamsJson, TrainingSet data) => new(Fit(hyperparamsJson, data).Model);

    /// <summary>The fit, with the features selected (scikit-learn's n_iter_).</summary>
    internal LinearFit Fit(string hyperparamsJson, TrainingSet data)
    {
        var p = Parse(hyperparamsJson, data.Task);
        double? tol = p.NumberOrNull("tol");
        int d = data.NumFeatures;
        int wanted = p.NullableInteger("n_nonzero_coefs") ?? Math.Max(d / 10, 1);
        if (tol is null && wanted > d)
            throw new InvalidParameterException($"{AlgorithmName}: n_nonzero_coefs ({wanted}) is more than the {d} features",
                $"Set n_nonzero_coefs to at most {d}, or set tol instead.");
        var g = GramProblem.From(data, p.Boolean("fit_intercept"));
        int max = tol is null ? wanted : d;
        var q = g.Q;
        var selected = new List<int>();
        var isSelected = new bool[d];
        var l = new GrowingCholesky(q, d);
        var coef = new double[d];
        var gammaS = Array.Empty<double>();
        var meter = new Training.WorkMeter(data.CheckInterrupts);
        data.CheckInterrupts();
        while (true)
        {
            // residual correlations q − Qβ; the selected ones are ~0 after the projection
            int best = 0;
            double bestAbs = -1, bestValue = 0;
            for (int j = 0; j < d; j++)
            {
                double s = g.Xty[j];
                for (int a = 0; a < selected.Count; a++) s -= q[j * d + selected[a]] * gammaS[a];
                if (Math.Abs(s) > bestAbs) { best = j; bestAbs = Math.Abs(s); bestValue = s; }
            }
            if (isSelected[best] || bestValue * bestValue < MinFloat) break;
            int k = selected.Count;
            double lkk = l.Propose(selected, best);
            if (lkk <= MinFloat) break;   // dependent on the selection
            l.Accept(Math.Sqrt(lkk));
            selected.Add(best);
            isSelected[best] = true;
            gammaS = l.Solve(selected.Select(j => g.Xty[j]).ToArray());
            meter.Add((long)d * selected.Count + (long)k * k);
            if (tol is { } t)
            {
                Array.Clear(coef);
                for (int a = 0; a < selected.Count; a++) coef[selected[a]] = gammaS[a];
                if (Math.Abs(g.ResidualSquares(coef)) <= t) break;
            }
            if (selected.Count == max) break;
        }
        Array.Clear(coef);
        for (int a = 0; a < selected.Count; a++) coef[selected[a]] = gammaS[a];
        if (!coef.All(double.IsFinite)) throw LinearData.NotFinite();
        return new LinearFit(g.Predictor(coef), selected.Count);
    }
}
