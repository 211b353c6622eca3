using System.Globalization;
using System.Text.Json;
using Pgml.Engine.Algorithms;

namespace Pgml.Engine;

/// <summary>
/// The parameter table of a native library (XGBoost, LightGBM) on the shared <see cref="ParameterTable"/>: its
/// wording of the refusals, and scalar values rendered as the text the library's own parameter parser reads. What
/// differs between the libraries comes in as arguments: the keys pgml derives from the data, the boolean spelling,
/// the example values, and the hook that converts the library's special keys (constraint syntaxes).
/// </summary>
/// <param name="library">The library's name in messages ("XGBoost").</param>
/// <param name="derivedKeys">Keys pgml sets from the data (the class count), refused with that reason.</param>
/// <param name="trueText">How the library writes a boolean true (XGBoost "1", LightGBM "true"); false likewise.</param>
/// <param name="numberExample">An example number and integer for the type hints ("0.3", "6").</param>
/// <param name="exampleHint">The hint for text that is not a JSON object.</param>
/// <param name="namesCanonicalWhenGivenTwice">Whether "given twice under two names" names the canonical parameter.</param>
/// <param name="special">Converts a value of a <see cref="HyperparameterType.Special"/> spec (key, spec, value).</param>
internal sealed class LibraryParameterTable(string library, IReadOnlyList<HyperparameterSpec> specs, string[] derivedKeys,
    string trueText, string falseText, string numberExample, string integerExample, string exampleHint,
    bool namesCanonicalWhenGivenTwice, Func<LibraryParameterTable, string, HyperparameterSpec, JsonElement, string> special)
    : IParameterDialect<string>
{
    private readonly ParameterTable _table = new(specs);

    public static HyperparameterSpec Number(string name, string[] aliases, double min = double.NegativeInfinity, bool minExclusive = false,
        double max = double.PositiveInfinity, bool maxExclusive = false) =>
        new(name, HyperparameterType.Number, null, min, minExclusive, max, maxExclusive, Aliases: aliases);

    public static HyperparameterSpec Integer(string name, string[] aliases, double min = double.NegativeInfinity, double max = double.PositiveInfinity) =>
        new(name, HyperparameterType.Integer, null, min, false, max, Aliases: aliases);

    /// <summary>A string, any or one of <paramref name="choices"/>.</summary>
    public static HyperparameterSpec String(string name, string[] aliases, string[]? choices = null) =>
        new(name, HyperparameterType.String, null, Choices: choices, Aliases: aliases);

    public static HyperparameterSpec Boolean(string name, string[] aliases) => new(name, HyperparameterType.Boolean, null, Aliases: aliases);

    /// <summary>A key in the library's own syntax, converted by the table's special hook.</summary>
    public static HyperparameterSpec Special(string name, string[] aliases) => new(name, HyperparameterType.Special, null, Aliases: aliases);

    /// <summary>Every accepted key, canonical names and aliases, sorted.</summary>
    public IReadOnlyList<string> ValidKeys => _table.SortedKeys;

    public IReadOnlyList<HyperparameterSpec> Specs => specs;

    /// <summary>The keys given, in order, with their values as the library's text.</summary>
    public IEnumerable<ParsedParameter<string>> Parse(string json) => _table.Parse(json, this);

    public InvalidParameterException NotJson(JsonException e) =>
        new($"{library} hyperparameters are not valid JSON: {e.Message}", exampleHint);

    public InvalidParameterException NotAnObject(JsonElement root) =>
        new($"{library} hyperparameters must be a JSON object, got {ParameterText.Describe(root)}", exampleHint);

    /// <summary>An error naming the valid keys (and the closest one), or why a derived key cannot be set.</summary>
    public InvalidParameterException Unknown(string key)
    {
        string all = string.Join(", ", ValidKeys);
        if (derivedKeys.Contains(key))
            return new InvalidParameterException(
                $"{library} hyperparameter \"{key}\" cannot be set: it is taken from the number of classes in the training data",
                $"Remove it. Valid hyperparameters: {all}.");
        string? close = ParameterText.Closest(key, ValidKeys);
        return new InvalidParameterException(
            $"unknown {library} hyperparameter \"{key}\"" + (close is null ? "" : $" (did you mean \"{close}\"?)"),
            $"Valid hyperparameters: {all}.");
    }

    public InvalidParameterException GivenTwice(string earlier, string key, HyperparameterSpec spec) =>
        new(earlier == key
                ? $"{library} hyperparameter \"{key}\" is given twice"
                : $"{library} hyperparameters \"{earlier}\" and \"{key}\" are the same parameter" +
                  (namesCanonicalWhenGivenTwice ? $" ({spec.Name})" : "") + ", given twice",
            "Keep only one of them.");

    /// <summary>Checks a value against its spec and renders it as the library expects; special keys go to the hook.</summary>
    public string Convert(string key, HyperparameterSpec spec, JsonElement value)
    {
        switch (spec.Type)
        {
            case HyperparameterType.Number:
            {
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double d) || !double.IsFinite(d))
                    throw WrongType(key, "a number", value, numberExample);
                if (!spec.InRange(d)) throw OutOfRange(key, spec, value);
                // shortest round-trip text, as Python's str(float) gives the library; its parser reads "1E-05" as well
                return d.ToString("R", CultureInfo.InvariantCulture);
            }
            case HyperparameterType.Integer:
            {
                // jsonb keeps 4.0 as written, so integral numbers in any notation are accepted.
                if (value.ValueKind != JsonValueKind.Number)
                    throw WrongType(key, "an integer", value, integerExample);
                if (!value.TryGetInt64(out long n))
                {
                    if (!value.TryGetDouble(out double d) || Math.Floor(d) != d)
                        throw WrongType(key, "an integer", value, integerExample);
                    if (d < spec.Min || d > spec.Max) throw OutOfRange(key, spec, value);
                    n = (long)d;
                }
                if (!spec.InRange(n)) throw OutOfRange(key, spec, value);
                return n.ToString(CultureInfo.InvariantCulture);
            }
            case HyperparameterType.String:
            {
                if (value.ValueKind != JsonValueKind.String)
                    throw WrongType(key, "a string", value, "\"value\"");
                string s = value.GetString()!;
                if (!spec.Allows(s))
                    throw new InvalidParameterException(
                        $"{library} hyperparameter \"{key}\" must be one of {string.Join(", ", spec.Choices!)}; got \"{ParameterText.Shorten(s)}\"",
                        $"Use one of: {string.Join(", ", spec.Choices!)}.");
                return s;
            }
            case HyperparameterType.Boolean:
                return value.ValueKind switch
                {
                    JsonValueKind.True => trueText,
                    JsonValueKind.False => falseText,
                    _ => throw WrongType(key, "a boolean", value, "true"),
                };
            case HyperparameterType.Special:
                return special(this, key, spec, value);
            default:
                throw new InvalidOperationException($"{spec.Type} is a type of pgml's algorithms; a native library's table does not use it");
        }
    }

    public InvalidParameterException WrongType(string key, string expected, JsonElement value, string example) =>
        new($"{library} hyperparameter \"{key}\" must be {expected}; got {ParameterText.Describe(value)}",
            $"Write it as e.g. {{\"{key}\": {example}}}, or remove it to use the default.");

    private InvalidParameterException OutOfRange(string key, HyperparameterSpec spec, JsonElement value)
    {
        string type = spec.Type == HyperparameterType.Integer ? "an integer" : "a number";
        bool int32 = spec.Type == HyperparameterType.Integer && spec.Min <= int.MinValue && spec.Max >= int.MaxValue;
        bool noLow = double.IsNegativeInfinity(spec.Min), noHigh = double.IsPositiveInfinity(spec.Max);
        string low = Bound(spec.Min), high = Bound(spec.Max);
        string range = int32 ? "that fits in 32 bits" : (noLow, noHigh) switch
        {
            (true, _) => $"{(spec.MaxExclusive ? "less than" : "at most")} {high}",
            (_, true) => $"{(spec.MinExclusive ? "greater than" : "at least")} {low}",
            _ => $"{(spec.MinExclusive ? "greater than" : "at least")} {low} and {(spec.MaxExclusive ? "less than" : "at most")} {high}",
        };
        return new InvalidParameterException(
            $"{library} hyperparameter \"{key}\" must be {type} {range}; got {ParameterText.Shorten(value.GetRawText())}",
            $"Set \"{key}\" to {type} {range}, or remove it to use the default.");
    }

    private static string Bound(double d) =>
        d >= long.MaxValue || d <= long.MinValue ? d.ToString("E3", CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture);
}
