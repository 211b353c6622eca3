using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pgml.Engine.XGBoost;

/// <summary>
/// Validated XGBoost 1.7 hyperparameters, parsed from the JSON object SQL passes (jsonb text). Immutable.
/// Every key is checked against a table of the booster, tree and learning-task parameters this engine supports,
/// with its JSON type and range; aliases (learning_rate, reg_lambda, random_state, ...) are folded into XGBoost's
/// canonical names so a key given twice under two names is caught.
/// </summary>
public sealed class XGBoostParameters
{
    /// <summary>
    /// Boosting rounds when n_estimators is not given: XGBoost's Python default (XGBRegressor/XGBClassifier), not
    /// PostgresML's Rust default of 10, so models match what users get from XGBoost elsewhere.
    /// </summary>
    public const int DefaultNEstimators = 100;

    private enum Kind { Number, Integer, String, Boolean, MonotoneConstraints, InteractionConstraints }

    private sealed record Spec(
        string Name, Kind Kind, string[] Aliases,
        double Min = double.NegativeInfinity, bool MinExclusive = false,
        double Max = double.PositiveInfinity, bool MaxExclusive = false,
        string[]? Choices = null);

    private static readonly Spec[] Specs =
    [
        new("n_estimators", Kind.Integer, ["num_boost_round"], Min: 1, Max: int.MaxValue),
        new("eta", Kind.Number, ["learning_rate"], Min: 0),
        new("gamma", Kind.Number, ["min_split_loss"], Min: 0),
        new("max_depth", Kind.Integer, [], Min: 0, Max: int.MaxValue),
        new("min_child_weight", Kind.Number, [], Min: 0),
        new("max_delta_step", Kind.Number, [], Min: 0),
        new("subsample", Kind.Number, [], Min: 0, MinExclusive: true, Max: 1),
        new("sampling_method", Kind.String, [], Choices: ["uniform", "gradient_based"]),
        new("colsample_bytree", Kind.Number, [], Min: 0, MinExclusive: true, Max: 1),
        new("colsample_bylevel", Kind.Number, [], Min: 0, MinExclusive: true, Max: 1),
        new("colsample_bynode", Kind.Number, [], Min: 0, MinExclusive: true, Max: 1),
        new("lambda", Kind.Number, ["reg_lambda"], Min: 0),
        new("alpha", Kind.Number, ["reg_alpha"], Min: 0),
        new("tree_method", Kind.String, [], Choices: ["auto", "exact", "approx", "hist", "gpu_hist"]),
        new("sketch_eps", Kind.Number, [], Min: 0, MinExclusive: true, Max: 1, MaxExclusive: true),
        new("scale_pos_weight", Kind.Number, [], Min: 0),
        new("grow_policy", Kind.String, [], Choices: ["depthwise", "lossguide"]),
        new("max_leaves", Kind.Integer, [], Min: 0, Max: int.MaxValue),
        new("max_bin", Kind.Integer, [], Min: 2, Max: int.MaxValue),
        new("num_parallel_tree", Kind.Integer, [], Min: 1, Max: int.MaxValue),
        new("monotone_constraints", Kind.MonotoneConstraints, []),
        new("interaction_constraints", Kind.InteractionConstraints, []),
        new("nthread", Kind.Integer, [], Min: 0, Max: int.MaxValue),
        new("verbosity", Kind.Integer, [], Min: 0, Max: 3),
        new("seed", Kind.Integer, ["random_state"], Min: long.MinValue, Max: long.MaxValue),
        new("objective", Kind.String, []),
        new("eval_metric", Kind.String, []),
        new("base_score", Kind.Number, []),
        new("max_cat_to_onehot", Kind.Integer, [], Min: 1, Max: int.MaxValue),
        new("booster", Kind.String, []),
        new("tweedie_variance_power", Kind.Number, [], Min: 1, MinExclusive: true, Max: 2, MaxExclusive: true),
        new("huber_slope", Kind.Number, [], Min: 0, MinExclusive: true),
        new("disable_default_eval_metric", Kind.Boolean, []),
        new("validate_parameters", Kind.Boolean, []),
    ];

    private static readonly Dictionary<string, Spec> ByKey = BuildIndex();

    private static readonly string[] RegressionObjectives =
        ["reg:squarederror", "reg:squaredlogerror", "reg:pseudohubererror", "reg:absoluteerror", "reg:logistic", "count:poisson", "reg:gamma", "reg:tweedie"];

    private static readonly string[] BinaryObjectives = ["binary:logistic", "binary:logitraw", "binary:hinge"];
    private static readonly string[] MultiObjectives = ["multi:softprob", "multi:softmax"];

