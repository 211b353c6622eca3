using System.Text.Json;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pgml.Dashboard.Data;

namespace Pgml.Dashboard.Pages;

public sealed record SearchCandidate(int Index, string Params, double? Mean, double? Std, int? Rank);

/// <summary>A model: what it is, how it scored, how it was searched, what it stores and how it preprocesses.</summary>
public sealed class ModelModel(Catalog catalog) : PageModel
{
    public ModelDetail Detail { get; private set; } = null!;
    public Dictionary<string, double?> Scalars { get; private set; } = [];
    public long[][]? Confusion { get; private set; }
    public List<string> Classes { get; private set; } = [];
    public List<SearchCandidate> Candidates { get; private set; } = [];
    public int? BestIndex { get; private set; }
    public List<ModelFile> Files { get; private set; } = [];
    public List<FeatureColumn> Features { get; private set; } = [];
    public JsonElement Preprocess { get; private set; }

    public async Task OnGetAsync(long id, CancellationToken ct)
    {
        Detail = await catalog.ModelAsync(id, ct);
        Scalars = Metrics.Scalars(Detail.Metrics);
        Files = await catalog.FilesAsync(id, ct);
        Features = await catalog.FeaturesAsync(id, ct);
        Classes = Predictor.Classes(await catalog.ModelJsonFileAsync(id, "pgml.json", ct));
        var pre = await catalog.ModelJsonFileAsync(id, "preprocess.json", ct);
        Preprocess = pre.ValueKind == JsonValueKind.Object && pre.TryGetProperty("preprocess", out var p) ? p : default;
        if (Detail.Metrics.ValueKind == JsonValueKind.Object)
        {
            if (Detail.Metrics.TryGetProperty("confusion_matrix", out var cm) && cm.ValueKind == JsonValueKind.Array)
                Confusion = [.. cm.EnumerateArray().Select(row => row.EnumerateArray().Select(v => (long)v.GetDouble()).ToArray())];
            if (Detail.Metrics.TryGetProperty("search_results", out var sr) && sr.ValueKind == JsonValueKind.Object)
                ReadSearch(sr);
        }
    }

    private void ReadSearch(JsonElement sr)
    {
        if (!sr.TryGetProperty("params", out var ps) || ps.ValueKind != JsonValueKind.Array) return;
        double? At(string key, int i) => sr.TryGetProperty(key, out var a) && a.ValueKind == JsonValueKind.Array && i < a.GetArrayLength()
            && a[i].ValueKind == JsonValueKind.Number ? a[i].GetDouble() : null;
        int i = 0;
        foreach (var p in ps.EnumerateArray())
        {
            Candidates.Add(new SearchCandidate(i, p.GetRawText(), At("mean_test_score", i), At("std_test_score", i), (int?)At("rank_test_score", i)));
            i++;
        }
        if (sr.TryGetProperty("best_index", out var b) && b.ValueKind == JsonValueKind.Number) BestIndex = b.GetInt32();
    }

    /// <summary>The heat map's shade (CSS class h0..h9) of a count, by tenths of the matrix's largest count.</summary>
    public string Shade(long v)
    {
        long max = Confusion!.SelectMany(r => r).DefaultIfEmpty(0).Max();
        return max <= 0 ? "h0" : $"h{Math.Min(9, (int)(10.0 * v / max))}";
    }

    public static IEnumerable<(string Key, string Value)> Properties(JsonElement o) =>
        o.ValueKind == JsonValueKind.Object ? o.EnumerateObject().Select(p => (p.Name, Metrics.Json(p.Value))) : [];
}
