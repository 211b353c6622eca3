using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Pgml.Engine.Preprocessing;

/// <summary>How a column's values become model inputs. JSON: "native", "target", "one_hot", {"ordinal": [..]}.</summary>
public enum EncodeKind
{
    /// <summary>Numbers as they are; text as its category id (categories sorted by UTF-8 bytes).</summary>
    Native,

    /// <summary>Text as the mean label of its category over the training rows.</summary>
    Target,

    /// <summary>Text as one 0/1 output per category.</summary>
    OneHot,

    /// <summary>Text as its 0-based index in the user's list.</summary>
    Ordinal,
}

/// <summary>What replaces a missing value (NULL, or a category not seen in training).</summary>
public enum ImputeKind
{
    /// <summary>pgml's default: the value stays missing (NaN), which XGBoost handles natively.</summary>
    None,

    /// <summary>PostgresML's default: a missing value is an error.</summary>
    Error,
    Mean,
    Median,
    Mode,
    Min,
    Max,
    Zero,
}

/// <summary>How a value is scaled after imputation.</summary>
public enum ScaleKind
{
    Preserve,

    /// <summary>(x - mean) / population standard deviation.</summary>
    Standard,

    /// <summary>(x - min) / (max - min).</summary>
    MinMax,

    /// <summary>x / max |x|.</summary>
    MaxAbs,

    /// <summary>(x - median) / (75th - 25th percentile).</summary>
    Robust,
}

/// <summary>The preprocessor of one column. <see cref="Ordinal"/> is the category order when Encode is Ordinal.</summary>
public sealed record ColumnPreprocess(EncodeKind Encode, ImputeKind Impute, ScaleKind Scale, IReadOnlyList<string>? Ordinal = null)
{
    /// <summary>encode native, impute none, scale preserve.</summary>
    public static ColumnPreprocess Default { get; } = new(EncodeKind.Native, ImputeKind.None, ScaleKind.Preserve);
}

/// <summary>
/// A validated PostgresML preprocess argument: <c>{"column": {"encode": .., "impute": .., "scale": ..}}</c>, resolved to
/// one <see cref="ColumnPreprocess"/> per raw position (an array column's preprocessor applies to each element).
/// Defaults per column: encode native, impute none, scale preserve.
/// </summary>
public sealed class PreprocessSpec
{
    internal static readonly string[] EncodeNames = ["native", "target", "one_hot", "ordinal"];
    internal static readonly string[] ImputeNames = ["none", "error", "mean", "median", "mode", "min", "max", "zero"];
    internal static readonly string[] ScaleNames = ["preserve", "standard", "min_max", "max_abs", "robust"];

    private readonly Dictionary<string, ColumnPreprocess> _byColumn;
    private readonly List<string> _columns;

    private PreprocessSpec(IReadOnlyList<RawFeature> features, List<string> columns, Dictionary<string, ColumnPreprocess> byColumn)
    {
        Features = features;
        _columns = columns;
        _byColumn = byColumn;
        var positions = new ColumnPreprocess[features.Count];
        for (int p = 0; p < positions.Length; p++) positions[p] = byColumn[features[p].Column];
        Positions = positions;
    }

    public IReadOnlyList<RawFeature> Features { get; }

    /// <summary>The distinct columns of <see cref="Features"/>, in order of first position.</summary>
    public IReadOnlyList<string> Columns => _columns;

    /// <summary>The preprocessor of each raw position.</summary>
    public IReadOnlyList<ColumnPreprocess> Positions { get; }

    public ColumnPreprocess ForColumn(string column) =>
        _byColumn.TryGetValue(column, out var c) ? c : throw new ArgumentException($"\"{column}\" is not a feature column", nameof(column));

    /// <summary>Every column with the defaults.</summary>
    public static PreprocessSpec Default(IReadOnlyList<RawFeature> features) => Parse(null, features);

