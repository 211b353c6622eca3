using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Boosting;

/// <summary>
/// hist_gradient_boosting's hyperparameters, by scikit-learn 1.2's names and defaults (HistGradientBoostingRegressor,
/// HistGradientBoostingClassifier). Refused by name: the losses other than squared_error and log_loss, categorical
/// features, monotonic and interaction constraints, warm_start, class weights, and scoring other than "loss".
/// </summary>
/// <param name="EarlyStopping">"auto" is resolved against the row count by <see cref="StopsEarly"/>.</param>
/// <param name="ValidationFraction">A fraction in (0, 1), a row count (≥ 1), or null: score on the training rows.</param>
internal sealed record HistGradientBoostingParameters(
    double LearningRate, int MaxIter, HistTreeShape Tree, int MaxBins, bool? EarlyStopping, object? ValidationFraction,
    int NIterNoChange, double Tol, ulong Seed)
{
    public const string Name = "hist_gradient_boosting";

    /// <summary>scikit-learn's early_stopping="auto": on above 10,000 training rows.</summary>
    public bool StopsEarly(long rows) => EarlyStopping ?? rows > 10_000;

    private static HyperparameterSpec[] Specs(TaskKind task) =>
    [
        task == TaskKind.Classification
            ? HyperparameterSpec.Choice("loss", "log_loss", "log_loss", "auto", "binary_crossentropy", "categorical_crossentropy")
            : HyperparameterSpec.Choice("loss", "squared_error", "squared_error", "absolute_error", "poisson", "quantile"),
        .. task == TaskKind.Regression ? [HyperparameterSpec.Number("quantile", null, min: 0, max: 1)] : Array.Empty<HyperparameterSpec>(),
        HyperparameterSpec.Number("learning_rate", 0.1, min: 0, minExclusive: true),
        HyperparameterSpec.Integer("max_iter", 100, min: 1, max: 100_000),
        // default null in the table so that JSON null (no limit) is accepted; 31 when the key is absent
        HyperparameterSpec.Integer("max_leaf_nodes", null, min: 2, max: 1 << 20),
        HyperparameterSpec.Integer("max_depth", null, min: 1, max: int.MaxValue),
        HyperparameterSpec.Integer("min_samples_leaf", 20, min: 1, max: int.MaxValue),
        HyperparameterSpec.Number("l2_regularization", 0.0, min: 0),
        HyperparameterSpec.Integer("max_bins", 255, min: 2, max: 255),
        HyperparameterSpec.Accepted("categorical_features"),
        HyperparameterSpec.Accepted("monotonic_cst"),
        HyperparameterSpec.Accepted("interaction_cst"),
        HyperparameterSpec.Boolean("warm_start", false),
        HyperparameterSpec.Accepted("early_stopping"),
        HyperparameterSpec.Choice("scoring", "loss", "loss"),
        HyperparameterSpec.CountOrFraction("validation_fraction", null, minCount: 1, fractionUpToOne: false),
        HyperparameterSpec.Integer("n_iter_no_change", 10, min: 1, max: int.MaxValue),
        HyperparameterSpec.Number("tol", 1e-7, min: 0),
        HyperparameterSpec.Integer("random_state", null, min: 0, max: uint.MaxValue),
        .. task == TaskKind.Classification ? [HyperparameterSpec.Accepted("class_weight")] : Array.Empty<HyperparameterSpec>(),
        HyperparameterSpec.Accepted("verbose"),
    ];

    public static HistGradientBoostingParameters Parse(string? json, TaskKind task)
    {
        if (task is not (TaskKind.Regression or TaskKind.Classification))
            throw new UnsupportedException($"{Name} does not support {TaskNames.Name(task)}", $"{Name} supports regression and classification.");
        var p = Hyperparameters.Parse(json, Name, Specs(task));
        string loss = p.Word("loss")!;
        if (task == TaskKind.Regression && loss != "squared_error")
            throw new UnsupportedException($"{Name}: the loss \"{loss}\" is not implemented in pgml", "Use \"squared_error\" (the default).");
        foreach (string key in (string[])["categorical_features", "monotonic_cst", "interaction_cst", "class_weight"])
            if (p.IsGiven(key) && p.Get(key) is not null)
                throw new UnsupportedException($"{Name}: {key} is not implemented in pgml; only null is accepted",
                    key == "categorical_features" ? "Remove it: pgml's preprocess can one-hot or target-encode text columns (see pgml.train's preprocess)." : $"Remove \"{key}\".");
        if (p.Boolean("warm_start"))
            throw new UnsupportedException($"{Name}: warm_start is not implemented in pgml (every pgml.train fits a new model)",
                "Remove \"warm_start\" or set it to false.");
        bool? early = (p.IsGiven("early_stopping") ? p.Get("early_stopping") as string : null) switch
        {
            null or "\"auto\"" => null,
            "true" => true,
            "false" => false,
            string other => throw new InvalidParameterException($"{Name} hyperparameter \"early_stopping\" must be \"auto\", true or false, got {other}",
                "Remove \"early_stopping\" to use the default (\"auto\": on above 10,000 training rows)."),
        };
        object? validation = p.IsGiven("validation_fraction") ? p.Get("validation_fraction") : 0.1;
        int maxLeaves = p.IsGiven("max_leaf_nodes") ? p.NullableInteger("max_leaf_nodes") ?? int.MaxValue : 31;
        var tree = new HistTreeShape(maxLeaves, p.NullableInteger("max_depth"),
            p.Integer("min_samples_leaf"), p.Number("l2_regularization"));
        return new HistGradientBoostingParameters(p.Number("learning_rate"), p.Integer("max_iter"), tree, p.Integer("max_bins"),
            early, validation, p.Integer("n_iter_no_change"), p.Number("tol"), (ulong)(p.NullableLong("random_state") ?? 0));
    }
}
