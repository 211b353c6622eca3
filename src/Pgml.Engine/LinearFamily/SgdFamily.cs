using Pgml.Engine.Algorithms;
using Pgml.Engine.Linear;
using Pgml.Engine.Models;
using static Pgml.Engine.Linear.LinearHyperparameters;

namespace Pgml.Engine.LinearFamily;

/// <summary>
/// What stochastic_gradient_descent, passive_aggressive and perceptron share: the hyperparameters of scikit-learn's
/// BaseSGD, their refusals, and the fit: one <see cref="SgdSolver"/> problem for regression and for two classes
/// (class 1 positive, as scikit-learn's coef_ points to classes_[1]), one per class against the rest otherwise
/// (scikit-learn's one-vs-rest); classifiers output decision scores.
/// </summary>
internal static class SgdFamily
{
    /// <summary>tol: null (no stopping on the loss) is allowed, so the spec's default is null and 1e-3 applies when
    /// the key is absent.</summary>
    public const double DefaultTol = 1e-3;

    public static HyperparameterSpec[] Stopping =>
    [
        FitIntercept,
        HyperparameterSpec.Integer("max_iter", 1000, min: 1),
        HyperparameterSpec.Number("tol", null, min: 0),
        HyperparameterSpec.Boolean("shuffle", true),
        HyperparameterSpec.Accepted("verbose"),
        RandomState,
        HyperparameterSpec.Boolean("early_stopping", false),
        HyperparameterSpec.Number("validation_fraction", 0.1, min: 0, minExclusive: true, max: 1, maxExclusive: true),
        HyperparameterSpec.Integer("n_iter_no_change", 5, min: 1),
        HyperparameterSpec.Accepted("warm_start"),   // every fit starts from zero
    ];

    public static HyperparameterSpec Average => HyperparameterSpec.Boolean("average", false);

    /// <summary>Parses with the linear family's refusals and the SGD family's own.</summary>
    public static Hyperparameters Parse(string? json, string algorithm, IReadOnlyList<HyperparameterSpec> specs)
    {
        var p = LinearHyperparameters.Parse(json, algorithm, specs);
        if (p.Boolean("early_stopping"))
            throw new UnsupportedException($"{algorithm} does not implement early_stopping in pgml",
                "Remove early_stopping: training stops when the training loss stops improving (tol, n_iter_no_change).");
        if (specs.Any(s => s.Name == "average") && p.Boolean("average"))
            throw new UnsupportedException($"{algorithm} does not implement average = true in pgml", "Remove average.");
        return p;
    }

    public static double? Tol(Hyperparameters p) => p.IsGiven("tol") ? p.NumberOrNull("tol") : DefaultTol;

    public static SgdSolver.Options Options(Hyperparameters p, SgdLoss loss, SgdPenalty penalty, double alpha, double l1Ratio, double c,
        SgdLearningRate rate, double eta0, double powerT, string algorithm)
    {
        if (rate is SgdLearningRate.Constant or SgdLearningRate.InvScaling or SgdLearningRate.Adaptive && !(eta0 > 0))
            throw new InvalidParameterException($"{algorithm}: eta0 must be > 0 with learning_rate \"{rate.ToString().ToLowerInvariant()}\"",
                "Set eta0 (e.g. 0.01), or use learning_rate \"optimal\".");
        if (rate == SgdLearningRate.Optimal && !(alpha > 0))
            throw new InvalidParameterException($"{algorithm}: alpha must be > 0 with learning_rate \"optimal\"", "Set alpha (e.g. 0.0001).");
        return new SgdSolver.Options(loss, penalty, alpha, l1Ratio, c, rate, eta0, powerT, p.Integer("max_iter"), Tol(p),
            p.Integer("n_iter_no_change"), p.Boolean("shuffle"), Seed(p), p.Boolean("fit_intercept"));
    }

    public static SgdPenalty Penalty(string? word) => word switch
    {
        "l2" => SgdPenalty.L2,
        "l1" => SgdPenalty.L1,
        "elasticnet" => SgdPenalty.ElasticNet,
        _ => SgdPenalty.None,
    };

