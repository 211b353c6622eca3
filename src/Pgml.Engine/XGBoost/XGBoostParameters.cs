using System.Globalization;
using System.Text;
using System.Text.Json;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Threads;
using Lib = Pgml.Engine.LibraryParameterTable;

namespace Pgml.Engine.XGBoost;

/// <summary>
/// Validated XGBoost 1.7 hyperparameters, parsed from the JSON object SQL passes (jsonb text). Immutable.
/// Every key is checked against a table of the booster, tree and learning-task parameters this engine supports,
/// with its JSON type and range; aliases (learning_rate, reg_lambda, random_state, ...) are folded into XGBoost's
/// canonical names so a key given twice under two names is caught.
/// </summary>
internal sealed class XGBoostParameters
{
    /// <summary>
    /// Boosting rounds when n_estimators is not given: XGBoost's Python default (XGBRegressor/XGBClassifier), not
    /// PostgresML's Rust default of 10, so models match what users get from XGBoost elsewhere.
    /// </summary>
    public const int DefaultNEstimators = 100;

    /// <summary>
    /// The most trees of one boosting round (num_parallel_tree; xgboost_random_forest's n_estimators). A round runs
    /// inside libxgboost and cannot be interrupted, so its cost is bounded before it starts: 1,000 trees is ten times
    /// XGBRFRegressor's default forest; past that a forest gains nothing measurable (see docs/sql-reference.md).
    /// </summary>
    public const int MaxParallelTrees = 1000;

    /// <summary>
    /// The most tree-rows (trees of one round × training rows) of one uninterruptible round: a default 100-tree forest
    /// on 1M rows, 1,000 trees on 100k. Measured on this project's 2-core machine with 10 features: 100 trees on 300k
    /// rows took 3.6 s, so a round at the limit takes about 10 s there (docs/performance.md).
    /// </summary>
    public const long MaxTreeRowsPerRound = 100_000_000;

    /// <summary>
    /// The most histogram bins per feature (max_bin, default 256): one tree's memory and time grow with it. Measured
    /// on 300k rows of 10 features, one tree: 256 bins 0.6 s and 77 MB, 4096 bins 0.9 s and 140 MB, 65536 bins 3.9 s
    /// and 1 GB (native memory, outside the managed heap's cap).
    /// </summary>
    public const int MaxBins = 4096;

    private static readonly HyperparameterSpec[] Specs =
    [
        Lib.Integer("n_estimators", ["num_boost_round"], min: 1, max: int.MaxValue),
        Lib.Number("eta", ["learning_rate"], min: 0),
        Lib.Number("gamma", ["min_split_loss"], min: 0),
        Lib.Integer("max_depth", [], min: 0, max: int.MaxValue),
        Lib.Number("min_child_weight", [], min: 0),
        Lib.Number("max_delta_step", [], min: 0),
        Lib.Number("subsample", [], min: 0, minExclusive: true, max: 1),
        Lib.String("sampling_method", [], choices: ["uniform", "gradient_based"]),
        Lib.Number("colsample_bytree", [], min: 0, minExclusive: true, max: 1),
        Lib.Number("colsample_bylevel", [], min: 0, minExclusive: true, max: 1),
        Lib.Number("colsample_bynode", [], min: 0, minExclusive: true, max: 1),
        Lib.Number("lambda", ["reg_lambda"], min: 0),
        Lib.Number("alpha", ["reg_alpha"], min: 0),
        Lib.String("tree_method", [], choices: ["auto", "exact", "approx", "hist", "gpu_hist"]),
        Lib.Number("sketch_eps", [], min: 0, minExclusive: true, max: 1, maxExclusive: true),
        Lib.Number("scale_pos_weight", [], min: 0),
        Lib.String("grow_policy", [], choices: ["depthwise", "lossguide"]),
        Lib.Integer("max_leaves", [], min: 0, max: int.MaxValue),
        Lib.Integer("max_bin", [], min: 2, max: MaxBins),
        Lib.Integer("num_parallel_tree", [], min: 1, max: MaxParallelTrees),
        Lib.Special("monotone_constraints", []),
        Lib.Special("interaction_constraints", []),
        Lib.Integer("nthread", [], min: 0, max: int.MaxValue),
        Lib.Integer("verbosity", [], min: 0, max: 3),
        Lib.Integer("seed", ["random_state"], min: long.MinValue, max: long.MaxValue),
        Lib.String("objective", []),
        Lib.String("eval_metric", []),
        Lib.Number("base_score", []),
        Lib.Integer("max_cat_to_onehot", [], min: 1, max: int.MaxValue),
        Lib.String("booster", []),
        Lib.Number("tweedie_variance_power", [], min: 1, minExclusive: true, max: 2, maxExclusive: true),
        Lib.Number("huber_slope", [], min: 0, minExclusive: true),
        Lib.Boolean("disable_default_eval_metric", []),
        Lib.Boolean("validate_parameters", []),
    ];

    private static readonly LibraryParameterTable Table = new("XGBoost", Specs, ["num_class"], "1", "0", "0.3", "6", ExampleHint,
        namesCanonicalWhenGivenTwice: false, special: Constraints);

