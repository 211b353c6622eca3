using System.Globalization;
using System.Text.Json;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Forest;

internal enum ForestCriterion { Gini, Entropy, SquaredError, FriedmanMse }

/// <summary>A count given either as an integer or as a fraction of something (scikit-learn's int-or-float parameters).</summary>
internal readonly record struct CountOrFraction(long? Count, double? Fraction)
{
    /// <summary>The count: the integer, or ceil(fraction * total) when <paramref name="ceiling"/>, else int(fraction * total).</summary>
    public long Resolve(long total, bool ceiling) =>
        Count ?? (long)(ceiling ? Math.Ceiling(Fraction!.Value * total) : Math.Floor(Fraction!.Value * total));
}

/// <summary>
/// Hyperparameters of random_forest and extra_trees, with scikit-learn 1.2's names, defaults and ranges
/// (RandomForestClassifier/Regressor, ExtraTreesClassifier/Regressor). What pgml does not implement is refused by
/// name rather than silently ignored: oob_score, warm_start, class_weight, ccp_alpha, and the absolute_error and
/// poisson criteria.
/// </summary>
internal sealed record ForestParameters
{
    public int NEstimators { get; init; } = 100;
    public ForestCriterion Criterion { get; init; }
    public int? MaxDepth { get; init; }
    public CountOrFraction MinSamplesSplit { get; init; } = new(2, null);
    public CountOrFraction MinSamplesLeaf { get; init; } = new(1, null);
    public double MinWeightFractionLeaf { get; init; }
    /// <summary>"sqrt", "log2" or "all", or null when <see cref="MaxFeaturesCount"/> says how many.</summary>
    public string? MaxFeaturesWord { get; init; }
    public CountOrFraction MaxFeaturesCount { get; init; }
    public int? MaxLeafNodes { get; init; }
    public double MinImpurityDecrease { get; init; }
    public bool Bootstrap { get; init; }
    /// <summary>Rows drawn per tree when bootstrapping: null = as many as training rows.</summary>
    public CountOrFraction? MaxSamples { get; init; }
    /// <summary>random_state; null in JSON becomes the fixed seed 0, so training is reproducible.</summary>
    public ulong Seed { get; init; }
    public IReadOnlyList<string> IgnoredKeys { get; init; } = [];

    private static readonly string[] MaxFeaturesWords = ["sqrt", "log2", "auto"];

    private static HyperparameterSpec[] Specs(TaskKind task, bool extraTrees) =>
    [
        HyperparameterSpec.Integer("n_estimators", 100, min: 1, max: 100_000),
        task == TaskKind.Classification
            ? HyperparameterSpec.Choice("criterion", "gini", "gini", "entropy", "log_loss")
            : HyperparameterSpec.Choice("criterion", "squared_error", "squared_error", "friedman_mse", "absolute_error", "poisson"),
        .. TreeSpecs(maxDepth: null),
        HyperparameterSpec.Boolean("bootstrap", !extraTrees),
        HyperparameterSpec.Boolean("oob_score", false),
        HyperparameterSpec.Integer("random_state", null, min: 0, max: uint.MaxValue),
        HyperparameterSpec.Boolean("warm_start", false),
        HyperparameterSpec.Accepted("class_weight"),
        HyperparameterSpec.Number("ccp_alpha", 0.0, min: 0),
        HyperparameterSpec.CountOrFraction("max_samples", null, minCount: 1, fractionUpToOne: true),
        HyperparameterSpec.Accepted("n_jobs"),
        HyperparameterSpec.Accepted("verbose"),
    ];

