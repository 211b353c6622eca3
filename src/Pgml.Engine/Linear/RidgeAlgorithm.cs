using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;
using static Pgml.Engine.Linear.LinearHyperparameters;

namespace Pgml.Engine.Linear;

/// <summary>
/// ridge: scikit-learn's Ridge (regression) and RidgeClassifier (classification) with the cholesky solver that
/// solver "auto" picks for dense data: (XᵀX + αI)·W = XᵀY on centered data, the intercept unpenalized. The classifier
/// codes each class as +1 / −1 and regresses on those columns (one column, class 1, for two classes); its scores are
/// the regressions' outputs, the class their argmax ([−s, s] for two classes).
/// </summary>
internal sealed class RidgeAlgorithm : IAlgorithm
{
    public const string AlgorithmName = "ridge";

    private static readonly HyperparameterSpec[] RegressionSpecs =
    [
        HyperparameterSpec.Number("alpha", 1.0, min: 0),
        FitIntercept,
        HyperparameterSpec.Accepted("copy_X"),
        HyperparameterSpec.Accepted("max_iter"),       // iterative solvers only
        HyperparameterSpec.Accepted("tol"),            // iterative solvers only
        HyperparameterSpec.Choice("solver", "auto", "auto", "cholesky"),
        HyperparameterSpec.Boolean("positive", false),
        HyperparameterSpec.Accepted("random_state"),   // sag / saga only
    ];

    private static readonly HyperparameterSpec[] ClassificationSpecs = [.. RegressionSpecs, ClassWeight];

    public string Name => AlgorithmName;
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Regression, TaskKind.Classification];
    public bool AcceptsMissingValues => false;

    public void Validate(string hyperparamsJson, TaskKind task) => Parse(hyperparamsJson, task);

    private static Hyperparameters Parse(string? json, TaskKind task) =>
        LinearHyperparameters.Parse(json, AlgorithmName, task, RegressionSpecs, ClassificationSpecs);

    public TrainedModel Train(string hyperparamsJson, TrainingSet data)
    {
        var p = Parse(hyperparamsJson, data.Task);
        bool classify = data.Task == TaskKind.Classification;
        if (classify)
            foreach (float label in data.TrainLabels) LinearData.ClassOf(label, data.NumClasses);
        var gram = CenteredGram.Compute(data, classify ? TargetColumns.PlusMinusOne : TargetColumns.Value);
        var (coef, intercept) = LeastSquares.Fit(gram, p.Number("alpha"), p.Boolean("fit_intercept"), data.CheckInterrupts);
        return new TrainedModel(classify
            ? new LinearPredictor(LinearOutput.Scores, data.NumFeatures, data.NumClasses, coef, intercept)
            : new LinearPredictor(LinearOutput.Value, data.NumFeatures, 0, coef, intercept));
    }
}