    public static LinearFit Fit(TrainingSet data, SgdSolver.Options o)
    {
        LinearData.RequireFinite(data);
        int d = data.NumFeatures;
        var solver = new SgdSolver(data, o);
        // one seed per problem, drawn from random_state as scikit-learn draws them
        var seeds = new Random(o.Seed);
        if (data.Task == TaskKind.Regression)
        {
            var (w, b) = solver.Fit(label => label, seeds.Next());
            return new LinearFit(new LinearPredictor(LinearOutput.Value, d, 0, w, [b]), solver.Epochs);
        }
        int classes = data.NumClasses;
        foreach (float label in data.TrainLabels) LinearData.ClassOf(label, classes);
        int rows = classes == 2 ? 1 : classes;
        var coef = new double[rows * d];
        var intercept = new double[rows];
        int epochs = 0;
        for (int k = 0; k < rows; k++)
        {
            int positive = classes == 2 ? 1 : k;
            var (w, b) = solver.Fit(label => label == positive ? 1.0 : -1.0, seeds.Next());
            Array.Copy(w, 0, coef, k * d, d);
            intercept[k] = b;
            epochs = Math.Max(epochs, solver.Epochs);
        }
        return new LinearFit(new LinearPredictor(LinearOutput.Scores, d, classes, coef, intercept), epochs);
    }
}

/// <summary>The SGD family's algorithms: each turns its hyperparameters into <see cref="SgdSolver.Options"/>.</summary>
internal abstract class SgdFamilyAlgorithm : IAlgorithm
{
    public abstract string Name { get; }
    public virtual IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Regression, TaskKind.Classification];
    public bool AcceptsMissingValues => false;

    public void Validate(string hyperparamsJson, TaskKind task) => Options(hyperparamsJson, task);

    protected abstract SgdSolver.Options Options(string? json, TaskKind task);

    public TrainedModel Train(string hyperparamsJson, TrainingSet data) => new(Fit(hyperparamsJson, data).Model);

    /// <summary>The fit, with the most epochs of any of its problems (scikit-learn's n_iter_).</summary>
    internal LinearFit Fit(string hyperparamsJson, TrainingSet data) => SgdFamily.Fit(data, Options(hyperparamsJson, data.Task));

    /// <summary>The task's table, parsed with the family's refusals.</summary>
    protected Hyperparameters Parse(string? json, TaskKind task, HyperparameterSpec[] regression, HyperparameterSpec[] classification) =>
        SgdFamily.Parse(json, Name, task switch
        {
            TaskKind.Regression when Tasks.Contains(task) => regression,
            TaskKind.Classification => classification,
            _ => throw TaskNotSupported(Name, task),
        });
}

/// <summary>stochastic_gradient_descent: scikit-learn's SGDRegressor and SGDClassifier.</summary>
internal sealed class SgdAlgorithm : SgdFamilyAlgorithm
{
    public const string AlgorithmName = "stochastic_gradient_descent";

    private static readonly string[] RegressionLosses = ["squared_error", "huber", "epsilon_insensitive", "squared_epsilon_insensitive"];

    private static HyperparameterSpec[] Common =>
    [
        HyperparameterSpec.Choice("penalty", null, "l2", "l1", "elasticnet"),   // absent: "l2"; null: no penalty
        HyperparameterSpec.Number("alpha", 1e-4, min: 0),
        HyperparameterSpec.Number("l1_ratio", 0.15, min: 0, max: 1),
        HyperparameterSpec.Number("epsilon", 0.1, min: 0),
        SgdFamily.Average,
        .. SgdFamily.Stopping,
    ];

    private static readonly HyperparameterSpec[] RegressionSpecs =
    [
        HyperparameterSpec.Choice("loss", "squared_error", RegressionLosses),
        HyperparameterSpec.Choice("learning_rate", "invscaling", "constant", "optimal", "invscaling", "adaptive"),
        HyperparameterSpec.Number("eta0", 0.01, min: 0),
        HyperparameterSpec.Number("power_t", 0.25),
        .. Common,
    ];

    private static readonly HyperparameterSpec[] ClassificationSpecs =
    [
        HyperparameterSpec.Choice("loss", "hinge", ["hinge", "log_loss", "log", "modified_huber", "squared_hinge", "perceptron", .. RegressionLosses]),
        HyperparameterSpec.Choice("learning_rate", "optimal", "constant", "optimal", "invscaling", "adaptive"),
        HyperparameterSpec.Number("eta0", 0.0, min: 0),
        HyperparameterSpec.Number("power_t", 0.5),
        ClassWeight,
        HyperparameterSpec.Accepted("n_jobs"),
        .. Common,
    ];

    public override string Name => AlgorithmName;

