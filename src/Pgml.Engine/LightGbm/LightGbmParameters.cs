using System.Globalization;
using System.Text;
using System.Text.Json;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Threads;
using Lib = Pgml.Engine.LibraryParameterTable;

namespace Pgml.Engine.LightGbm;

internal enum LightGbmTask { Regression, Classification }

/// <summary>
/// Validated LightGBM 4.7 hyperparameters, parsed from the JSON object SQL passes (jsonb text). Immutable.
/// Every key is checked against a table of LightGBM's main parameters that pgml supports, with its JSON type and
/// range; LightGBM's own aliases (n_estimators, colsample_bytree, reg_lambda, random_state, n_jobs, ...) are folded
/// into LightGBM's canonical names, so a parameter given twice under two names is caught here rather than by
/// LightGBM's "is set with ... will be ignored" warning. The alias lists equal LightGBM's (LGBM_DumpParamAliases; a
/// test checks them).
/// </summary>
internal sealed class LightGbmParameters
{
    /// <summary>Boosting iterations when none is given: LightGBM's default, as LGBMRegressor/LGBMClassifier.</summary>
    public const int DefaultNumIterations = 100;

    /// <summary>pgml's default verbosity: LightGBM's fatal errors only (they come back as exceptions), no chatter on stderr.</summary>
    public const int DefaultVerbosity = -1;

    private static readonly HyperparameterSpec[] Specs =
    [
        Lib.Integer("num_iterations", ["num_iteration", "n_iter", "num_tree", "num_trees", "num_round", "num_rounds", "nrounds", "num_boost_round", "n_estimators", "max_iter"],
            min: 1, max: int.MaxValue),
        Lib.Number("learning_rate", ["shrinkage_rate", "eta"], min: 0, minExclusive: true),
        Lib.Integer("num_leaves", ["num_leaf", "max_leaves", "max_leaf", "max_leaf_nodes"], min: 2, max: MaxLeaves),
        Lib.Integer("max_depth", [], min: int.MinValue, max: int.MaxValue),
        Lib.Integer("min_data_in_leaf", ["min_data_per_leaf", "min_data", "min_child_samples", "min_samples_leaf"], min: 0, max: int.MaxValue),
        Lib.Number("min_sum_hessian_in_leaf", ["min_sum_hessian_per_leaf", "min_sum_hessian", "min_hessian", "min_child_weight"], min: 0),
        Lib.Number("bagging_fraction", ["sub_row", "subsample", "bagging"], min: 0, minExclusive: true, max: 1),
        Lib.Integer("bagging_freq", ["subsample_freq"], min: 0, max: int.MaxValue),
        Lib.Integer("bagging_seed", ["bagging_fraction_seed"], min: int.MinValue, max: int.MaxValue),
        Lib.Number("feature_fraction", ["sub_feature", "colsample_bytree"], min: 0, minExclusive: true, max: 1),
        Lib.Number("feature_fraction_bynode", ["sub_feature_bynode", "colsample_bynode"], min: 0, minExclusive: true, max: 1),
        Lib.Integer("feature_fraction_seed", [], min: int.MinValue, max: int.MaxValue),
        Lib.Boolean("extra_trees", ["extra_tree"]),
        Lib.Integer("extra_seed", [], min: int.MinValue, max: int.MaxValue),
        Lib.Number("max_delta_step", ["max_tree_output", "max_leaf_output"]),
        Lib.Number("lambda_l1", ["reg_alpha", "l1_regularization"], min: 0),
        Lib.Number("lambda_l2", ["reg_lambda", "lambda", "l2_regularization"], min: 0),
        Lib.Number("min_gain_to_split", ["min_split_gain"], min: 0),
        Lib.Number("path_smooth", [], min: 0),
        Lib.Special("monotone_constraints", ["mc", "monotone_constraint", "monotonic_cst"]),
        Lib.Integer("max_bin", ["max_bins"], min: 2, max: MaxBins),
        Lib.Integer("min_data_in_bin", [], min: 1, max: int.MaxValue),
        Lib.Integer("data_random_seed", ["data_seed"], min: int.MinValue, max: int.MaxValue),
        Lib.Boolean("use_missing", []),
        Lib.Boolean("zero_as_missing", []),
        Lib.String("data_sample_strategy", [], choices: ["bagging", "goss"]),
        Lib.Integer("seed", ["random_seed", "random_state"], min: int.MinValue, max: int.MaxValue),
        Lib.Integer("num_threads", ["num_thread", "nthread", "nthreads", "n_jobs"], min: int.MinValue, max: int.MaxValue),
        Lib.Boolean("deterministic", []),
        Lib.Boolean("force_col_wise", []),
        Lib.Boolean("force_row_wise", []),
        Lib.Integer("verbosity", ["verbose"], min: int.MinValue, max: int.MaxValue),
        Lib.String("objective", ["objective_type", "app", "application", "loss"]),
        Lib.String("boosting", ["boosting_type", "boost"]),
        Lib.Boolean("boost_from_average", []),
        Lib.Boolean("reg_sqrt", []),
        Lib.Number("alpha", [], min: 0, minExclusive: true),
        Lib.Number("fair_c", [], min: 0, minExclusive: true),
        Lib.Number("poisson_max_delta_step", [], min: 0, minExclusive: true),
        Lib.Number("tweedie_variance_power", [], min: 1, max: 2, maxExclusive: true),
        Lib.Boolean("is_unbalance", ["unbalance", "unbalanced_sets"]),
        Lib.Number("scale_pos_weight", [], min: 0, minExclusive: true),
        Lib.Number("sigmoid", [], min: 0, minExclusive: true),
    ];

