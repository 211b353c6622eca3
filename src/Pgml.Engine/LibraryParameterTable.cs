using System.Globalization;
using System.Text.Json;

namespace Pgml.Engine;

internal enum LibraryParameterKind { Number, Integer, String, Boolean, MonotoneConstraints, InteractionConstraints }

/// <summary>One parameter a native library accepts: its canonical name, aliases, JSON type and range.</summary>
internal sealed record LibraryParameterSpec(
    string Name, LibraryParameterKind Kind, string[] Aliases,
    double Min = double.NegativeInfinity, bool MinExclusive = false,
    double Max = double.PositiveInfinity, bool MaxExclusive = false,
    string[]? Choices = null);

/// <summary>
/// The parameter table of a native library (XGBoost, LightGBM): names and aliases, and the checks and messages for
/// scalar values, rendered as the text the library's own parameter parser reads. Library-specific syntaxes
/// (constraints) stay with each library.
/// </summary>
/// <param name="library">The library's name in messages ("XGBoost").</param>
/// <param name="derivedKeys">Keys pgml sets from the data (the class count), refused with that reason.</param>
/// <param name="trueText">How the library writes a boolean true (XGBoost "1", LightGBM "true"); false likewise.</param>
/// <param name="numberExample">An example number and integer for the type hints ("0.3", "6").</param>
internal sealed class LibraryParameterTable(string library, IReadOnlyList<LibraryParameterSpec> specs, string[] derivedKeys,
    string trueText, string falseText, string numberExample, string integerExample)
{
    private readonly Dictionary<string, LibraryParameterSpec> _byKey = Index(specs);

    /// <summary>Every accepted key, canonical names and aliases, sorted.</summary>
    public IReadOnlyList<string> ValidKeys => _validKeys ??= [.. _byKey.Keys.Order(StringComparer.Ordinal)];
    private string[]? _validKeys;

    public IReadOnlyList<LibraryParameterSpec> Specs => specs;

    /// <summary>The key's spec, or an error naming the valid keys (and the closest one).</summary>
    public LibraryParameterSpec Find(string key)
    {
        if (_byKey.TryGetValue(key, out var spec)) return spec;
        string all = string.Join(", ", ValidKeys);
        if (derivedKeys.Contains(key))
            throw new InvalidParameterException(
                $"{library} hyperparameter \"{key}\" cannot be set: it is taken from the number of classes in the training data",
                $"Remove it. Valid hyperparameters: {all}.");
        string? close = ParameterText.Closest(key, ValidKeys);
        throw new InvalidParameterException(
            $"unknown {library} hyperparameter \"{key}\"" + (close is null ? "" : $" (did you mean \"{close}\"?)"),
            $"Valid hyperparameters: {all}.");
    }

    /// <summary>Checks a number, integer, string or boolean against its spec and renders it as the library expects.</summary>
    public string ConvertScalar(string key, LibraryParameterSpec spec, JsonElement value)
    {
        switch (spec.Kind)
        {
            case LibraryParameterKind.Number:
            {
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double d) || !double.IsFinite(d))
                    throw WrongType(key, "a number", value, numberExample);
                CheckRange(key, spec, d, value);
                // shortest round-trip text, as Python's str(float) gives the library; its parser reads "1E-05" as well
                return d.ToString("R", CultureInfo.InvariantCulture);
            }
            case LibraryParameterKind.Integer:
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
                CheckRange(key, spec, n, value);
                return n.ToString(CultureInfo.InvariantCulture);
            }
            case LibraryParameterKind.String:
            {
                if (value.ValueKind != JsonValueKind.String)
                    throw WrongType(key, "a string", value, "\"value\"");
                string s = value.GetString()!;
                if (spec.Choices is not null && !spec.Choices.Contains(s))
                    throw new InvalidParameterException(
                        $"{library} hyperparameter \"{key}\" must be one of {string.Join(", ", spec.Choices)}; got \"{ParameterText.Shorten(s)}\"",
                        $"Use one of: {string.Join(", ", spec.Choices)}.");
                return s;
            }
            case LibraryParameterKind.Boolean:
                return value.ValueKind switch
                {
                    JsonValueKind.True => trueText,
                    JsonValueKind.False => falseText,
                    _ => throw WrongType(key, "a boolean", value, "true"),
                };
            default:
                throw new InvalidOperationException($"{spec.Kind} is not a scalar kind; the library's own parser handles it");
        }
    }

    public InvalidParameterException WrongType(string key, string expected, JsonElement value, string example) =>
        new($"{library} hyperparameter \"{key}\" must be {expected}; got {ParameterText.Describe(value)}",
            $"Write it as e.g. {{\"{key}\": {example}}}, or remove it to use the default.");

    private void CheckRange(string key, LibraryParameterSpec spec, double d, JsonElement value)
    {
        bool tooLow = spec.MinExclusive ? d <= spec.Min : d < spec.Min;
        bool tooHigh = spec.MaxExclusive ? d >= spec.Max : d > spec.Max;
        if (tooLow || tooHigh) throw OutOfRange(key, spec, value);
    }

    private InvalidParameterException OutOfRange(string key, LibraryParameterSpec spec, JsonElement value)
    {
        string type = spec.Kind == LibraryParameterKind.Integer ? "an integer" : "a number";
        bool int32 = spec.Kind == LibraryParameterKind.Integer && spec.Min <= int.MinValue && spec.Max >= int.MaxValue;
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

    private static Dictionary<string, LibraryParameterSpec> Index(IReadOnlyList<LibraryParameterSpec> specs)
    {
        var index = new Dictionary<string, LibraryParameterSpec>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            index.Add(spec.Name, spec);
            foreach (string alias in spec.Aliases) index.Add(alias, spec);
        }
        return index;
    }
}