    /// <summary>Every accepted key, canonical names and aliases, sorted.</summary>
    public static IReadOnlyList<string> ValidKeys { get; } = ByKey.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The objectives allowed for a task; the first is the default (for classification: with 2 classes).</summary>
    public static IReadOnlyList<string> Objectives(XGBoostTask task) =>
        task == XGBoostTask.Regression ? RegressionObjectives : [.. BinaryObjectives, .. MultiObjectives];

    private readonly KeyValuePair<string, string>[] _boosterParameters;

    private XGBoostParameters(XGBoostTask task, int nEstimators, string? objective, int? nThread, KeyValuePair<string, string>[] boosterParameters)
    {
        Task = task;
        NEstimators = nEstimators;
        Objective = objective;
        NThread = nThread;
        _boosterParameters = boosterParameters;
    }

    public XGBoostTask Task { get; }

    /// <summary>Boosting rounds (n_estimators / num_boost_round), <see cref="DefaultNEstimators"/> unless given.</summary>
    public int NEstimators { get; }

    /// <summary>The objective given, or null to let <see cref="ResolveObjective"/> pick the default.</summary>
    public string? Objective { get; }

    /// <summary>nthread when given (0 = all cores); null leaves XGBoost's default.</summary>
    public int? NThread { get; }

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
        if (json is null) return new XGBoostParameters(task, DefaultNEstimators, null, null, []);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidParameterException($"XGBoost hyperparameters are not valid JSON: {e.Message}", ExampleHint);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidParameterException($"XGBoost hyperparameters must be a JSON object, got {ParameterText.Describe(root)}", ExampleHint);

            int nEstimators = DefaultNEstimators;
            string? objective = null;
            int? nThread = null;
            var given = new Dictionary<string, string>(StringComparer.Ordinal); // canonical name -> key as written
            var boosterParameters = new List<KeyValuePair<string, string>>();