    private static readonly LibraryParameterTable Table = new("LightGBM", Specs, ["num_class", "num_classes"], "true", "false", "0.1", "31",
        ExampleHint, namesCanonicalWhenGivenTwice: true, special: MonotoneConstraints);

    // LightGBM's objective names (the canonical name is what the model's objective= line says) and their aliases.
    private static readonly (string Name, string[] Aliases)[] RegressionObjectiveTable =
    [
        ("regression", ["regression_l2", "l2", "mean_squared_error", "mse", "l2_root", "root_mean_squared_error", "rmse"]),
        ("regression_l1", ["l1", "mean_absolute_error", "mae"]),
        ("huber", []),
        ("fair", []),
        ("poisson", []),
        ("quantile", []),
        ("mape", ["mean_absolute_percentage_error"]),
        ("gamma", []),
        ("tweedie", []),
    ];

    private static readonly (string Name, string[] Aliases)[] ClassificationObjectiveTable =
    [
        ("binary", []),
        ("multiclass", ["softmax"]),
        ("multiclassova", ["multiclass_ova", "ova", "ovr"]),
    ];

    private static readonly string[] RegressionObjectives = [.. RegressionObjectiveTable.Select(o => o.Name)];
    private const string BinaryObjective = "binary";
    private static readonly string[] MultiObjectives = ["multiclass", "multiclassova"];

    /// <summary>Every accepted key, canonical names and aliases, sorted.</summary>
    public static IReadOnlyList<string> ValidKeys => Table.ValidKeys;

    /// <summary>The canonical objectives allowed for a task; the first is the default (for classification: with 2 classes).</summary>
    public static IReadOnlyList<string> Objectives(LightGbmTask task) =>
        task == LightGbmTask.Regression ? RegressionObjectives : [BinaryObjective, .. MultiObjectives];

    /// <summary>LightGBM's aliases of each supported parameter (canonical name first excluded); for tests and documentation.</summary>
    internal static IReadOnlyDictionary<string, string[]> Aliases { get; } = Specs.ToDictionary(s => s.Name, s => s.Aliases?.ToArray() ?? []);

    private readonly KeyValuePair<string, string>[] _boosterParameters;

    private LightGbmParameters(LightGbmTask task, int numIterations, string? objective, int? numThreads,
        KeyValuePair<string, string>[] boosterParameters)
    {
        Task = task;
        NumIterations = numIterations;
        Objective = objective;
        NumThreads = numThreads;
        Threads = ThreadBudget.Resolve("LightGBM", "num_threads", numThreads);
        _boosterParameters = boosterParameters;
    }

    public LightGbmTask Task { get; }

    /// <summary>Boosting iterations (num_iterations / n_estimators / num_boost_round), <see cref="DefaultNumIterations"/> unless given.</summary>
    public int NumIterations { get; }

    /// <summary>The objective given, as LightGBM's canonical name ("mse" becomes "regression"); null lets <see cref="ResolveObjective"/> pick.</summary>
    public string? Objective { get; }

    /// <summary>num_threads when given (0 or less = OpenMP's default); null leaves LightGBM's default.</summary>
    public int? NumThreads { get; }

