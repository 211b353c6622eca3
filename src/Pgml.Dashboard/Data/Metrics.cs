using System.Globalization;
using System.Text.Json;

namespace Pgml.Dashboard.Data;

/// <summary>The metrics pgml stores per task (docs/sql-reference.md#metrics), and how the pages show numbers.</summary>
public static class Metrics
{
    /// <summary>The task's target metric: the one best_score deploys by and the overview shows.</summary>
    public static string? Headline(string task) => task switch
    {
        "regression" => "r2",
        "classification" => "f1",
        "clustering" => "silhouette",
        "decomposition" => "cumulative_explained_variance",
        _ => null,
    };

    /// <summary>Lower is better for these (the table's default sort follows it).</summary>
    public static bool LowerIsBetter(string metric) =>
        metric is "mean_absolute_error" or "mean_squared_error" or "log_loss" or "fit_time" or "score_time";

    /// <summary>The scalar metrics of a metrics object (confusion_matrix and search_results are shown on their own).</summary>
    public static Dictionary<string, double?> Scalars(JsonElement metrics)
    {
        var d = new Dictionary<string, double?>(StringComparer.Ordinal);
        if (metrics.ValueKind != JsonValueKind.Object) return d;
        foreach (var p in metrics.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Number) d[p.Name] = p.Value.GetDouble();
            else if (p.Value.ValueKind == JsonValueKind.Null) d[p.Name] = null;
        }
        return d;
    }

    public static string Format(double? v) => v is double d ? Format(d) : "—";

    public static string Format(double v) =>
        double.IsFinite(v) && v == Math.Floor(v) && Math.Abs(v) < 1e15
            ? v.ToString("0", CultureInfo.InvariantCulture)
            : v.ToString("G6", CultureInfo.InvariantCulture);

    public static string Bytes(long n) => n switch
    {
        < 1024 => $"{n} B",
        < 1024 * 1024 => (n / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => (n / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
    };

    public static string Time(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A JSON value as a short text: strings unquoted, everything else as JSON.</summary>
    public static string Json(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString() ?? "",
        JsonValueKind.Undefined => "",
        _ => e.GetRawText(),
    };
}
