using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Forest;

/// <summary>
/// bagging's hyperparameters, by scikit-learn 1.2's names and defaults (BaggingRegressor, BaggingClassifier, whose
/// default estimator is a fully grown DecisionTree): n_estimators 10, max_samples 1.0 and max_features 1.0 (a fraction
/// f means int(f × total), an integer a count), bootstrap true, bootstrap_features false. The estimator cannot be
/// given (a JSON hyperparameter cannot name one), and oob_score and warm_start are refused.
/// </summary>
internal sealed record BaggingParameters(
    int NEstimators, CountOrFraction MaxSamples, CountOrFraction MaxFeatures, bool Bootstrap, bool BootstrapFeatures, ulong Seed)
{
    public const string Name = "bagging";

    private static readonly HyperparameterSpec[] Specs =
    [
        HyperparameterSpec.Integer("n_estimators", 10, min: 1, max: 100_000),
        HyperparameterSpec.CountOrFraction("max_samples", 1.0, minCount: 1, fractionUpToOne: true),
        HyperparameterSpec.CountOrFraction("max_features", 1.0, minCount: 1, fractionUpToOne: true),
        HyperparameterSpec.Boolean("bootstrap", true),
        HyperparameterSpec.Boolean("bootstrap_features", false),
        HyperparameterSpec.Boolean("oob_score", false),
        HyperparameterSpec.Boolean("warm_start", false),
        HyperparameterSpec.Integer("random_state", null, min: 0, max: uint.MaxValue),
        HyperparameterSpec.Accepted("estimator"),
        HyperparameterSpec.Accepted("base_estimator"),
        HyperparameterSpec.Accepted("n_jobs"),
        HyperparameterSpec.Accepted("verbose"),
    ];

    public static BaggingParameters Parse(string? json, TaskKind task)
    {
        if (task is not (TaskKind.Regression or TaskKind.Classification))
            throw new UnsupportedException($"{Name} does not support {TaskNames.Name(task)}", $"{Name} supports regression and classification.");
        var p = Hyperparameters.Parse(json, Name, Specs);
        if (p.Get("estimator") is not null || p.Get("base_estimator") is not (null or "\"deprecated\""))
            throw new UnsupportedException($"{Name}: the estimator cannot be chosen in pgml; bagging uses scikit-learn's default, a fully grown decision tree",
                "Remove \"estimator\"; for bagged trees with other settings use random_forest (max_features=1.0 is bagging of trees).");
        if (p.Boolean("oob_score"))
            throw new UnsupportedException($"{Name}: oob_score is not implemented in pgml", "Remove \"oob_score\" (pgml.train reports metrics on the test split instead).");
        if (p.Boolean("warm_start"))
            throw new UnsupportedException($"{Name}: warm_start is not implemented in pgml (every pgml.train fits a new model)", "Remove \"warm_start\" or set it to false.");
        return new BaggingParameters(p.Integer("n_estimators"), Dual(p.Get("max_samples")), Dual(p.Get("max_features")),
            p.Boolean("bootstrap"), p.Boolean("bootstrap_features"), (ulong)(p.NullableLong("random_state") ?? 0));
    }

    private static CountOrFraction Dual(object? v) => v is long l ? new CountOrFraction(l, null) : new CountOrFraction(null, (double)v!);

    /// <summary>scikit-learn's count of a max_samples / max_features: the integer, or int(fraction × total); at least 1,
    /// at most the total.</summary>
    public static int Count(string key, CountOrFraction value, long total)
    {
        long n = value.Resolve(total, ceiling: false);
        if (n < 1 || n > total)
            throw new InvalidParameterException($"{Name}: {key} gives {n}, which must be between 1 and {total}",
                $"Use a fraction such as 0.5, or a count up to {total}.");
        return (int)n;
    }
}
