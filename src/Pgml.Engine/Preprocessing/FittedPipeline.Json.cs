using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Pgml.Engine.Models;

namespace Pgml.Engine.Preprocessing;

public sealed partial class FittedPipeline
{
    public const int FormatVersion = 1;
    public const string FileName = "preprocess.json";

    /// <summary>
    /// The pipeline as JSON: format_version, train_rows, the normalized preprocess spec (PostgresML's format, every
    /// column with all settings), and per raw position its statistics and categories (text, value, training rows).
    /// Deterministic; doubles are written in shortest round-trip form, so <see cref="FromJson"/> transforms
    /// bit-identically. NaN statistics are null; infinities are the strings "Infinity" / "-Infinity".
    /// </summary>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps non-ASCII categories readable for users looking at pgml.files.
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("format_version", FormatVersion);
            w.WriteNumber("train_rows", TrainRows);
            w.WritePropertyName("preprocess");
            Spec.WriteTo(w);
            w.WriteStartArray("features");
            for (int p = 0; p < InputWidth; p++)
            {
                var f = Features[p];
                var s = Statistics[p];
                w.WriteStartObject();
                w.WriteString("name", f.Name);
                w.WriteString("column", f.Column);
                w.WriteNumber("element", f.Element);
                w.WriteString("kind", f.Kind == FeatureKind.Categorical ? "categorical" : "numeric");
                w.WriteStartObject("statistics");
                w.WriteNumber("count", s.Count);
                w.WriteNumber("missing", s.Missing);
                w.WriteNumber("distinct", s.Distinct);
                WriteDouble(w, "min", s.Min);
                WriteDouble(w, "max", s.Max);
                WriteDouble(w, "max_abs", s.MaxAbs);
                WriteDouble(w, "mean", s.Mean);
                WriteDouble(w, "std_dev", s.StdDev);
                WriteDouble(w, "median", s.Median);
                WriteDouble(w, "mode", s.Mode);
                WriteDouble(w, "p25", s.P25);
                WriteDouble(w, "p75", s.P75);
                w.WriteEndObject();
                if (_categories[p] is { } cats)
                {
                    w.WriteStartArray("categories");
                    foreach (var c in cats)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", c.Name);
                        WriteDouble(w, "value", c.Value);
                        w.WriteNumber("members", c.Members);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads what <see cref="ToJson"/> wrote.</summary>
    /// <exception cref="ModelFormatException">Not valid, or written by a newer pgml.</exception>
    public static FittedPipeline FromJson(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = VersionedJson.Open(json, FormatVersion, "the model's preprocessing pipeline");
            var root = doc.RootElement;
            long trainRows = root.GetProperty("train_rows").GetInt64();
            if (trainRows < 0) throw Invalid($"train_rows {trainRows}");

            var items = root.GetProperty("features");
            var features = new List<RawFeature>();
            foreach (var f in items.EnumerateArray())
            {
                string column = f.GetProperty("column").GetString() ?? throw Invalid("a feature without a column");
                int element = f.GetProperty("element").GetInt32();
                if (element < -1) throw Invalid($"element {element} of column {column}");
                var kind = f.GetProperty("kind").GetString() switch
                {
                    "numeric" => FeatureKind.Numeric,
                    "categorical" => FeatureKind.Categorical,
                    var k => throw Invalid($"feature kind \"{k}\""),
                };
                features.Add(new RawFeature(column, element, kind));
            }
            var spec = PreprocessSpec.Parse(root.GetProperty("preprocess").GetRawText(), features);

            int n = features.Count;
            var statistics = new FeatureStatistics[n];
            var vocabularies = new Utf8Vocabulary?[n];
            var categories = new Category[]?[n];
            int p = 0;
            foreach (var f in items.EnumerateArray())
            {
                var s = f.GetProperty("statistics");
                statistics[p] = new FeatureStatistics(
                    s.GetProperty("count").GetInt64(), s.GetProperty("missing").GetInt64(), s.GetProperty("distinct").GetInt64(),
                    ReadDouble(s, "min"), ReadDouble(s, "max"), ReadDouble(s, "max_abs"), ReadDouble(s, "mean"), ReadDouble(s, "std_dev"),
                    ReadDouble(s, "median"), ReadDouble(s, "mode"), ReadDouble(s, "p25"), ReadDouble(s, "p75"));
                bool hasCategories = f.TryGetProperty("categories", out var cs);
                if (features[p].Kind == FeatureKind.Categorical)
                {
                    if (!hasCategories) throw Invalid($"no categories for the categorical feature {features[p].Name}");
                    var encode = spec.Positions[p].Encode;
                    var vocabulary = new Utf8Vocabulary(cs.GetArrayLength());
                    var list = new List<Category>();
                    foreach (var c in cs.EnumerateArray())
                    {
                        string name = c.GetProperty("name").GetString() ?? throw Invalid($"a category of {features[p].Name} without a name");
                        if (vocabulary.GetOrAdd(Encoding.UTF8.GetBytes(name)) != list.Count)
                            throw Invalid($"category \"{name}\" of {features[p].Name} appears twice");
                        double value = ReadDouble(c, "value");
                        if (encode != EncodeKind.Target && value != list.Count)
                            throw Invalid($"category \"{name}\" of {features[p].Name} has value {value}, expected its id {list.Count}");
                        list.Add(new Category(name, value, c.GetProperty("members").GetInt64()));
                    }
                    vocabularies[p] = vocabulary;
                    categories[p] = [.. list];
                }
                else if (hasCategories)
                {
                    throw Invalid($"categories for the numeric feature {features[p].Name}");
                }
                p++;
            }
            return new FittedPipeline(spec, trainRows, statistics, vocabularies, categories, new float[]?[n], new Utf8Vocabulary?[n]);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException
                                      or ArgumentException or InvalidParameterException)
        {
            throw new ModelFormatException($"the model's preprocessing pipeline ({FileName}) is not valid: {e.Message}",
                "Retrain the model: its stored pipeline is damaged.", e);
        }
    }

    private static ModelFormatException Invalid(string what) => new(
        $"the model's preprocessing pipeline ({FileName}) is not valid: unexpected {what}",
        "Retrain the model: its stored pipeline is damaged.");

    private static void WriteDouble(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsNaN(v)) w.WriteNull(name);
        else if (double.IsInfinity(v)) w.WriteString(name, v > 0 ? "Infinity" : "-Infinity");
        else w.WriteNumber(name, v);
    }

    private static double ReadDouble(JsonElement e, string name)
    {
        var v = e.GetProperty(name);
        return v.ValueKind switch
        {
            JsonValueKind.Null => double.NaN,
            JsonValueKind.String => v.GetString() switch
            {
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                var s => throw new FormatException($"\"{name}\" is \"{s}\", expected a number"),
            },
            _ => v.GetDouble(),
        };
    }

    public override string ToString() => Encoding.UTF8.GetString(ToJson());
}
