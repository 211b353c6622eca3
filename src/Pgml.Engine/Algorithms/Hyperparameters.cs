using System.Globalization;
using System.Text.Json;

namespace Pgml.Engine.Algorithms;

/// <summary>
/// The types of hyperparameter. <see cref="String"/> (any string, or one of <see cref="HyperparameterSpec.Choices"/>
/// in a native library's wording) and <see cref="Special"/> (a native library's own syntax, e.g. constraints, which
/// the library's parser converts) are used by the native libraries' tables; the others by pgml's algorithms.
/// </summary>
internal enum HyperparameterType { Number, Integer, Boolean, Choice, NumberOrChoice, CountOrFraction, String, Special }

/// <summary>
/// One accepted hyperparameter, of pgml's own algorithms (scikit-learn's names) or of a native library (XGBoost's or
/// LightGBM's names, with their <see cref="Aliases"/>): its name, type, default and valid range. For pgml's
/// algorithms a null default means the key may be JSON null (scikit-learn's None, e.g. max_depth or random_state);
/// the native libraries keep their own defaults, so their specs have none. <see cref="Ignored"/> keys are accepted for
/// compatibility and have no effect (n_jobs, verbose); their JSON text is kept (<see cref="Hyperparameters.Get"/>) so
/// that an algorithm can refuse a value other than the default. One table and parse skeleton serve every family
/// (<see cref="ParameterTable"/>).
/// </summary>
internal sealed record HyperparameterSpec(
    string Name, HyperparameterType Type, object? Default,
    double Min = double.NegativeInfinity, bool MinExclusive = false,
    double Max = double.PositiveInfinity, bool MaxExclusive = false,
    IReadOnlyList<string>? Choices = null, bool Ignored = false, IReadOnlyList<string>? Aliases = null)
{
    /// <summary>Within [Min, Max], each bound inclusive or exclusive as the spec says.</summary>
    public bool InRange(double v) => (MinExclusive ? v > Min : v >= Min) && (MaxExclusive ? v < Max : v <= Max);

    /// <summary>A string value this spec accepts: one of its choices (any string when it has none).</summary>
    public bool Allows(string value) => Choices is null || Choices.Contains(value);

    public static HyperparameterSpec Number(string name, double? @default, double min = double.NegativeInfinity, bool minExclusive = false,
        double max = double.PositiveInfinity, bool maxExclusive = false) =>
        new(name, HyperparameterType.Number, @default, min, minExclusive, max, maxExclusive);

    public static HyperparameterSpec Integer(string name, long? @default, long min = long.MinValue, long max = long.MaxValue) =>
        new(name, HyperparameterType.Integer, @default, min, false, max);

    public static HyperparameterSpec Boolean(string name, bool @default) => new(name, HyperparameterType.Boolean, @default);

    public static HyperparameterSpec Choice(string name, string? @default, params string[] choices) =>
        new(name, HyperparameterType.Choice, @default, Choices: choices);

    /// <summary>A number in a range or one of some words, e.g. gamma: "scale", "auto" or a positive float.</summary>
    public static HyperparameterSpec NumberOrChoice(string name, object? @default, string[] choices, double min = double.NegativeInfinity,
        bool minExclusive = false, double max = double.PositiveInfinity) =>
        new(name, HyperparameterType.NumberOrChoice, @default, min, minExclusive, max, Choices: choices);

    /// <summary>
    /// scikit-learn's int-or-float parameters (min_samples_leaf, max_features, max_samples): an integer literal is a
    /// count (at least <paramref name="minCount"/>, read as a long), a literal with a decimal point or exponent is a
    /// fraction in (0, 1) or (0, 1] (read as a double), so 1 means one and 1.0 means all; or one of some words.
    /// </summary>
    public static HyperparameterSpec CountOrFraction(string name, object? @default, long minCount, bool fractionUpToOne, params string[] words) =>
        new(name, HyperparameterType.CountOrFraction, @default, minCount, false, 1, !fractionUpToOne, Choices: words);

    public static HyperparameterSpec Accepted(string name) => new(name, HyperparameterType.NumberOrChoice, null, Ignored: true);

    public string Describe()
    {
        string range = Type switch
        {
            HyperparameterType.Boolean => "true or false",
            HyperparameterType.Choice => string.Join(" | ", Choices!.Select(c => $"\"{c}\"")),
            HyperparameterType.Integer => "an integer" + Range(),
            HyperparameterType.Number => "a number" + Range(),
            HyperparameterType.CountOrFraction => string.Concat(Choices!.Select(c => $"\"{c}\" | ")) +
                $"an integer >= {Min.ToString(CultureInfo.InvariantCulture)} or a fraction in (0, 1{(MaxExclusive ? ")" : "]")}",
            _ => Ignored ? "anything (accepted, no effect)" : string.Join(" | ", Choices!.Select(c => $"\"{c}\"")) + " or a number" + Range(),
        };
        return Default is null && !Ignored ? range + " or null" : range;
    }

    private string Range()
    {
        bool hasMin = !double.IsNegativeInfinity(Min) && Min > long.MinValue, hasMax = !double.IsPositiveInfinity(Max) && Max < long.MaxValue;
        string lo = hasMin ? (MinExclusive ? "> " : ">= ") + Min.ToString(CultureInfo.InvariantCulture) : "";
        string hi = hasMax ? (MaxExclusive ? "< " : "<= ") + Max.ToString(CultureInfo.InvariantCulture) : "";
        return hasMin || hasMax ? " " + string.Join(" and ", new[] { lo, hi }.Where(s => s.Length > 0)) : "";
    }
}

