using System.Text;
using System.Text.Json;

namespace Pgml.Engine.Models;

/// <summary>How a training column feeds the model: one number, a fixed-size numeric array, or text (categorical).</summary>
public enum FeatureColumnKind { Number, Array, Text }

/// <summary>A training column in table order: a row passed to predict must have the same shape.</summary>
public sealed record FeatureColumnInfo(string Name, FeatureColumnKind Kind, int Width, string PgType);

/// <summary>
/// What a stored model needs besides the library's own bytes to predict: task, the training columns, the targets
/// and, for classification, the label of each class index (numbers, or text). Stored as JSON next to the estimator;
/// versioned so a later pgml can still read what this one wrote.
/// </summary>
public sealed record ModelMetadata(
    string Algorithm,
    TaskKind Task,
    IReadOnlyList<FeatureColumnInfo> Columns,
    IReadOnlyList<string> Targets,
    IReadOnlyList<double> Classes,
    IReadOnlyList<string>? ClassLabels,
    string LabelType)
{
    public const int FormatVersion = 1;
    public const string FileName = "pgml.json";

    /// <summary>Raw feature positions: one per number or text column, n per array column.</summary>
    public int NumFeatures => Columns.Sum(c => c.Width);

    public int NumClasses => Task == TaskKind.Classification ? Classes.Count : 0;

    /// <summary>Names of the raw positions: the column's name, or name[i] for array elements.</summary>
    public IReadOnlyList<string> FeatureNames =>
        Columns.SelectMany(c => c.Kind == FeatureColumnKind.Array ? Enumerable.Range(0, c.Width).Select(i => $"{c.Name}[{i + 1}]") : [c.Name]).ToArray();

    public bool HasText => Columns.Any(c => c.Kind == FeatureColumnKind.Text);

    public byte[] ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("format_version", FormatVersion);
            w.WriteString("algorithm", Algorithm);
            w.WriteString("task", TaskNames.Name(Task));
            w.WriteString("label_type", LabelType);
            w.WriteStartArray("columns");
            foreach (var c in Columns)
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WriteString("kind", c.Kind.ToString().ToLowerInvariant());
                w.WriteNumber("width", c.Width);
                w.WriteString("pg_type", c.PgType);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("targets");
            foreach (var t in Targets) w.WriteStringValue(t);
            w.WriteEndArray();
            w.WriteStartArray("classes");
            foreach (var c in Classes) w.WriteNumberValue(c);
            w.WriteEndArray();
            if (ClassLabels is not null)
            {
                w.WriteStartArray("class_labels");
                foreach (var l in ClassLabels) w.WriteStringValue(l);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    public static ModelMetadata FromJson(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = VersionedJson.Open(json, FormatVersion, "the model's metadata");
            var root = doc.RootElement;
            string taskName = root.GetProperty("task").GetString() ?? "";
            var task = TaskNames.Parse(taskName)
                ?? throw new ModelFormatException($"the model's metadata names an unknown task \"{taskName}\"");
            var columns = root.GetProperty("columns").EnumerateArray().Select(c => new FeatureColumnInfo(
                c.GetProperty("name").GetString() ?? "",
                c.GetProperty("kind").GetString() switch
                {
                    "number" => FeatureColumnKind.Number,
                    "array" => FeatureColumnKind.Array,
                    "text" => FeatureColumnKind.Text,
                    var k => throw new ModelFormatException($"the model's metadata names an unknown column kind \"{k}\""),
                },
                c.GetProperty("width").GetInt32(),
                c.GetProperty("pg_type").GetString() ?? "")).ToArray();
            if (columns.Any(c => c.Width < 1 || (c.Kind != FeatureColumnKind.Array && c.Width != 1)))
                throw new ModelFormatException("the model's metadata has a column of impossible width");
            var targets = root.GetProperty("targets").EnumerateArray().Select(e => e.GetString() ?? "").ToArray();
            var classes = root.GetProperty("classes").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            string[]? labels = root.TryGetProperty("class_labels", out var l)
                ? l.EnumerateArray().Select(e => e.GetString() ?? "").ToArray() : null;
            if ((targets.Length < 1 && task is TaskKind.Regression or TaskKind.Classification) || (labels is not null && labels.Length != classes.Length))
                throw new ModelFormatException("the model's metadata has inconsistent targets or classes");
            return new ModelMetadata(root.GetProperty("algorithm").GetString() ?? "", task, columns, targets, classes, labels,
                root.GetProperty("label_type").GetString() ?? "");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ModelFormatException($"the model's metadata ({FileName}) is not valid: {e.Message}", null, e);
        }
    }

    public override string ToString() => Encoding.UTF8.GetString(ToJson());
}
