using Pgml.Engine.Algorithms;
using Pgml.Engine.Linear;
using Pgml.Engine.Models;
using static Pgml.Engine.Linear.LinearHyperparameters;

namespace Pgml.Engine.LinearFamily;

/// <summary>
/// huber: scikit-learn's HuberRegressor, Owen's (2007) joint estimate of the weights and a scale σ: it minimises
///   Σᵢ [σ + H_ε(rᵢ/σ)·σ] + α‖w‖²,  rᵢ = yᵢ − xᵢw − b,
/// with H_ε(z) = z² for |z| ≤ ε and 2ε|z| − ε² beyond (jointly convex in w, b, σ), from w = b = 0, σ = 1 by L-BFGS
/// (<see cref="Lbfgs"/>, stopping as SciPy's L-BFGS-B: gtol = tol, ftol at SciPy's default). scikit-learn bounds σ
/// below by 10·eps; here a step to σ ≤ 0 has an infinite objective, so the line search backs off instead.
/// </summary>
internal sealed class HuberAlgorithm : RegressionAlgorithm
{
    public const string AlgorithmName = "huber";

    private static readonly HyperparameterSpec[] Table =
    [
        HyperparameterSpec.Number("epsilon", 1.35, min: 1),
        HyperparameterSpec.Integer("max_iter", 100, min: 0),
        HyperparameterSpec.Number("alpha", 1e-4, min: 0),
        HyperparameterSpec.Accepted("warm_start"),   // every fit starts from zero
        FitIntercept,
        Tol(1e-5),
    ];

    public override string Name => AlgorithmName;
    protected override IReadOnlyList<HyperparameterSpec> Specs => Table;

    public override TrainedModel Train(string hyperparamsJson, TrainingSet data) => new(Fit(hyperparamsJson, data).Fit.Model);

    /// <summary>The fit, its L-BFGS iterations, and the scale σ (scikit-learn's scale_).</summary>
    internal (LinearFit Fit, double Scale) Fit(string hyperparamsJson, TrainingSet data)
    {
        var p = Parse(hyperparamsJson, data.Task);
        LinearData.RequireFinite(data);
        bool fitIntercept = p.Boolean("fit_intercept");
        int d = data.NumFeatures;
        var objective = new HuberObjective(data, p.Number("epsilon"), p.Number("alpha"), fitIntercept);
        var x0 = new double[d + (fitIntercept ? 2 : 1)];
        x0[^1] = 1;
        int maxIter = p.Integer("max_iter");
        var result = maxIter == 0 ? new Lbfgs.Result(x0, 0, 0, false)
            : Lbfgs.Minimize(objective.Evaluate, x0, p.Number("tol"), maxIter, data.CheckInterrupts);
        var x = result.X;
        if (!x.All(double.IsFinite))
            throw new InvalidDataException($"{AlgorithmName} did not converge to finite weights", "Scale the features and the label.");
        var predictor = new LinearPredictor(LinearOutput.Value, d, 0, x[..d], [fitIntercept ? x[d] : 0]);
        return (new LinearFit(predictor, result.Iterations), x[^1]);
    }
}

/// <summary>scikit-learn's _huber_loss_and_gradient over the training rows, in double, in one pass.</summary>
internal sealed unsafe class HuberObjective(TrainingSet data, double epsilon, double alpha, bool fitIntercept)
{
    private readonly Training.WorkMeter _meter = new(data.CheckInterrupts);

    public double Evaluate(ReadOnlySpan<double> x, Span<double> grad)
    {
        int d = data.NumFeatures;
        long n = data.TrainRows;
        double sigma = x[^1];
        grad.Clear();
        if (!(sigma > 0)) return double.PositiveInfinity;
        double intercept = fitIntercept ? x[d] : 0;
        float* rows = data.Features.Data;
        float* labels = data.LabelPointer;
        double squared = 0, outlierAbs = 0, interceptGrad = 0;
        long outliers = 0;
        for (long i = 0; i < n; i++)
        {
            float* row = rows + i * d;
            double r = labels[i] - intercept;
            for (int j = 0; j < d; j++) r -= x[j] * row[j];
            double scale;
            if (Math.Abs(r) > epsilon * sigma)
            {
                outliers++;
                outlierAbs += Math.Abs(r);
                scale = -2 * epsilon * Math.Sign(r);   // d/dw of 2ε|r| is −2ε·sign(r)·x
            }
            else
            {
                squared += r * r;
                scale = -2 * r / sigma;                 // d/dw of r²/σ is −2r·x/σ
            }
            for (int j = 0; j < d; j++) grad[j] += scale * row[j];
            interceptGrad += scale;
        }
        _meter.Add(2 * n * d);
        double squaredLoss = squared / sigma;
        double loss = n * sigma + squaredLoss + 2 * epsilon * outlierAbs - sigma * outliers * epsilon * epsilon;
        double penalty = 0;
        for (int j = 0; j < d; j++)
        {
            penalty += x[j] * x[j];
            grad[j] += 2 * alpha * x[j];
        }
        loss += alpha * penalty;
        if (fitIntercept) grad[d] = interceptGrad;
        grad[^1] = n - outliers * epsilon * epsilon - squaredLoss / sigma;
        return loss;
    }
}
