using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;
using static Pgml.Engine.Linear.LinearHyperparameters;

namespace Pgml.Engine.Linear;

/// <summary>
/// linear_svm: scikit-learn's LinearSVR (regression) and LinearSVC (classification, one-vs-rest), both solved in the
/// dual by <see cref="DualCoordinateDescent"/> like liblinear (intercept = a penalized constant feature of value
/// intercept_scaling). Outputs are decision scores: [−s, s] for two classes, one per class otherwise.
/// </summary>
internal sealed class LinearSvmAlgorithm : IAlgorithm
{
    public const string AlgorithmName = "linear_svm";

    private static readonly HyperparameterSpec[] Common =
    [
        Tol(1e-4),
        C,
        FitIntercept,
        HyperparameterSpec.Number("intercept_scaling", 1.0, min: 0, minExclusive: true),
        HyperparameterSpec.Boolean("dual", true),
        HyperparameterSpec.Accepted("verbose"),
        RandomState,
        HyperparameterSpec.Integer("max_iter", 1000, min: 1),
    ];

    private static readonly HyperparameterSpec[] RegressionSpecs =
    [
        HyperparameterSpec.Number("epsilon", 0.0, min: 0),
        HyperparameterSpec.Choice("loss", "epsilon_insensitive", "epsilon_insensitive", "squared_epsilon_insensitive"),
        .. Common,
    ];

    private static readonly HyperparameterSpec[] ClassificationSpecs =
    [
        HyperparameterSpec.Choice("penalty", "l2", "l2"),
        HyperparameterSpec.Choice("loss", "squared_hinge", "hinge", "squared_hinge"),
        HyperparameterSpec.Choice("multi_class", "ovr", "ovr"),
        ClassWeight,
        .. Common,
    ];

    public string Name => AlgorithmName;
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Regression, TaskKind.Classification];
    public bool AcceptsMissingValues => false;

    public void Validate(string hyperparamsJson, TaskKind task) => Parse(hyperparamsJson, task);

    private static Hyperparameters Parse(string? json, TaskKind task) =>
        LinearHyperparameters.Parse(json, AlgorithmName, task, RegressionSpecs, ClassificationSpecs);

    public TrainedModel Train(string hyperparamsJson, TrainingSet data) => new(Fit(hyperparamsJson, data).Model);

    /// <summary>The fit <see cref="Train"/> makes, with the most passes over the rows of any of its binary problems.</summary>
    internal static LinearFit Fit(string hyperparamsJson, TrainingSet data)
    {
        var p = Parse(hyperparamsJson, data.Task);
        LinearData.RequireFinite(data);
        bool fitIntercept = p.Boolean("fit_intercept");
        double scaling = p.Number("intercept_scaling");
        var options = new DualCoordinateDescent.Options(p.Number("C"), p.Number("tol"), p.Integer("max_iter"), fitIntercept, scaling, Seed(p));
        int d = data.NumFeatures;
        using var solver = new DualCoordinateDescent(data, options);
        if (data.Task == TaskKind.Regression)
        {
            var w = solver.Regress(p.Number("epsilon"), p.Word("loss") == "epsilon_insensitive");
            return new LinearFit(new LinearPredictor(LinearOutput.Value, d, 0, w[..d], [fitIntercept ? w[d] * scaling : 0]), solver.Iterations);
        }
        int classes = data.NumClasses;
        foreach (float label in data.TrainLabels) LinearData.ClassOf(label, classes);
        int rows = classes == 2 ? 1 : classes;
        var coef = new double[rows * d];
        var intercept = new double[rows];
        bool hinge = p.Word("loss") == "hinge";
        int iterations = 0;
        for (int k = 0; k < rows; k++)
        {
            // two classes: one problem, class 1 positive (scikit-learn's coef_ points to classes_[1])
            var w = solver.Classify(classes == 2 ? 1 : k, hinge);
            Array.Copy(w, 0, coef, k * d, d);
            intercept[k] = fitIntercept ? w[d] * scaling : 0;
            iterations = Math.Max(iterations, solver.Iterations);
        }
        return new LinearFit(new LinearPredictor(LinearOutput.Scores, d, classes, coef, intercept), iterations);
    }
}
