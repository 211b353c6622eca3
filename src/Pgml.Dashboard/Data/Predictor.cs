using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Pgml.Dashboard.Data;

public sealed record Prediction(long ModelId, float Value, string? Label, float[]? Probabilities, IReadOnlyList<string> Classes);

/// <summary>
/// The try-it form: feature values typed by the user, passed to pgml.predict (and, for classifiers, predict_proba and
/// predict_label) on the project's deployed model as one row with an attribute per training column, each a typed
/// parameter. The row's shape comes from the model's pgml.json (number, text or array columns), never from the request.
/// </summary>
public sealed class Predictor(NpgsqlDataSource db)
{
    /// <summary>Parses the inputs; a message per bad field (empty is NULL: a missing value).</summary>
    public static (List<NpgsqlParameter> Parameters, List<string> Errors) Parse(IReadOnlyList<FeatureColumn> features, IReadOnlyList<string?> values)
    {
        var ps = new List<NpgsqlParameter>();
        var errors = new List<string>();
        for (int i = 0; i < features.Count; i++)
        {
            var f = features[i];
            string v = (i < values.Count ? values[i] : null)?.Trim() ?? "";
            switch (f.Kind)
            {
                case "text":
                    ps.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = v.Length == 0 ? DBNull.Value : v });
                    break;
                case "array":
                    if (v.Length == 0) { ps.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double, Value = DBNull.Value }); break; }
                    var parts = v.Split(',', StringSplitOptions.TrimEntries);
                    var arr = new double[parts.Length];
                    bool ok = parts.Length == f.Width;
                    for (int k = 0; ok && k < parts.Length; k++)
                        ok = double.TryParse(parts[k], NumberStyles.Float, CultureInfo.InvariantCulture, out arr[k]);
                    if (!ok) errors.Add($"{f.Name}: expected {f.Width} numbers separated by commas");
                    ps.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double, Value = arr });
                    break;
                default:
                    if (v.Length == 0) { ps.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Double, Value = DBNull.Value }); break; }
                    if (v is "true" or "false") { ps.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Double, Value = v == "true" ? 1.0 : 0.0 }); break; }
                    if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
                        errors.Add($"{f.Name}: \"{v}\" is not a number");
                    ps.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Double, Value = d });
                    break;
            }
        }
        return (ps, errors);
    }

    public async Task<Prediction> PredictAsync(string projectName, long modelId, string task, IReadOnlyList<FeatureColumn> features,
        List<NpgsqlParameter> values, IReadOnlyList<string> classes, CancellationToken ct)
    {
        // $1 the project, $2.. one per feature, in training order: ROW($2, $3, ...) with each parameter typed
        var row = new StringBuilder("ROW(");
        for (int i = 0; i < features.Count; i++) row.Append(i == 0 ? "" : ", ").Append('$').Append(i + 2);
        row.Append(')');
        bool classifier = task == "classification";
        string sql = classifier
            ? $"SELECT pgml.predict($1::text, {row}), pgml.predict_label($1::text, {row}), pgml.predict_proba($1::text, {row})"
            : $"SELECT pgml.predict($1::text, {row}), NULL::text, NULL::real[]";
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projectName });
        foreach (var p in values) cmd.Parameters.Add(p);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new Prediction(modelId, r.IsDBNull(0) ? float.NaN : r.GetFloat(0), r.IsDBNull(1) ? null : r.GetString(1),
            r.IsDBNull(2) ? null : r.GetFieldValue<float[]>(2), classes);
    }

    /// <summary>Class names for the probabilities, from pgml.json: class_labels (text labels) or classes.</summary>
    public static List<string> Classes(JsonElement meta)
    {
        var list = new List<string>();
        if (meta.ValueKind != JsonValueKind.Object) return list;
        foreach (string key in new[] { "class_labels", "classes" })
            if (meta.TryGetProperty(key, out var a) && a.ValueKind == JsonValueKind.Array && a.GetArrayLength() > 0)
            {
                foreach (var c in a.EnumerateArray()) list.Add(Metrics.Json(c));
                return list;
            }
        return list;
    }
}
