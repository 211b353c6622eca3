using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Linear;

/// <summary>Hyperparameter pieces shared by the linear family, and the refusals of options pgml does not implement.</summary>
internal static class LinearHyperparameters
{
    public static HyperparameterSpec FitIntercept => HyperparameterSpec.Boolean("fit_intercept", true);
    public static HyperparameterSpec RandomState => HyperparameterSpec.Integer("random_state", null, min: 0, max: uint.MaxValue);
    public static HyperparameterSpec ClassWeight => HyperparameterSpec.Choice("class_weight", null, "balanced");
    public static HyperparameterSpec Tol(double @default) => HyperparameterSpec.Number("tol", @default, min: 0);
    public static HyperparameterSpec C => HyperparameterSpec.Number("C", 1.0, min: 0, minExclusive: true);

    /// <summary>Parses and applies the refusals every linear algorithm shares.</summary>
    public static Hyperparameters Parse(string? json, string algorithm, IReadOnlyList<HyperparameterSpec> specs)
    {
        var p = Hyperparameters.Parse(json, algorithm, specs);
        if (specs.Any(s => s.Name == "class_weight") && p.Word("class_weight") is not null)
            throw new UnsupportedException($"{algorithm} does not implement class_weight \"balanced\" in pgml",
                "Remove class_weight (every class weighs 1), or rebalance the training rows.");
        if (specs.Any(s => s.Name == "positive") && p.Boolean("positive") && !SupportsPositive(algorithm))
            throw new UnsupportedException($"{algorithm} does not implement positive = true in pgml",
                "Remove positive, or use lasso or elastic_net, which support positive coefficients.");
        if (specs.Any(s => s.Name == "dual") && p.Boolean("dual") != DualDefault(algorithm))
            throw new UnsupportedException(
                $"{algorithm} implements only dual = {(DualDefault(algorithm) ? "true" : "false")} in pgml",
                "Remove dual to use the default solver.");
        return p;
    }

    /// <summary>The task's table (an algorithm with both tasks), parsed with the shared refusals.</summary>
    public static Hyperparameters Parse(string? json, string algorithm, TaskKind task,
        IReadOnlyList<HyperparameterSpec> regression, IReadOnlyList<HyperparameterSpec> classification) => task switch
    {
        TaskKind.Regression => Parse(json, algorithm, regression),
        TaskKind.Classification => Parse(json, algorithm, classification),
        _ => throw TaskNotSupported(algorithm, task),
    };

    private static bool SupportsPositive(string algorithm) => algorithm is "lasso" or "elastic_net";
    private static bool DualDefault(string algorithm) => algorithm == "linear_svm";

    /// <summary>The seed of random_state, or 0 when it is null, so an unseeded fit is still reproducible.</summary>
    public static int Seed(Hyperparameters p) => (int)(uint)(p.NullableLong("random_state") ?? 0);

    public static UnsupportedException TaskNotSupported(string algorithm, TaskKind task) =>
        new($"{algorithm} does not support {TaskNames.Name(task)}", "Use another algorithm for this task.");
}