    private static readonly string[] RegressionObjectives =
        ["reg:squarederror", "reg:squaredlogerror", "reg:pseudohubererror", "reg:absoluteerror", "reg:logistic", "count:poisson", "reg:gamma", "reg:tweedie"];

    private static readonly string[] BinaryObjectives = ["binary:logistic", "binary:logitraw", "binary:hinge"];
    private static readonly string[] MultiObjectives = ["multi:softprob", "multi:softmax"];

    /// <summary>Every accepted key, canonical names and aliases, sorted.</summary>
    public static IReadOnlyList<string> ValidKeys => Table.ValidKeys;

    /// <summary>The objectives allowed for a task; the first is the default (for classification: with 2 classes).</summary>
    public static IReadOnlyList<string> Objectives(XGBoostTask task) =>
        task == XGBoostTask.Regression ? RegressionObjectives : [.. BinaryObjectives, .. MultiObjectives];

    private readonly KeyValuePair<string, string>[] _boosterParameters;

    private XGBoostParameters(XGBoostTask task, int nEstimators, string? objective, int? nThread, int parallelTrees,
        KeyValuePair<string, string>[] boosterParameters)
    {
        Task = task;
        NEstimators = nEstimators;
        Objective = objective;
        NThread = nThread;
        Threads = ThreadBudget.Resolve("XGBoost", "nthread", nThread);
        ParallelTrees = parallelTrees;
        _boosterParameters = boosterParameters;
    }

    public XGBoostTask Task { get; }

    /// <summary>Boosting rounds (n_estimators / num_boost_round), <see cref="DefaultNEstimators"/> unless given.</summary>
    public int NEstimators { get; }

    /// <summary>The objective given, or null to let <see cref="ResolveObjective"/> pick the default.</summary>
    public string? Objective { get; }

    /// <summary>nthread when given (0 = all cores); null leaves XGBoost's default.</summary>
    public int? NThread { get; }

    /// <summary>The threads training uses: nthread when given and positive, else <see cref="ThreadBudget.Max"/> (never more).</summary>
    public int Threads { get; }

    /// <summary>Trees per boosting round (num_parallel_tree), 1 unless given.</summary>
    public int ParallelTrees { get; }

    /// <summary>
    /// Refuses a round whose work (<see cref="ParallelTrees"/> × <paramref name="trainRows"/>) is over
    /// <see cref="MaxTreeRowsPerRound"/>: such a round could not be cancelled for many seconds.
    /// </summary>
    /// <exception cref="InvalidParameterException">The round is too large.</exception>
    public void CheckRoundCost(long trainRows)
    {
        if ((double)ParallelTrees * trainRows <= MaxTreeRowsPerRound) return;
        long most = Math.Max(1, MaxTreeRowsPerRound / trainRows);
        throw new InvalidParameterException(
            string.Create(CultureInfo.InvariantCulture,
                $"one XGBoost boosting round of {ParallelTrees} trees (num_parallel_tree) on {trainRows} training rows is too large: a round cannot be cancelled, and pgml allows at most {MaxTreeRowsPerRound:N0} trees × rows per round"),
            string.Create(CultureInfo.InvariantCulture,
                $"Set \"num_parallel_tree\" (for xgboost_random_forest: \"n_estimators\") to at most {most} for {trainRows} rows, train on fewer rows, or use the random_forest algorithm, which can be cancelled between trees."));
    }

    /// <summary>
    /// The parameters to pass to XGBoosterSetParam, canonical names and invariant-culture values in the order given.
    /// Excludes n_estimators (the round count, not a booster parameter), objective (see <see cref="ResolveObjective"/>)
    /// and booster (always gbtree).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> BoosterParameters => _boosterParameters;

    /// <summary>
    /// Parses and validates a JSON object of hyperparameters; null means none (all defaults).
    /// The objective, when given, must be one of <see cref="Objectives"/>(<paramref name="task"/>); whether it fits the
    /// class count is checked later by <see cref="ResolveObjective"/>.
    /// </summary>
    /// <exception cref="InvalidParameterException">Invalid JSON, not an object, unknown key, wrong type or value.</exception>
    public static XGBoostParameters Parse(string? json, XGBoostTask task)
    {
        if (json is null) return new XGBoostParameters(task, DefaultNEstimators, null, null, 1, []);

        int nEstimators = DefaultNEstimators;
        string? objective = null;
        int? nThread = null;
        int parallelTrees = 1;
        var boosterParameters = new List<KeyValuePair<string, string>>();
        // the keys that are not booster parameters, or not only: pgml's round count, the task's objectives, gbtree only
        foreach (var (key, spec, value) in Table.Parse(json))
        {
            switch (spec.Name)
            {
                case "n_estimators":
                    nEstimators = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "objective":
                    if (!Objectives(task).Contains(value))
                        throw new InvalidParameterException(
                            $"objective \"{value}\" is not valid for {TaskName(task)}",
                            $"Use one of: {string.Join(", ", Objectives(task))}.");
                    objective = value;
                    break;
                case "booster":
                    if (value != "gbtree")
                        throw new InvalidParameterException(
                            $"booster \"{value}\" is not supported yet: only \"gbtree\" is",
                            "Remove the booster key or set it to \"gbtree\".");
                    break;
                case "nthread":
                    nThread = int.Parse(value, CultureInfo.InvariantCulture);
                    ThreadBudget.Resolve("XGBoost", key, nThread);   // refused here, in the order of the keys
                    boosterParameters.Add(new(spec.Name, value));
                    break;
                case "num_parallel_tree":
                    parallelTrees = int.Parse(value, CultureInfo.InvariantCulture);
                    boosterParameters.Add(new(spec.Name, value));
                    break;
                default:
                    boosterParameters.Add(new(spec.Name, value));
                    break;
            }
        }
        return new XGBoostParameters(task, nEstimators, objective, nThread, parallelTrees, boosterParameters.ToArray());
    }