/// <summary>
/// Hyperparameters parsed from the JSON object SQL passes, checked against an algorithm's table of
/// <see cref="HyperparameterSpec"/>s: unknown keys, wrong types and out-of-range values are
/// <see cref="InvalidParameterException"/>s that name the algorithm and what it accepts. Values not given take the
/// spec's default.
/// </summary>
internal sealed class Hyperparameters
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _given = new(StringComparer.Ordinal);
    private readonly string _algorithm;

    private Hyperparameters(string algorithm) => _algorithm = algorithm;

    /// <summary>Keys the user gave that have no effect (<see cref="HyperparameterSpec.Ignored"/>).</summary>
    public IReadOnlyList<string> IgnoredKeys { get; private set; } = [];

    public static Hyperparameters Parse(string? json, string algorithm, IReadOnlyList<HyperparameterSpec> specs)
    {
        var result = new Hyperparameters(algorithm);
        foreach (var s in specs) result._values[s.Name] = s.Default;
        if (string.IsNullOrWhiteSpace(json)) return result;
        var ignored = new List<string>();
        foreach (var (key, spec, value) in new ParameterTable(specs).Parse(json, new ScikitLearnDialect(algorithm, specs)))
        {
            result._given.Add(key);
            if (spec.Ignored)
            {
                ignored.Add(key);
                if (value is not null) result._values[key] = value;
                continue;
            }
            result._values[key] = value;
        }
        result.IgnoredKeys = ignored;
        return result;
    }

    public bool IsGiven(string name) => _given.Contains(name);

    public double Number(string name) => Get(name) switch
    {
        double d => d,
        long l => l,
        var v => throw Misuse(name, v),
    };

    public int Integer(string name) => Get(name) switch
    {
        long l => checked((int)l),
        var v => throw Misuse(name, v),
    };

    public long Long(string name) => Get(name) switch
    {
        long l => l,
        var v => throw Misuse(name, v),
    };

    /// <summary>An integer that may be null (scikit-learn's None).</summary>
    public int? NullableInteger(string name) => Get(name) switch
    {
        null => null,
        long l => checked((int)l),
        var v => throw Misuse(name, v),
    };

    public long? NullableLong(string name) => Get(name) switch
    {
        null => null,
        long l => l,
        var v => throw Misuse(name, v),
    };

    public bool Boolean(string name) => Get(name) is bool b ? b : throw Misuse(name, Get(name));

    /// <summary>A Choice's word, or a NumberOrChoice's word (null when it holds a number or null).</summary>
    public string? Word(string name) => Get(name) as string;

    /// <summary>A NumberOrChoice's number, or null when it holds a word or null.</summary>
    public double? NumberOrNull(string name) => Get(name) switch
    {
        double d => d,
        long l => l,
        _ => null,
    };

    /// <summary>The raw value: double, long, bool, string or null.</summary>
    public object? Get(string name) =>
        _values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"{_algorithm} has no hyperparameter spec \"{name}\"", nameof(name));

    private InvalidOperationException Misuse(string name, object? v) =>
        new($"{_algorithm} hyperparameter \"{name}\" holds {v ?? "null"}, not the type asked for");

    /// <summary>pgml's algorithms' wording, and their typed values (double, long, bool, string or null).</summary>
    private sealed class ScikitLearnDialect(string algorithm, IReadOnlyList<HyperparameterSpec> specs) : IParameterDialect<object?>
    {
        public InvalidParameterException NotJson(JsonException e) =>
            new($"{algorithm} hyperparameters are not valid JSON: {e.Message}", Example(specs));

        public InvalidParameterException NotAnObject(JsonElement root) =>
            new($"{algorithm} hyperparameters must be a JSON object, got {ParameterText.Describe(root)}", Example(specs));

        public InvalidParameterException Unknown(string key)
        {
            string? closest = ParameterText.Closest(key, specs.Select(s => s.Name));
            return new InvalidParameterException(
                $"{algorithm} has no hyperparameter \"{key}\"" + (closest is null ? "" : $" (did you mean \"{closest}\"?)"),
                $"{algorithm} accepts: {string.Join(", ", specs.Where(s => !s.Ignored).Select(s => s.Name))}.");
        }

        public InvalidParameterException GivenTwice(string earlier, string key, HyperparameterSpec spec) =>
            new($"{algorithm} hyperparameter \"{key}\" is given twice", "Keep only one of them.");

        /// <summary>An ignored key keeps its JSON text (null for JSON null); the others their typed value.</summary>
        public object? Convert(string key, HyperparameterSpec spec, JsonElement value) =>
            spec.Ignored ? (value.ValueKind == JsonValueKind.Null ? null : value.GetRawText()) : Typed(algorithm, spec, value);
    }

    private static object? Typed(string algorithm, HyperparameterSpec spec, JsonElement value)
    {
        InvalidParameterException Bad() => new(
            $"{algorithm} hyperparameter \"{spec.Name}\" must be {spec.Describe()}, got {ParameterText.Describe(value)}",
            (spec.Default is null ? $"Remove \"{spec.Name}\" to use the default." :
                $"Remove \"{spec.Name}\" to use the default ({FormatDefault(spec.Default)}).")
            + (spec.Type == HyperparameterType.CountOrFraction ? " Write a fraction with a decimal point (1.0 is all, 1 is one)." : ""));
        if (value.ValueKind == JsonValueKind.Null)
            return spec.Default is null ? null : throw Bad();
        switch (spec.Type)
        {
            case HyperparameterType.Boolean:
                return value.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw Bad() };
            case HyperparameterType.Choice:
                return value.ValueKind == JsonValueKind.String && spec.Allows(value.GetString()!) ? value.GetString() : throw Bad();
            case HyperparameterType.Integer:
                // 3.0 is accepted as 3 (JSON has one number type); 3.5 is not
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double i) || i != Math.Floor(i)) throw Bad();
                if (!spec.InRange(i) || Math.Abs(i) > 9e15) throw Bad();
                return (long)i;
            case HyperparameterType.Number:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double d) || !double.IsFinite(d) || !spec.InRange(d)) throw Bad();
                return d;
            case HyperparameterType.CountOrFraction:
            {
                if (value.ValueKind == JsonValueKind.String)
                    return spec.Choices!.Contains(value.GetString()!) ? value.GetString() : throw Bad();
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double x) || !double.IsFinite(x)) throw Bad();
                if (IsIntegerLiteral(value))
                    return x >= spec.Min && x <= int.MaxValue ? (long)x : throw Bad();
                return x > 0 && (spec.MaxExclusive ? x < 1 : x <= 1) ? x : throw Bad();
            }
            case HyperparameterType.NumberOrChoice:
                if (value.ValueKind == JsonValueKind.String)
                    return spec.Choices!.Contains(value.GetString()!) ? value.GetString() : throw Bad();
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double n) || !double.IsFinite(n) || !spec.InRange(n)) throw Bad();
                return n == Math.Floor(n) && Math.Abs(n) < 9e15 && IsIntegerLiteral(value) ? (object)(long)n : n;
            default:
                throw new InvalidOperationException($"{spec.Type} is a native library's type; pgml's algorithms do not use it");
        }
    }

    /// <summary>Written without a decimal point or exponent: JSON has one number type, scikit-learn tells 1 from 1.0.</summary>
    private static bool IsIntegerLiteral(JsonElement v)
    {
        string raw = v.GetRawText();
        return !raw.Contains('.') && !raw.Contains('e', StringComparison.OrdinalIgnoreCase);
    }

    private static string FormatDefault(object d) => d switch
    {
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        double x => x.ToString("R", CultureInfo.InvariantCulture),
        _ => System.Convert.ToString(d, CultureInfo.InvariantCulture) ?? "",
    };

    private static string Example(IReadOnlyList<HyperparameterSpec> specs)
    {
        var first = specs.FirstOrDefault(s => !s.Ignored && s.Default is not null);
        return first is null ? "Pass a JSON object, e.g. '{}'." : $"Pass a JSON object, e.g. '{{\"{first.Name}\": {FormatDefault(first.Default!)}}}'.";
    }
}
