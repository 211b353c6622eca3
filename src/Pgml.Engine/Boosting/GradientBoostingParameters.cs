using Pgml.Engine.Algorithms;
using Pgml.Engine.Forest;
using Pgml.Engine.Models;

namespace Pgml.Engine.Boosting;

/// <summary>
/// gradient_boosting_trees' hyperparameters, by scikit-learn 1.2's names and defaults (GradientBoostingRegressor,
/// GradientBoostingClassifier). What pgml does not implement is refused by name: the losses other than squared_error
/// and log_loss, an init estimator, early stopping (n_iter_no_change), warm_start and ccp_alpha.
/// </summary>
/// <param name="Tree">The regression trees' shape (criterion, depth, leaf sizes, max_features, ...).</param>
/// <param name="Subsample">The fraction of rows each stage's trees are grown on, drawn without replacement.</param>
/// <param name="ZeroInit">init = "zero": the raw scores start at 0 instead of the mean / the log prior odds.</param>
internal sealed record GradientBoostingParameters(
    int NEstimators, double LearningRate, double Subsample, bool ZeroInit, ulong Seed, ForestParameters Tree)
{
    public const string Name = "gradient_boosting_trees";

    private static HyperparameterSpec[] Specs(TaskKind task) =>
    [
        task == TaskKind.Classification
            ? HyperparameterSpec.Choice("loss", "log_loss", "log_loss", "deviance", "exponential")
            : HyperparameterSpec.Choice("loss", "squared_error", "squared_error", "absolute_error", "huber", "quantile"),
        HyperparameterSpec.Number("learning_rate", 0.1, min: 0),
        HyperparameterSpec.Integer("n_estimators", 100, min: 1, max: 100_000),
        HyperparameterSpec.Number("subsample", 1.0, min: 0, minExclusive: true, max: 1),
        HyperparameterSpec.Choice("criterion", "friedman_mse", "friedman_mse", "squared_error"),
        .. ForestParameters.TreeSpecs(maxDepth: 3),
        HyperparameterSpec.Choice("init", null, "zero"),
        HyperparameterSpec.Integer("random_state", null, min: 0, max: uint.MaxValue),
        .. task == TaskKind.Regression ? [HyperparameterSpec.Number("alpha", 0.9, min: 0, minExclusive: true, max: 1, maxExclusive: true)] : Array.Empty<HyperparameterSpec>(),
        HyperparameterSpec.Boolean("warm_start", false),
        HyperparameterSpec.Number("validation_fraction", 0.1, min: 0, minExclusive: true, max: 1, maxExclusive: true),
        HyperparameterSpec.Integer("n_iter_no_change", null, min: 1),
        HyperparameterSpec.Number("tol", 1e-4, min: 0),
        HyperparameterSpec.Number("ccp_alpha", 0.0, min: 0),
        HyperparameterSpec.Accepted("verbose"),
    ];

    public static GradientBoostingParameters Parse(string? json, TaskKind task)
    {
        if (task is not (TaskKind.Regression or TaskKind.Classification))
            throw new UnsupportedException($"{Name} does not support {TaskNames.Name(task)}", $"{Name} supports regression and classification.");
        var p = Hyperparameters.Parse(json, Name, Specs(task));
        string loss = p.Word("loss")!;
        if (loss is not ("squared_error" or "log_loss" or "deviance"))
            throw new UnsupportedException($"{Name}: the loss \"{loss}\" is not implemented in pgml",
                task == TaskKind.Classification ? "Use \"log_loss\" (the default)." : "Use \"squared_error\" (the default).");
        if (p.Boolean("warm_start"))
            throw new UnsupportedException($"{Name}: warm_start is not implemented in pgml (every pgml.train fits a new model)",
                "Remove \"warm_start\" or set it to false.");
        if (p.NullableInteger("n_iter_no_change") is not null)
            throw new UnsupportedException($"{Name}: early stopping (n_iter_no_change) is not implemented in pgml",
                "Remove \"n_iter_no_change\" and choose n_estimators, e.g. with a search over it.");
        if (p.Number("ccp_alpha") != 0)
            throw new UnsupportedException($"{Name}: ccp_alpha (minimal cost-complexity pruning) is not implemented in pgml; only 0 is accepted",
                "Remove \"ccp_alpha\", or limit the trees with max_depth or min_samples_leaf.");
        var criterion = p.Word("criterion") == "squared_error" ? ForestCriterion.SquaredError : ForestCriterion.FriedmanMse;
        // each stage's trees are regression trees on the gradients, whatever the task: max_features "auto" is the
        // classifier's sqrt or the regressor's every feature, as in scikit-learn
        var tree = ForestParameters.TreeKeys(p, task, criterion, maxFeaturesDefault: null) with { Bootstrap = false };
        return new GradientBoostingParameters(p.Integer("n_estimators"), p.Number("learning_rate"), p.Number("subsample"),
            p.Word("init") == "zero", (ulong)(p.NullableLong("random_state") ?? 0), tree);
    }
}
