using System.Text;
using System.Text.Json;

namespace Pgml.Engine.Metrics;

/// <summary>A model's metrics as the JSON object pgml.models.metrics stores (PostgresML's keys).</summary>
public static class MetricsJson
{
    /// <summary>
    /// Metrics in key order; a metric that cannot be computed (NaN, infinite) is null, not an error. The confusion
    /// matrix (row-major counts, <c>classes</c> x <c>classes</c>) is written as rows of the true class with columns of
    /// the predicted class; <paramref name="searchResults"/> (a JSON value) is embedded as it is.
    /// </summary>
    public static string Write(IReadOnlyDictionary<string, double> metrics, string? searchResults = null,
        (long[] Counts, int Classes)? confusion = null)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            foreach (var (k, v) in metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (double.IsFinite(v)) w.WriteNumber(k, v);
                else w.WriteNull(k);
            }
            if (confusion is { } m)
            {
                w.WriteStartArray("confusion_matrix");
                for (int t = 0; t < m.Classes; t++)
                {
                    w.WriteStartArray();
                    for (int p = 0; p < m.Classes; p++) w.WriteNumberValue(m.Counts[t * m.Classes + p]);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
            }
            if (searchResults is not null)
            {
                w.WritePropertyName("search_results");
                w.WriteRawValue(searchResults);
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