    protected override SgdSolver.Options Options(string? json, TaskKind task)
    {
        var p = Parse(json, task, RegressionSpecs, ClassificationSpecs);
        double epsilon = p.Number("epsilon");
        var loss = p.Word("loss") switch
        {
            "hinge" => new SgdLoss(SgdLossKind.Hinge, 1),
            "perceptron" => new SgdLoss(SgdLossKind.Hinge, 0),
            "squared_hinge" => new SgdLoss(SgdLossKind.SquaredHinge, 1),
            "log_loss" or "log" => new SgdLoss(SgdLossKind.Log),
            "modified_huber" => new SgdLoss(SgdLossKind.ModifiedHuber),
            "squared_error" => new SgdLoss(SgdLossKind.Squared),
            "huber" => new SgdLoss(SgdLossKind.Huber, epsilon),
            "epsilon_insensitive" => new SgdLoss(SgdLossKind.EpsilonInsensitive, epsilon),
            _ => new SgdLoss(SgdLossKind.SquaredEpsilonInsensitive, epsilon),
        };
        var rate = p.Word("learning_rate") switch
        {
            "constant" => SgdLearningRate.Constant,
            "optimal" => SgdLearningRate.Optimal,
            "invscaling" => SgdLearningRate.InvScaling,
            _ => SgdLearningRate.Adaptive,
        };
        var penalty = p.IsGiven("penalty") ? SgdFamily.Penalty(p.Word("penalty")) : SgdPenalty.L2;
        return SgdFamily.Options(p, loss, penalty, p.Number("alpha"), p.Number("l1_ratio"), 0, rate, p.Number("eta0"), p.Number("power_t"), AlgorithmName);
    }

}

/// <summary>
/// passive_aggressive: scikit-learn's PassiveAggressiveRegressor and PassiveAggressiveClassifier (Crammer et al.,
/// 2006): SGD without a penalty whose step is PA-I (loss hinge / epsilon_insensitive) or PA-II (squared_hinge /
/// squared_epsilon_insensitive); the loss in the step is the hinge or ε-insensitive one either way, as scikit-learn's.
/// </summary>
internal sealed class PassiveAggressiveAlgorithm : SgdFamilyAlgorithm
{
    public const string AlgorithmName = "passive_aggressive";

    private static HyperparameterSpec[] Common => [HyperparameterSpec.Number("C", 1.0, min: 0, minExclusive: true), SgdFamily.Average, .. SgdFamily.Stopping];

    private static readonly HyperparameterSpec[] RegressionSpecs =
    [
        HyperparameterSpec.Choice("loss", "epsilon_insensitive", "epsilon_insensitive", "squared_epsilon_insensitive"),
        HyperparameterSpec.Number("epsilon", 0.1, min: 0),
        .. Common,
    ];

    private static readonly HyperparameterSpec[] ClassificationSpecs =
    [
        HyperparameterSpec.Choice("loss", "hinge", "hinge", "squared_hinge"),
        ClassWeight,
        HyperparameterSpec.Accepted("n_jobs"),
        .. Common,
    ];

    public override string Name => AlgorithmName;

    protected override SgdSolver.Options Options(string? json, TaskKind task)
    {
        var p = Parse(json, task, RegressionSpecs, ClassificationSpecs);
        bool first = p.Word("loss") is "hinge" or "epsilon_insensitive";
        var loss = task == TaskKind.Regression ? new SgdLoss(SgdLossKind.EpsilonInsensitive, p.Number("epsilon")) : new SgdLoss(SgdLossKind.Hinge, 1);
        var rate = first ? SgdLearningRate.PassiveAggressive1 : SgdLearningRate.PassiveAggressive2;
        return SgdFamily.Options(p, loss, SgdPenalty.None, 1.0, 0, p.Number("C"), rate, 1.0, 0, AlgorithmName);
    }
}

/// <summary>perceptron: scikit-learn's Perceptron, SGD with the perceptron loss (hinge at 0) and a constant rate eta0,
/// random_state 0 by default as there.</summary>
internal sealed class PerceptronAlgorithm : SgdFamilyAlgorithm
{
    public const string AlgorithmName = "perceptron";

    private static readonly HyperparameterSpec[] Specs =
    [
        HyperparameterSpec.Choice("penalty", null, "l2", "l1", "elasticnet"),
        HyperparameterSpec.Number("alpha", 1e-4, min: 0),
        HyperparameterSpec.Number("l1_ratio", 0.15, min: 0, max: 1),
        HyperparameterSpec.Number("eta0", 1.0, min: 0),
        ClassWeight,
        HyperparameterSpec.Accepted("n_jobs"),
        .. SgdFamily.Stopping,
    ];

    public override string Name => AlgorithmName;
    public override IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Classification];

    protected override SgdSolver.Options Options(string? json, TaskKind task)
    {
        var p = Parse(json, task, [], Specs);
        return SgdFamily.Options(p, new SgdLoss(SgdLossKind.Hinge, 0), SgdFamily.Penalty(p.Word("penalty")), p.Number("alpha"),
            p.Number("l1_ratio"), 0, SgdLearningRate.Constant, p.Number("eta0"), 0, AlgorithmName);
    }
}