    /// <summary>The keys of one scikit-learn DecisionTree, shared by the estimators built on it (forests, gradient
    /// boosting): max_depth, min_samples_split, min_samples_leaf, min_weight_fraction_leaf, max_features,
    /// max_leaf_nodes, min_impurity_decrease.</summary>
    internal static HyperparameterSpec[] TreeSpecs(long? maxDepth) =>
    [
        HyperparameterSpec.Integer("max_depth", maxDepth, min: 1, max: int.MaxValue),
        HyperparameterSpec.CountOrFraction("min_samples_split", 2L, minCount: 2, fractionUpToOne: true),
        HyperparameterSpec.CountOrFraction("min_samples_leaf", 1L, minCount: 1, fractionUpToOne: false),
        HyperparameterSpec.Number("min_weight_fraction_leaf", 0.0, min: 0, max: 0.5),
        // Default null here so that JSON null (all features) is accepted; the estimator's default is applied in TreeKeys.
        HyperparameterSpec.CountOrFraction("max_features", null, minCount: 1, fractionUpToOne: true, MaxFeaturesWords),
        HyperparameterSpec.Integer("max_leaf_nodes", null, min: 2, max: int.MaxValue),
        HyperparameterSpec.Number("min_impurity_decrease", 0.0, min: 0),
    ];

    /// <summary>The <see cref="TreeSpecs"/> keys' values; max_features "auto" means sqrt for a classifier and every
    /// feature for a regressor (scikit-learn 1.2's deprecated meaning).</summary>
    internal static ForestParameters TreeKeys(Hyperparameters p, TaskKind task, ForestCriterion criterion, object? maxFeaturesDefault)
    {
        object? maxFeatures = p.IsGiven("max_features") ? p.Get("max_features") : maxFeaturesDefault;
        return new ForestParameters
        {
            Criterion = criterion,
            MaxDepth = p.NullableInteger("max_depth"),
            MinSamplesSplit = Dual(p.IsGiven("min_samples_split") ? p.Get("min_samples_split") : 2L)!.Value,
            MinSamplesLeaf = Dual(p.IsGiven("min_samples_leaf") ? p.Get("min_samples_leaf") : 1L)!.Value,
            MinWeightFractionLeaf = p.Number("min_weight_fraction_leaf"),
            MaxFeaturesWord = maxFeatures switch
            {
                null => "all",
                "auto" => task == TaskKind.Classification ? "sqrt" : "all",
                string w => w,
                _ => null,
            },
            MaxFeaturesCount = maxFeatures is string or null ? default : Dual(maxFeatures)!.Value,
            MaxLeafNodes = p.NullableInteger("max_leaf_nodes"),
            MinImpurityDecrease = p.Number("min_impurity_decrease"),
        };
    }

    /// <summary>Parses and checks everything that does not depend on the data (see <see cref="Resolve"/> for the rest).</summary>
    public static ForestParameters Parse(string? json, string algorithm, TaskKind task, bool extraTrees)
    {
        if (task is not (TaskKind.Regression or TaskKind.Classification))
            throw new UnsupportedException($"{algorithm} does not support {TaskNames.Name(task)}",
                $"{algorithm} supports regression and classification.");
        var specs = Specs(task, extraTrees);
        var p = Hyperparameters.Parse(json, algorithm, specs);
        object? Given(string key, object? @default) => p.IsGiven(key) ? p.Get(key) : @default;

        if (p.Boolean("oob_score"))
            throw new UnsupportedException($"{algorithm}: oob_score is not implemented in pgml",
                "Remove \"oob_score\" (pgml.train reports metrics on the test split instead).");
        if (p.Boolean("warm_start"))
            throw new UnsupportedException($"{algorithm}: warm_start is not implemented in pgml (every pgml.train fits a new forest)",
                "Remove \"warm_start\" or set it to false.");
        if (p.Get("class_weight") is not null)   // accepted only as null; the parser keeps any other value's JSON
            throw new UnsupportedException($"{algorithm}: class_weight is not implemented in pgml; only null (every row weighs 1) is accepted",
                "Remove \"class_weight\".");
        if (p.Number("ccp_alpha") != 0)
            throw new UnsupportedException($"{algorithm}: ccp_alpha (minimal cost-complexity pruning) is not implemented in pgml; only 0 is accepted",
                "Remove \"ccp_alpha\", or limit the trees with max_depth, min_samples_leaf or max_leaf_nodes.");
        string criterion = p.Word("criterion")!;
        if (criterion is "absolute_error" or "poisson")
            throw new UnsupportedException($"{algorithm}: the criterion \"{criterion}\" is not implemented in pgml",
                "Use \"squared_error\" (the default) or \"friedman_mse\".");
        bool bootstrap = p.Boolean("bootstrap");
        if (!bootstrap && Given("max_samples", null) is not null)
            throw new InvalidParameterException($"{algorithm}: max_samples needs bootstrap = true (it is the size of each tree's bootstrap sample)",
                "Remove \"max_samples\", or set \"bootstrap\": true.");

        var criterionKind = criterion switch
        {
            "gini" => ForestCriterion.Gini,
            "entropy" or "log_loss" => ForestCriterion.Entropy,
            "friedman_mse" => ForestCriterion.FriedmanMse,
            _ => ForestCriterion.SquaredError,
        };
        return TreeKeys(p, task, criterionKind, task == TaskKind.Classification ? "sqrt" : 1.0) with
        {
            NEstimators = p.Integer("n_estimators"),
            Bootstrap = bootstrap,
            MaxSamples = Dual(Given("max_samples", null)),
            Seed = (ulong)(p.NullableLong("random_state") ?? 0),
            IgnoredKeys = p.IgnoredKeys,
        };
    }