    /// <summary>The threads training uses: num_threads when given and positive, else <see cref="ThreadBudget.Max"/> (never more).</summary>
    public int Threads { get; }

    /// <summary>
    /// What training passes to LightGBM: <see cref="ToLightGbmString"/> and, unless a positive num_threads is among the
    /// user's keys, num_threads = <see cref="Threads"/> (LightGBM keeps the first of a repeated key, so a given 0 or
    /// negative value, LightGBM's "all cores", is not passed on; see Parse).
    /// </summary>
    public string ToTrainingString(int numClasses) =>
        ToLightGbmString(numClasses) + (NumThreads > 0 ? "" : " num_threads=" + Threads.ToString(CultureInfo.InvariantCulture)) +
        " histogram_pool_size=" + HistogramPoolMegabytes.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The most memory LightGBM's cache of leaf histograms may take, in MB (histogram_pool_size, not a user key). Its
    /// default, -1, keeps one histogram per leaf and allocates them all when training starts: with num_leaves at its
    /// maximum (131072) on 100k rows of 10 features that is 131072 x 2550 bins x 16 B = 5.3 GB (it went past a 3 GB
    /// limit here, and without one into the machine's OOM killer). With a bound,
    /// LightGBM rebuilds a histogram that is not cached, which changes no model of pgml's defaults (31 leaves of 10
    /// features at 255 bins need about 1.3 MB).
    /// </summary>
    public const int HistogramPoolMegabytes = 256;

    /// <summary>
    /// The most leaves of one tree (num_leaves; LightGBM's own limit is 131072). One iteration cannot be interrupted and
    /// its time grows with the leaves: 131072 leaves with min_data_in_leaf 1 on 100k rows ran for minutes. 4096 is 132
    /// times LightGBM's default of 31.
    /// </summary>
    public const int MaxLeaves = 4096;

    /// <summary>The most bins per feature (max_bin): 16 times LightGBM's default; memory and time grow with it.</summary>
    public const int MaxBins = 4096;

    /// <summary>
    /// The parameters passed to LightGBM, canonical names and LightGBM-syntax values in the order given. Excludes
    /// num_iterations (pgml runs the iterations), objective (see <see cref="ResolveObjective"/>) and boosting (always gbdt);
    /// includes verbosity = <see cref="DefaultVerbosity"/> when not given.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> BoosterParameters => _boosterParameters;

    /// <summary>
    /// Parses and validates a JSON object of hyperparameters; null means none (all defaults). The objective, when given,
    /// must be one of <see cref="Objectives"/>(<paramref name="task"/>) or a LightGBM alias of one; whether it fits the
    /// class count is checked later by <see cref="ResolveObjective"/>.
    /// </summary>
    /// <exception cref="InvalidParameterException">Invalid JSON, not an object, unknown key, wrong type or value.</exception>
    public static LightGbmParameters Parse(string? json, LightGbmTask task)
    {
        if (json is null) return new LightGbmParameters(task, DefaultNumIterations, null, null, [DefaultVerbosityParameter]);

        int numIterations = DefaultNumIterations;
        string? objective = null;
        int? numThreads = null;
        bool verbosityGiven = false;
        var boosterParameters = new List<KeyValuePair<string, string>>();
        // the keys that are not booster parameters, or not only: pgml's iteration count, the task's objectives, gbdt only
        foreach (var (key, spec, value) in Table.Parse(json))
        {
            switch (spec.Name)
            {
                case "num_iterations":
                    numIterations = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "objective":
                    objective = CanonicalObjective(value, task) ?? throw new InvalidParameterException(
                        $"objective \"{value}\" is not valid for {TaskName(task)}",
                        $"Use one of: {string.Join(", ", Objectives(task))}.");
                    break;
                case "boosting":
                    if (value is not ("gbdt" or "gbrt"))
                        throw new InvalidParameterException(
                            value is "rf" or "random_forest" or "dart" or "goss"
                                ? $"LightGBM boosting \"{value}\" is not supported yet: only \"gbdt\" is"
                                : $"LightGBM hyperparameter \"{key}\" must be \"gbdt\"; got \"{value}\"",
                            value == "goss"
                                ? "Remove the boosting key, or use \"data_sample_strategy\": \"goss\" with gbdt (LightGBM 4's spelling)."
                                : "Remove the boosting key or set it to \"gbdt\".");
                    break;
                case "num_threads":
                    numThreads = int.Parse(value, CultureInfo.InvariantCulture);
                    ThreadBudget.Resolve("LightGBM", key, numThreads);   // refused here, in the order of the keys
                    // 0 or less is LightGBM's "all cores": ToTrainingString passes the cap instead
                    if (numThreads > 0) boosterParameters.Add(new(spec.Name, value));
                    break;
                default:
                    verbosityGiven |= spec.Name == "verbosity";
                    boosterParameters.Add(new(spec.Name, value));
                    break;
            }
        }
        if (!verbosityGiven) boosterParameters.Add(DefaultVerbosityParameter);
        return new LightGbmParameters(task, numIterations, objective, numThreads, boosterParameters.ToArray());
    }

