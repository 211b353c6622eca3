using System.Text;
using System.Text.Json;

namespace Pgml.Engine.Models;

public enum TaskKind { Regression, Classification }

/// <summary>
/// What a stored model needs besides the library's own bytes to predict: task, feature names and, for
/// classification, the label value of each class index. Stored as JSON next to the estimator; versioned so a later
/// pgml can still read what this one wrote.
/// </summary>
public sealed record ModelMetadata(
    string Algorithm,
    TaskKind Task,
    IReadOnlyList<string> FeatureNames,
    IReadOnlyList<double> Classes,
    string LabelType)
{
    public const int FormatVersion = 1;
    public const string FileName = "pgml.json";

    public int NumFeatures => FeatureNames.Count;

    public byte[] ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteNumber("format_version", FormatVersion);
            w.WriteString("algorithm", Algorithm);
            w.WriteString("task", Task == TaskKind.Regression ? "regression" : "classification");
            w.WriteString("label_type", LabelType);
            w.WriteStartArray("feature_names");
            foreach (var f in FeatureNames) w.WriteStringValue(f);
            w.WriteEndArray();
            w.WriteStartArray("classes");
            foreach (var c in Classes) w.WriteNumberValue(c);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    public static ModelMetadata FromJson(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            int version = root.GetProperty("format_version").GetInt32();
            if (version > FormatVersion)
                throw new ModelFormatException(
                    $"the model was stored by a newer pgml (metadata format {version}; this pgml reads up to {FormatVersion})",
                    "Upgrade pgml, or retrain the model with this version.");
            var task = root.GetProperty("task").GetString() switch
            {
                "regression" => TaskKind.Regression,
                "classification" => TaskKind.Classification,
                var t => throw new ModelFormatException($"the model's metadata names an unknown task \"{t}\""),
            };
            var features = root.GetProperty("feature_names").EnumerateArray().Select(e => e.GetString() ?? "").ToArray();
            var classes = root.GetProperty("classes").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            return new ModelMetadata(root.GetProperty("algorithm").GetString() ?? "", task, features, classes,
                root.GetProperty("label_type").GetString() ?? "");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ModelFormatException($"the model's metadata ({FileName}) is not valid: {e.Message}", null, e);
        }
    }

    public override string ToString() => Encoding.UTF8.GetString(ToJson());
}
