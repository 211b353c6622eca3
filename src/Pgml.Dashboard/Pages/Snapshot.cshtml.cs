using Microsoft.AspNetCore.Mvc.RazorPages;
using Pgml.Dashboard.Charts;
using Pgml.Dashboard.Data;

namespace Pgml.Dashboard.Pages;

/// <summary>A snapshot: its split settings, the models trained on it, and its columns' statistics (computed in SQL).</summary>
public sealed class SnapshotModel(Catalog catalog, SnapshotStatistics statistics) : PageModel
{
    public Snapshot Snapshot { get; private set; } = null!;
    public SnapshotStatisticsResult? Statistics { get; private set; }
    public List<(long Id, long ProjectId, string Project, string Algorithm)> Models { get; private set; } = [];

    public async Task OnGetAsync(long id, CancellationToken ct)
    {
        Snapshot = await catalog.SnapshotAsync(id, ct);
        Models = await catalog.SnapshotModelsAsync(id, ct);
        Statistics = await statistics.ComputeAsync(Snapshot, ct);
    }

    public static string HistogramUri(ColumnStatistics c) => Svg.Histogram(c.Histogram);

    public static string HistogramText(ColumnStatistics c) =>
        "histogram, " + string.Join("; ", c.Histogram.Select(b => $"{Metrics.Format(b.From)} to {Metrics.Format(b.To)}: {b.Count}"));
}