            foreach (var property in root.EnumerateObject())
            {
                string key = property.Name;
                if (!ByKey.TryGetValue(key, out var spec))
                    throw UnknownKey(key);
                if (given.TryGetValue(spec.Name, out string? earlier))
                    throw new InvalidParameterException(
                        earlier == key
                            ? $"XGBoost hyperparameter \"{key}\" is given twice"
                            : $"XGBoost hyperparameters \"{earlier}\" and \"{key}\" are the same parameter, given twice",
                        $"Keep only one of them.");
                given.Add(spec.Name, key);

                string value = Convert(key, spec, property.Value);
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
                        boosterParameters.Add(new(spec.Name, value));
                        break;
                    default:
                        boosterParameters.Add(new(spec.Name, value));
                        break;
                }
            }
            return new XGBoostParameters(task, nEstimators, objective, nThread, boosterParameters.ToArray());
        }
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

    private static Dictionary<string, Spec> BuildIndex()
    {
        var index = new Dictionary<string, Spec>(StringComparer.Ordinal);
        foreach (var spec in Specs)
        {
            index.Add(spec.Name, spec);
            foreach (string alias in spec.Aliases) index.Add(alias, spec);
        }
        return index;
    }

    private static string TaskName(XGBoostTask task) => task == XGBoostTask.Regression ? "regression" : "classification";

    private static InvalidParameterException UnknownKey(string key)
    {
        string all = string.Join(", ", ValidKeys);
        if (key == "num_class")
            return new InvalidParameterException(
                "XGBoost hyperparameter \"num_class\" cannot be set: it is taken from the number of classes in the training data",
                $"Remove it. Valid hyperparameters: {all}.");
        string? close = ParameterText.Closest(key, ValidKeys);
        return new InvalidParameterException(
            $"unknown XGBoost hyperparameter \"{key}\"" + (close is null ? "" : $" (did you mean \"{close}\"?)"),
            $"Valid hyperparameters: {all}.");
    }


    /// <summary>Checks the value against its spec and renders it as the string XGBoosterSetParam expects.</summary>
    private static string Convert(string key, Spec spec, JsonElement value)
    {
        switch (spec.Kind)
        {
            case Kind.Number:
            {
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double d) || !double.IsFinite(d))
                    throw WrongType(key, "a number", value, "0.3");
                CheckRange(key, spec, d, value);
                return d.ToString("R", CultureInfo.InvariantCulture);
            }
            case Kind.Integer:
            {
                // jsonb keeps 4.0 as written, so integral numbers in any notation are accepted.
                if (value.ValueKind != JsonValueKind.Number)
                    throw WrongType(key, "an integer", value, "6");
                if (!value.TryGetInt64(out long n))
                {
                    if (!value.TryGetDouble(out double d) || Math.Floor(d) != d)
                        throw WrongType(key, "an integer", value, "6");
                    if (d < spec.Min || d > spec.Max) throw OutOfRange(key, spec, value);
                    n = (long)d;
                }
                CheckRange(key, spec, n, value);
                return n.ToString(CultureInfo.InvariantCulture);
            }
            case Kind.String:
            {
                if (value.ValueKind != JsonValueKind.String)
                    throw WrongType(key, "a string", value, "\"value\"");
                string s = value.GetString()!;
                if (spec.Choices is not null && !spec.Choices.Contains(s))
                    throw new InvalidParameterException(
                        $"XGBoost hyperparameter \"{key}\" must be one of {string.Join(", ", spec.Choices)}; got \"{s}\"",
                        $"Use one of: {string.Join(", ", spec.Choices)}.");
                return s;
            }
            case Kind.Boolean:
                return value.ValueKind switch
                {
                    JsonValueKind.True => "1",
                    JsonValueKind.False => "0",
                    _ => throw WrongType(key, "a boolean", value, "true"),
                };
            case Kind.MonotoneConstraints:
                return Constraints(key, value, nested: false);
            case Kind.InteractionConstraints:
                return Constraints(key, value, nested: true);
            default:
                throw new InvalidOperationException($"unhandled kind {spec.Kind}");
        }
    }

    /// <summary>
    /// monotone_constraints: [1, 0, -1] (one of -1, 0, 1 per feature), sent as "(1,0,-1)";
    /// interaction_constraints: [[0, 1], [2, 3]] (lists of feature indices), sent as "[[0,1],[2,3]]".
    /// A string is passed through unchanged, in the syntax XGBoost itself accepts.
    /// </summary>
    private static string Constraints(string key, JsonElement value, bool nested)
    {
        string expected = nested
            ? "an array of arrays of feature indices (or a string in XGBoost's syntax)"
            : "an array of -1, 0 or 1, one per feature (or a string in XGBoost's syntax)";
        string example = nested ? "[[0, 1], [2, 3]]" : "[1, 0, -1]";
        if (value.ValueKind == JsonValueKind.String) return value.GetString()!;
        if (value.ValueKind != JsonValueKind.Array) throw WrongType(key, expected, value, example);

        var text = new StringBuilder(nested ? "[" : "(");
        bool first = true;
        foreach (var item in value.EnumerateArray())
        {
            if (!first) text.Append(',');
            first = false;
            if (nested)
            {
                if (item.ValueKind != JsonValueKind.Array) throw WrongType(key, expected, value, example);
                text.Append('[');
                bool firstIndex = true;
                foreach (var index in item.EnumerateArray())
                {
                    if (index.ValueKind != JsonValueKind.Number || !index.TryGetInt32(out int i) || i < 0)
                        throw WrongType(key, expected, value, example);
                    if (!firstIndex) text.Append(',');
                    firstIndex = false;
                    text.Append(i.ToString(CultureInfo.InvariantCulture));
                }
                text.Append(']');
            }
            else
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out int c) || c < -1 || c > 1)
                    throw WrongType(key, expected, value, example);
                text.Append(c.ToString(CultureInfo.InvariantCulture));
            }
        }
        return text.Append(nested ? ']' : ')').ToString();
    }

    private static void CheckRange(string key, Spec spec, double d, JsonElement value)
    {
        bool tooLow = spec.MinExclusive ? d <= spec.Min : d < spec.Min;
        bool tooHigh = spec.MaxExclusive ? d >= spec.Max : d > spec.Max;
        if (tooLow || tooHigh) throw OutOfRange(key, spec, value);
    }

    private static InvalidParameterException OutOfRange(string key, Spec spec, JsonElement value)
    {
        string low = double.IsNegativeInfinity(spec.Min) ? "" : Bound(spec.Min);
        string high = double.IsPositiveInfinity(spec.Max) ? "" : Bound(spec.Max);
        string range = (low, high) switch
        {
            ("", _) => $"{(spec.MaxExclusive ? "less than" : "at most")} {high}",
            (_, "") => $"{(spec.MinExclusive ? "greater than" : "at least")} {low}",
            _ => $"{(spec.MinExclusive ? "greater than" : "at least")} {low} and {(spec.MaxExclusive ? "less than" : "at most")} {high}",
        };
        string type = spec.Kind == Kind.Integer ? "an integer" : "a number";
        return new InvalidParameterException(
            $"XGBoost hyperparameter \"{key}\" must be {type} {range}; got {ParameterText.Shorten(value.GetRawText())}",
            $"Set \"{key}\" to {type} {range}, or remove it to use the default.");
    }

    private static string Bound(double d) =>
        d >= long.MaxValue || d <= long.MinValue ? d.ToString("E3", CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture);

    private static InvalidParameterException WrongType(string key, string expected, JsonElement value, string example) =>
        new($"XGBoost hyperparameter \"{key}\" must be {expected}; got {ParameterText.Describe(value)}",
            $"Write it as e.g. {{\"{key}\": {example}}}, or remove it to use the default.");


}