    private static CountOrFraction? Dual(object? v) => v switch
    {
        null => null,
        long l => new CountOrFraction(l, null),
        double d => new CountOrFraction(null, d),
        _ => throw new InvalidOperationException($"unexpected value {v}"),
    };

    /// <summary>The values that depend on the training set, checked against it.</summary>
    public ResolvedForestParameters Resolve(string algorithm, long rows, int features, TaskKind task)
    {
        int maxFeatures = MaxFeaturesWord switch
        {
            "sqrt" => Math.Max(1, (int)Math.Sqrt(features)),
            "log2" => Math.Max(1, (int)Math.Log2(features)),
            "all" => features,
            _ => MaxFeaturesCount.Count is long c ? (int)Math.Min(c, int.MaxValue) : Math.Max(1, (int)(MaxFeaturesCount.Fraction!.Value * features)),
        };
        if (maxFeatures > features)
            throw new InvalidParameterException($"{algorithm}: max_features = {maxFeatures} exceeds the {features} features",
                $"Use at most {features}, a fraction such as 0.5, \"sqrt\" or null (all features).");
        long minLeaf = MinSamplesLeaf.Resolve(rows, ceiling: true);
        long minSplit = MinSamplesSplit.Count ?? Math.Max(2, MinSamplesSplit.Resolve(rows, ceiling: true));
        minSplit = Math.Max(minSplit, 2 * minLeaf);
        long drawn = rows;
        if (Bootstrap && MaxSamples is { } ms)
        {
            if (ms.Count is long count && count > rows)
                throw new InvalidParameterException($"{algorithm}: max_samples = {count} exceeds the {rows} training rows",
                    $"Use at most {rows}, or a fraction such as 0.5.");
            drawn = ms.Count ?? Math.Max(1, (long)Math.Round(ms.Fraction!.Value * rows, MidpointRounding.ToEven));
        }
        return new ResolvedForestParameters(
            MaxFeatures: maxFeatures,
            MaxDepth: MaxDepth ?? int.MaxValue,
            MinSamplesSplit: (int)Math.Min(minSplit, int.MaxValue),
            MinSamplesLeaf: (int)Math.Min(minLeaf, int.MaxValue),
            MinWeightLeaf: MinWeightFractionLeaf * drawn,
            MaxLeafNodes: MaxLeafNodes,
            MinImpurityDecrease: MinImpurityDecrease,
            Criterion: Criterion,
            SamplesPerTree: Bootstrap ? drawn : null);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{NEstimators} trees, {Criterion}");
}

/// <summary>The parameters one tree is grown with, in rows and features of the actual training set.</summary>
/// <param name="SamplesPerTree">Rows drawn with replacement for each tree, or null for every training row once.</param>
internal sealed record ResolvedForestParameters(
    int MaxFeatures, int MaxDepth, int MinSamplesSplit, int MinSamplesLeaf, double MinWeightLeaf, int? MaxLeafNodes,
    double MinImpurityDecrease, ForestCriterion Criterion, long? SamplesPerTree);
