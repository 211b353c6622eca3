using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;
using static Pgml.Engine.Linear.LinearHyperparameters;

namespace Pgml.Engine.Linear;

/// <summary>
/// elastic_net: scikit-learn's ElasticNet (alpha 1, l1_ratio 0.5), regression only as in PostgresML, by coordinate
/// descent on the Gram matrix (<see cref="ElasticNetSolver"/>). <see cref="LassoAlgorithm"/> is the same with
/// l1_ratio fixed at 1.
/// </summary>
internal class ElasticNetAlgorithm : IAlgorithm
{
    public virtual string Name => "elastic_net";
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Regression];
    public bool AcceptsMissingValues => false;

    protected virtual HyperparameterSpec[] Specs { get; } =
    [
        HyperparameterSpec.Number("alpha", 1.0, min: 0),
        HyperparameterSpec.Number("l1_ratio", 0.5, min: 0, max: 1),
        .. SharedSpecs,
    ];

    protected static readonly HyperparameterSpec[] SharedSpecs =
    [
        FitIntercept,
        HyperparameterSpec.Accepted("precompute"),     // pgml always uses the Gram matrix; the result is the same
        HyperparameterSpec.Integer("max_iter", 1000, min: 1),
        HyperparameterSpec.Accepted("copy_X"),
        Tol(1e-4),
        HyperparameterSpec.Accepted("warm_start"),     // every fit starts from zero
        HyperparameterSpec.Boolean("positive", false),
        RandomState,
        HyperparameterSpec.Choice("selection", "cyclic", "cyclic", "random"),
    ];

    protected virtual double L1Ratio(Hyperparameters p) => p.Number("l1_ratio");

    public void Validate(string hyperparamsJson, TaskKind task) => Parse(hyperparamsJson, task);

    private Hyperparameters Parse(string? json, TaskKind task) =>
        task == TaskKind.Regression ? LinearHyperparameters.Parse(json, Name, Specs) : throw TaskNotSupported(Name, task);

    public TrainedModel Train(string hyperparamsJson, TrainingSet data) => new(Fit(hyperparamsJson, data).Model);

    /// <summary>The fit <see cref="Train"/> makes, with its coordinate-descent sweeps.</summary>
    internal LinearFit Fit(string hyperparamsJson, TrainingSet data)
    {
        var p = Parse(hyperparamsJson, data.Task);
        bool fitIntercept = p.Boolean("fit_intercept");
        var gram = CenteredGram.Compute(data, TargetColumns.Value);
        int d = data.NumFeatures;
        var q = new double[d * d];
        var xty = new double[d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++) q[i * d + j] = gram.At(i, j, fitIntercept);
            xty[i] = gram.At(i, d, fitIntercept);
        }
        var options = new ElasticNetSolver.Options(p.Number("alpha"), L1Ratio(p), p.Number("tol"), p.Integer("max_iter"),
            p.Boolean("positive"), p.Word("selection") == "random", Seed(p));
        var (w, iterations, _) = ElasticNetSolver.Solve(q, xty, gram.At(d, d, fitIntercept), gram.Rows, options, data.CheckInterrupts);
        double intercept = 0;
        if (fitIntercept)
        {
            intercept = gram.Mean[d];
            for (int j = 0; j < d; j++) intercept -= gram.Mean[j] * w[j];
        }
        return new LinearFit(new LinearPredictor(LinearOutput.Value, d, 0, w, [intercept]), iterations);
    }
}

/// <summary>lasso: scikit-learn's Lasso (alpha 1), the elastic net with l1_ratio 1.</summary>
internal sealed class LassoAlgorithm : ElasticNetAlgorithm
{
    public override string Name => "lasso";

    protected override HyperparameterSpec[] Specs { get; } = [HyperparameterSpec.Number("alpha", 1.0, min: 0), .. SharedSpecs];

    protected override double L1Ratio(Hyperparameters p) => 1.0;
}
