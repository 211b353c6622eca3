using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;
using static Pgml.Engine.Linear.LinearHyperparameters;

namespace Pgml.Engine.Linear;

/// <summary>
/// linear: scikit-learn's LinearRegression (ordinary least squares, closed form from the Gram matrix) for regression
/// and LogisticRegression (L2 penalty, lbfgs) for classification, as PostgresML maps them.
/// </summary>
internal sealed class LinearAlgorithm : IAlgorithm
{
    public const string AlgorithmName = "linear";

    internal static readonly HyperparameterSpec[] RegressionSpecs =
    [
        FitIntercept,
        HyperparameterSpec.Boolean("positive", false),
        HyperparameterSpec.Accepted("copy_X"),
        HyperparameterSpec.Accepted("n_jobs"),
    ];

    internal static readonly HyperparameterSpec[] ClassificationSpecs =
    [
        HyperparameterSpec.Choice("penalty", "l2", "l2", "none"),
        HyperparameterSpec.Boolean("dual", false),
        Tol(1e-4),
        C,
        FitIntercept,
        HyperparameterSpec.Accepted("intercept_scaling"),   // liblinear's; lbfgs fits the intercept directly
        ClassWeight,
        HyperparameterSpec.Accepted("random_state"),        // lbfgs is deterministic
        HyperparameterSpec.Choice("solver", "lbfgs", "lbfgs"),
        HyperparameterSpec.Integer("max_iter", 100, min: 1),
        HyperparameterSpec.Choice("multi_class", "auto", "auto", "multinomial"),
        HyperparameterSpec.Accepted("verbose"),
        HyperparameterSpec.Accepted("warm_start"),
        HyperparameterSpec.Accepted("n_jobs"),
        HyperparameterSpec.Accepted("l1_ratio"),            // only for the elasticnet penalty
    ];

    public string Name => AlgorithmName;
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Regression, TaskKind.Classification];
    public bool AcceptsMissingValues => false;

    public void Validate(string hyperparamsJson, TaskKind task) => Parse(hyperparamsJson, task);

    private static Hyperparameters Parse(string? json, TaskKind task) =>
        LinearHyperparameters.Parse(json, AlgorithmName, task, RegressionSpecs, ClassificationSpecs);

    public TrainedModel Train(string hyperparamsJson, TrainingSet data) => new(Fit(hyperparamsJson, data).Model);

    /// <summary>The fit <see cref="Train"/> makes, with the solver's iteration count (0 for least squares).</summary>
    internal static LinearFit Fit(string hyperparamsJson, TrainingSet data)
    {
        var p = Parse(hyperparamsJson, data.Task);
        if (data.Task == TaskKind.Regression)
        {
            var gram = CenteredGram.Compute(data, TargetColumns.Value);
            var (coef, intercept) = LeastSquares.Fit(gram, 0, p.Boolean("fit_intercept"), data.CheckInterrupts);
            return new LinearFit(new LinearPredictor(LinearOutput.Value, data.NumFeatures, 0, coef, intercept), 0);
        }
        LinearData.RequireFinite(data);
        return LogisticRegression.Fit(data, new LogisticRegression.Options(
            C: p.Number("C"), Penalized: p.Word("penalty") == "l2", FitIntercept: p.Boolean("fit_intercept"),
            Tol: p.Number("tol"), MaxIter: p.Integer("max_iter"), Multinomial: p.Word("multi_class") == "multinomial"));
    }
}