    private static KeyValuePair<string, string> DefaultVerbosityParameter =>
        new("verbosity", DefaultVerbosity.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// The objective to train with: the one given, else regression for regression, binary for 2 classes, multiclass for
    /// more. binary needs exactly 2 classes; multiclass and multiclassova need more than 2 (so a 2-class model always
    /// predicts one probability per row, as with XGBoost).
    /// </summary>
    /// <exception cref="InvalidDataException">Classification with fewer than 2 classes.</exception>
    /// <exception cref="InvalidParameterException">The objective does not fit the number of classes.</exception>
    public string ResolveObjective(int numClasses)
    {
        if (Task == LightGbmTask.Regression) return Objective ?? RegressionObjectives[0];

        if (numClasses < 2)
            throw new InvalidDataException(
                $"classification needs at least 2 classes, the training data has {numClasses}",
                "Check the label column and the rows selected, or train a regression instead.");
        if (numClasses == 2)
        {
            if (Objective is null or BinaryObjective) return BinaryObjective;
            throw new InvalidParameterException(
                $"objective \"{Objective}\" is for more than 2 classes, the training data has 2",
                $"Use {BinaryObjective} (the default).");
        }
        if (Objective is null || MultiObjectives.Contains(Objective)) return Objective ?? MultiObjectives[0];
        throw new InvalidParameterException(
            $"objective \"{Objective}\" is for 2 classes, the training data has {numClasses}",
            $"Use one of: {string.Join(", ", MultiObjectives)} (the default is {MultiObjectives[0]}).");
    }

    /// <summary>
    /// LightGBM's parameter string ("key=value key=value") for dataset and booster: the objective, num_class for the
    /// multiclass objectives, then <see cref="BoosterParameters"/>. Values are validated numbers, booleans or names from
    /// a fixed list, so none holds a space or '='.
    /// </summary>
    public string ToLightGbmString(int numClasses)
    {
        string objective = ResolveObjective(numClasses);
        var s = new StringBuilder();
        s.Append("objective=").Append(objective);
        if (MultiObjectives.Contains(objective))
            s.Append(" num_class=").Append(numClasses.ToString(CultureInfo.InvariantCulture));
        foreach (var (name, value) in _boosterParameters)
            s.Append(' ').Append(name).Append('=').Append(value);
        return s.ToString();
    }

    private const string ExampleHint = "Pass a JSON object such as '{\"n_estimators\": 100, \"num_leaves\": 31, \"learning_rate\": 0.1}'.";

    private static string? CanonicalObjective(string value, LightGbmTask task)
    {
        var table = task == LightGbmTask.Regression ? RegressionObjectiveTable : ClassificationObjectiveTable;
        foreach (var (name, aliases) in table)
            if (value == name || aliases.Contains(value)) return name;
        return null;
    }

    private static string TaskName(LightGbmTask task) => task == LightGbmTask.Regression ? "regression" : "classification";

    /// <summary>The table's hook for LightGBM's one special key, monotone_constraints: [1, 0, -1] (one of -1, 0, 1 per
    /// feature), sent to LightGBM as "1,0,-1".</summary>
    private static string MonotoneConstraints(LibraryParameterTable table, string key, HyperparameterSpec spec, JsonElement value)
    {
        const string expected = "an array of -1, 0 or 1, one per feature";
        if (value.ValueKind != JsonValueKind.Array) throw table.WrongType(key, expected, value, "[1, 0, -1]");
        var text = new StringBuilder();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out int c) || c < -1 || c > 1)
                throw table.WrongType(key, expected, value, "[1, 0, -1]");
            if (text.Length > 0) text.Append(',');
            text.Append(c.ToString(CultureInfo.InvariantCulture));
        }
        if (text.Length == 0) throw table.WrongType(key, expected, value, "[1, 0, -1]");
        return text.ToString();
    }
}
