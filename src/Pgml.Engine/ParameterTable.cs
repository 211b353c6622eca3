using System.Text.Json;
using Pgml.Engine.Algorithms;

namespace Pgml.Engine;

/// <summary>A key the user gave, as written, with its spec and its value converted by the family's dialect.</summary>
internal readonly record struct ParsedParameter<T>(string Key, HyperparameterSpec Spec, T Value);

/// <summary>
/// Where the families of hyperparameters differ (scikit-learn-style algorithms, XGBoost, LightGBM): the wording of
/// each refusal, and how a value is checked and converted (typed values for pgml's own algorithms, a library's text
/// for a native library, whose special keys such as constraints have their own syntax).
/// </summary>
internal interface IParameterDialect<T>
{
    InvalidParameterException NotJson(JsonException e);

    InvalidParameterException NotAnObject(JsonElement root);

    /// <summary>A key that is in no spec.</summary>
    InvalidParameterException Unknown(string key);

    /// <summary>A key whose parameter was already given, under <paramref name="earlier"/> (the same key or an alias).</summary>
    InvalidParameterException GivenTwice(string earlier, string key, HyperparameterSpec spec);

    /// <summary>Checks <paramref name="value"/> against <paramref name="spec"/> and converts it, or throws.</summary>
    T Convert(string key, HyperparameterSpec spec, JsonElement value);
}

/// <summary>
/// A table of known hyperparameters (<see cref="HyperparameterSpec"/>s, found by name or alias), and the one parse
/// skeleton every family uses: the text must be a JSON object; every key must be known, given once (under any of its
/// names), and hold a value its spec accepts. The dialect words the refusals and converts the values.
/// </summary>
internal sealed class ParameterTable
{
    private readonly Dictionary<string, HyperparameterSpec> _byKey = new(StringComparer.Ordinal);

    public ParameterTable(IReadOnlyList<HyperparameterSpec> specs)
    {
        Specs = specs;
        foreach (var spec in specs)
        {
            _byKey.Add(spec.Name, spec);
            foreach (string alias in spec.Aliases ?? []) _byKey.Add(alias, spec);
        }
        Keys = [.. _byKey.Keys];
        SortedKeys = [.. _byKey.Keys.Order(StringComparer.Ordinal)];
    }

    public IReadOnlyList<HyperparameterSpec> Specs { get; }

    /// <summary>Every accepted key (names and aliases) in the table's order.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>Every accepted key, sorted.</summary>
    public IReadOnlyList<string> SortedKeys { get; }

    public HyperparameterSpec? Find(string key) => _byKey.GetValueOrDefault(key);

    /// <summary>
    /// Parses a JSON object into its keys in the order given; the caller handles null (no hyperparameters). Lazy: each
    /// key is checked as the caller reaches it, so the caller's own checks of a key (an objective that does not fit the
    /// task) come in the same order as the table's, and the first bad key is the one reported.
    /// </summary>
    public IEnumerable<ParsedParameter<T>> Parse<T>(string json, IParameterDialect<T> dialect)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw dialect.NotJson(e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw dialect.NotAnObject(root);
            var given = new Dictionary<string, string>(StringComparer.Ordinal);   // spec name -> key as written
            foreach (var property in root.EnumerateObject())
            {
                string key = property.Name;
                var spec = Find(key) ?? throw dialect.Unknown(key);
                if (given.TryGetValue(spec.Name, out string? earlier)) throw dialect.GivenTwice(earlier, key, spec);
                given.Add(spec.Name, key);
                yield return new ParsedParameter<T>(key, spec, dialect.Convert(key, spec, property.Value));
            }
        }
    }
}
