using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Boosting;

/// <summary>
/// ada_boost's hyperparameters, by scikit-learn 1.2's names and defaults: AdaBoostClassifier (n_estimators 50,
/// learning_rate 1.0, algorithm "SAMME.R" or "SAMME", base a depth-1 decision tree) and AdaBoostRegressor
/// (AdaBoost.R2: loss "linear", "square" or "exponential", base a depth-3 decision tree). The estimator cannot be given
/// (a JSON hyperparameter cannot name one).
/// </summary>
internal sealed record AdaBoostParameters(int NEstimators, double LearningRate, bool Real, string Loss, ulong Seed)
{
    public const string Name = "ada_boost";

    private static HyperparameterSpec[] Specs(TaskKind task) =>
    [
        HyperparameterSpec.Integer("n_estimators", 50, min: 1, max: 100_000),
        HyperparameterSpec.Number("learning_rate", 1.0, min: 0, minExclusive: true),
        task == TaskKind.Classification
            ? HyperparameterSpec.Choice("algorithm", "SAMME.R", "SAMME.R", "SAMME")
            : HyperparameterSpec.Choice("loss", "linear", "linear", "square", "exponential"),
        HyperparameterSpec.Integer("random_state", null, min: 0, max: uint.MaxValue),
        HyperparameterSpec.Accepted("estimator"),
        HyperparameterSpec.Accepted("base_estimator"),
    ];

    public static AdaBoostParameters Parse(string? json, TaskKind task)
    {
        if (task is not (TaskKind.Regression or TaskKind.Classification))
            throw new UnsupportedException($"{Name} does not support {TaskNames.Name(task)}", $"{Name} supports regression and classification.");
        var p = Hyperparameters.Parse(json, Name, Specs(task));
        if (p.Get("estimator") is not null || p.Get("base_estimator") is not (null or "\"deprecated\""))
            throw new UnsupportedException($"{Name}: the estimator cannot be chosen in pgml; ada_boost uses scikit-learn's default, a decision tree of depth 1 (classification) or 3 (regression)",
                "Remove \"estimator\"; for boosting deeper trees use gradient_boosting_trees, xgboost or lightgbm.");
        bool classification = task == TaskKind.Classification;
        return new AdaBoostParameters(p.Integer("n_estimators"), p.Number("learning_rate"),
            classification && p.Word("algorithm") == "SAMME.R", classification ? "" : p.Word("loss")!, (ulong)(p.NullableLong("random_state") ?? 0));
    }
}