    /// <summary>Validates <paramref name="json"/> (null, empty or whitespace = all defaults) against the features.</summary>
    /// <exception cref="InvalidParameterException">The JSON or one of its values is invalid.</exception>
    public static PreprocessSpec Parse(string? json, IReadOnlyList<RawFeature> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var columns = new List<string>();
        var kinds = new Dictionary<string, FeatureKind>(StringComparer.Ordinal);
        var seenPositions = new HashSet<(string, int)>();
        foreach (var f in features)
        {
            if (!seenPositions.Add((f.Column, f.Element)))
                throw new ArgumentException($"raw position {f.Name} is listed twice", nameof(features));
            if (kinds.TryGetValue(f.Column, out var k))
            {
                if (k != f.Kind) throw new ArgumentException($"column {f.Column} mixes numeric and categorical positions", nameof(features));
            }
            else
            {
                kinds.Add(f.Column, f.Kind);
                columns.Add(f.Column);
            }
        }

        var byColumn = new Dictionary<string, ColumnPreprocess>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(json))
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(json);
            }
            catch (JsonException e)
            {
                throw new InvalidParameterException($"preprocess is not valid JSON: {e.Message}", ExampleHint);
            }
            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                    throw new InvalidParameterException(
                        $"preprocess must be a JSON object keyed by column name, got {Show(root)}", ExampleHint);
                foreach (var property in root.EnumerateObject())
                {
                    string column = property.Name;
                    if (!kinds.TryGetValue(column, out var kind)) throw UnknownColumn(column, columns);
                    if (byColumn.ContainsKey(column))
                        throw new InvalidParameterException($"preprocess names column \"{column}\" twice",
                            "Give each column one object with all its settings, e.g. {\"" + column + "\": {\"impute\": \"mean\", \"scale\": \"standard\"}}.");
                    byColumn.Add(column, ParseColumn(column, kind, property.Value));
                }
            }
        }
        foreach (var c in columns) byColumn.TryAdd(c, ColumnPreprocess.Default);
        return new PreprocessSpec(features, columns, byColumn);
    }

    private const string ExampleHint = "Pass a JSON object such as '{\"age\": {\"impute\": \"mean\", \"scale\": \"standard\"}, \"city\": {\"encode\": \"one_hot\"}}'.";

    private static ColumnPreprocess ParseColumn(string column, FeatureKind kind, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new InvalidParameterException(
                $"the preprocessor of column \"{column}\" must be a JSON object with encode, impute and/or scale, got {Show(value)}",
                "Write e.g. {\"" + column + "\": {\"impute\": \"mean\"}}.");

        var encode = EncodeKind.Native;
        var impute = ImputeKind.None;
        var scale = ScaleKind.Preserve;
        string[]? ordinal = null;
        string? encodeText = null, imputeText = null, scaleText = null;
        foreach (var p in value.EnumerateObject())
        {
            switch (p.Name)
            {
                case "encode":
                    if (encodeText != null) throw Twice(column, p.Name);
                    encodeText = p.Value.GetRawText();
                    (encode, ordinal) = ParseEncode(column, p.Value);
                    break;
                case "impute":
                    if (imputeText != null) throw Twice(column, p.Name);
                    imputeText = p.Value.GetRawText();
                    impute = (ImputeKind)ParseName(column, "impute", p.Value, ImputeNames);
                    break;
                case "scale":
                    if (scaleText != null) throw Twice(column, p.Name);
                    scaleText = p.Value.GetRawText();
                    scale = (ScaleKind)ParseName(column, "scale", p.Value, ScaleNames);
                    break;
                default:
                    throw new InvalidParameterException(
                        $"unknown preprocessor setting \"{p.Name}\" for column \"{column}\": expected encode, impute or scale",
                        Suggest(p.Name, ["encode", "impute", "scale"]) ?? "Use only the keys encode, impute and scale.");
            }
        }

        // PostgresML's rules, checked before any data is read.
        if (encode != EncodeKind.Native && kind == FeatureKind.Numeric)
            throw new InvalidParameterException(
                $"It does not make sense to encode a continuous variable: column \"{column}\" is numeric, but its preprocessor says {{\"encode\": {encodeText}}}",
                "Remove \"encode\" for this column (numbers are used natively), or cast the column to text in a VIEW to treat its values as categories.");
        if (kind == FeatureKind.Categorical && encode != EncodeKind.Target && impute is ImputeKind.Mean or ImputeKind.Median)
            throw new InvalidParameterException(
                $"impute {imputeText} is not possible for the categorical column \"{column}\" unless it is also encoded with {{\"encode\": \"target\"}}: text has no {Name(impute)}",
                "Use {\"impute\": \"mode\"} to fill missing values with the most frequent category, or add {\"encode\": \"target\"}.");
        if (encode == EncodeKind.OneHot && scale != ScaleKind.Preserve)
            throw new InvalidParameterException(
                $"scale {scaleText} cannot be combined with encode \"one_hot\" for column \"{column}\": one-hot outputs are 0 or 1",
                "Remove \"scale\" for this column, or use encode native, ordinal or target.");
        return new ColumnPreprocess(encode, impute, scale, ordinal);
    }

    private static (EncodeKind, string[]?) ParseEncode(string column, JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.String)
        {
            string s = v.GetString()!;
            int i = Array.IndexOf(EncodeNames, s);
            if (i >= 0 && i != (int)EncodeKind.Ordinal) return ((EncodeKind)i, null);
            throw InvalidEncode(column, v, s == "none"
                ? "PostgresML's documentation calls it \"none\", but the value is \"native\"."
                : s == "ordinal" ? "ordinal needs the order of the values: {\"encode\": {\"ordinal\": [\"low\", \"medium\", \"high\"]}}."
                : Suggest(s, EncodeNames));
        }
        if (v.ValueKind != JsonValueKind.Object) throw InvalidEncode(column, v);
        string[]? list = null;
        foreach (var p in v.EnumerateObject())
        {
            if (p.Name != "ordinal" || list != null) throw InvalidEncode(column, v);
            if (p.Value.ValueKind != JsonValueKind.Array) throw InvalidEncode(column, v);
            var values = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var e in p.Value.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.String)
                    throw new InvalidParameterException(
                        $"the ordinal list of column \"{column}\" must hold strings (the column's text values), got {Show(e)}",
                        "Quote every value, e.g. {\"encode\": {\"ordinal\": [\"low\", \"medium\", \"high\"]}}.");
                string s = e.GetString()!;
                if (!seen.Add(s))
                    throw new InvalidParameterException(
                        $"the ordinal list of column \"{column}\" names \"{s}\" twice",
                        "List each value once, in increasing order.");
                values.Add(s);
            }
            if (values.Count == 0)
                throw new InvalidParameterException($"the ordinal list of column \"{column}\" is empty",
                    "List the column's values in increasing order, e.g. {\"encode\": {\"ordinal\": [\"low\", \"medium\", \"high\"]}}.");
            list = [.. values];
        }
        if (list == null) throw InvalidEncode(column, v);
        return (EncodeKind.Ordinal, list);
    }

    private static InvalidParameterException InvalidEncode(string column, JsonElement v, string? hint = null) => new(
        $"invalid encode {Show(v)} for column \"{column}\": expected \"native\", \"target\", \"one_hot\" or {{\"ordinal\": [..]}}",
        hint ?? "Write e.g. {\"encode\": \"one_hot\"} or {\"encode\": {\"ordinal\": [\"low\", \"medium\", \"high\"]}}.");

    private static int ParseName(string column, string setting, JsonElement v, string[] names)
    {
        string? given = v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        int i = given == null ? -1 : Array.IndexOf(names, given);
        if (i >= 0) return i;
        throw new InvalidParameterException(
            $"invalid {setting} {Show(v)} for column \"{column}\": expected {JoinQuoted(names, "or")}",
            (given == null ? null : Suggest(given, names)) ?? $"Write e.g. {{\"{setting}\": \"{names[2]}\"}}.");
    }

    private static InvalidParameterException Twice(string column, string key) =>
        new($"the preprocessor of column \"{column}\" sets \"{key}\" twice", "Set each of encode, impute and scale once.");

    private static InvalidParameterException UnknownColumn(string column, List<string> columns)
    {
        string? similar = columns.FirstOrDefault(c => string.Equals(c, column, StringComparison.OrdinalIgnoreCase));
        return new InvalidParameterException(
            $"preprocess names \"{column}\", which is not a feature column: expected one of {JoinQuoted(columns, "or")}",
            similar != null
                ? $"Column names are case-sensitive: did you mean \"{similar}\"?"
                : "Name feature columns of the relation (not the label); column names are case-sensitive.");
    }

    private static string? Suggest(string given, IEnumerable<string> valid)
    {
        string? m = valid.FirstOrDefault(v => string.Equals(v, given, StringComparison.OrdinalIgnoreCase)
            || string.Equals(v.Replace("_", ""), given.Replace("_", "").Replace("-", ""), StringComparison.OrdinalIgnoreCase));
        return m == null ? null : $"Did you mean \"{m}\"? Values are lowercase snake_case.";
    }

    internal static string JoinQuoted(IReadOnlyList<string> items, string conjunction, int max = 30)
    {
        var sb = new StringBuilder();
        int shown = Math.Min(items.Count, max);
        for (int i = 0; i < shown; i++)
        {
            if (i > 0) sb.Append(i == items.Count - 1 ? $" {conjunction} " : ", ");
            sb.Append('"').Append(items[i]).Append('"');
        }
        if (items.Count > shown) sb.Append($", ... ({items.Count - shown} more)");
        return sb.ToString();
    }

    private static string Show(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => $"an object {Truncate(e.GetRawText())}",
        JsonValueKind.Array => $"an array {Truncate(e.GetRawText())}",
        _ => Truncate(e.GetRawText()),
    };

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..77] + "...";

    internal static string Name(EncodeKind e) => EncodeNames[(int)e];
    internal static string Name(ImputeKind i) => ImputeNames[(int)i];
    internal static string Name(ScaleKind s) => ScaleNames[(int)s];

    /// <summary>The normalized spec: every column with all three settings, in column order.</summary>
    public string ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            WriteTo(w);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    internal void WriteTo(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        foreach (var column in _columns)
        {
            var c = _byColumn[column];
            w.WriteStartObject(column);
            if (c.Encode == EncodeKind.Ordinal)
            {
                w.WriteStartObject("encode");
                w.WriteStartArray("ordinal");
                foreach (var s in c.Ordinal!) w.WriteStringValue(s);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            else
            {
                w.WriteString("encode", Name(c.Encode));
            }
            w.WriteString("impute", Name(c.Impute));
            w.WriteString("scale", Name(c.Scale));
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    public override string ToString() => ToJson();
}