    /// <summary>
    /// The objective to train with: the one given, else reg:squarederror for regression, binary:logistic for 2
    /// classes, multi:softprob for more. Binary objectives need exactly 2 classes; multi:* objectives need more than
    /// 2 (so a 2-class model always predicts one probability per row).
    /// </summary>
    /// <exception cref="InvalidDataException">Classification with fewer than 2 classes.</exception>
    /// <exception cref="InvalidParameterException">The objective does not fit the number of classes.</exception>
    public string ResolveObjective(int numClasses)
    {
        if (Task == XGBoostTask.Regression) return Objective ?? RegressionObjectives[0];

        if (numClasses < 2)
            throw new InvalidDataException(
                $"classification needs at least 2 classes, the training data has {numClasses}",
                "Check the label column and the rows selected, or train a regression instead.");
        if (numClasses == 2)
        {
            if (Objective is null || BinaryObjectives.Contains(Objective)) return Objective ?? BinaryObjectives[0];
            throw new InvalidParameterException(
                $"objective \"{Objective}\" is for more than 2 classes, the training data has 2",
                $"Use one of: {string.Join(", ", BinaryObjectives)} (the default is {BinaryObjectives[0]}).");
        }
        if (Objective is null || MultiObjectives.Contains(Objective)) return Objective ?? MultiObjectives[0];
        throw new InvalidParameterException(
            $"objective \"{Objective}\" is for 2 classes, the training data has {numClasses}",
            $"Use one of: {string.Join(", ", MultiObjectives)} (the default is {MultiObjectives[0]}).");
    }

    private const string ExampleHint = "Pass a JSON object such as '{\"n_estimators\": 100, \"max_depth\": 6, \"eta\": 0.3}'.";

    private static string TaskName(XGBoostTask task) => task == XGBoostTask.Regression ? "regression" : "classification";

    /// <summary>The table's hook for XGBoost's special keys: the two constraint syntaxes.</summary>
    private static string Constraints(LibraryParameterTable table, string key, HyperparameterSpec spec, JsonElement value) => spec.Name switch
    {
        "monotone_constraints" => Constraints(table, key, value, nested: false),
        "interaction_constraints" => Constraints(table, key, value, nested: true),
        _ => throw new InvalidOperationException($"XGBoost has no special syntax for {spec.Name}"),
    };

    /// <summary>
    /// monotone_constraints: [1, 0, -1] (one of -1, 0, 1 per feature), sent as "(1,0,-1)";
    /// interaction_constraints: [[0, 1], [2, 3]] (lists of feature indices), sent as "[[0,1],[2,3]]".
    /// A string is passed through unchanged, in the syntax XGBoost itself accepts.
    /// </summary>
    private static string Constraints(LibraryParameterTable table, string key, JsonElement value, bool nested)
    {
        string expected = nested
            ? "an array of arrays of feature indices (or a string in XGBoost's syntax)"
            : "an array of -1, 0 or 1, one per feature (or a string in XGBoost's syntax)";
        string example = nested ? "[[0, 1], [2, 3]]" : "[1, 0, -1]";
        if (value.ValueKind == JsonValueKind.String) return value.GetString()!;
        if (value.ValueKind != JsonValueKind.Array) throw table.WrongType(key, expected, value, example);

        var text = new StringBuilder(nested ? "[" : "(");
        bool first = true;
        foreach (var item in value.EnumerateArray())
        {
            if (!first) text.Append(',');
            first = false;
            if (nested)
            {
                if (item.ValueKind != JsonValueKind.Array) throw table.WrongType(key, expected, value, example);
                text.Append('[');
                bool firstIndex = true;
                foreach (var index in item.EnumerateArray())
                {
                    if (index.ValueKind != JsonValueKind.Number || !index.TryGetInt32(out int i) || i < 0)
                        throw table.WrongType(key, expected, value, example);
                    if (!firstIndex) text.Append(',');
                    firstIndex = false;
                    text.Append(i.ToString(CultureInfo.InvariantCulture));
                }
                text.Append(']');
            }
            else
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out int c) || c < -1 || c > 1)
                    throw table.WrongType(key, expected, value, example);
                text.Append(c.ToString(CultureInfo.InvariantCulture));
            }
        }
        return text.Append(nested ? ']' : ')').ToString();
    }
}
