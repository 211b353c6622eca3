using Markdig;
using Microsoft.Extensions.Options;

namespace Pgml.Dashboard.Data;

public sealed record BenchReport(string Folder, string Html, IReadOnlyList<string> Charts);

/// <summary>
/// The flights benchmark's latest report: the newest run folder under Dashboard:BenchResults (folder names start
/// with a UTC timestamp) that holds a report.md. Its Markdown is rendered with raw HTML disabled (Markdig escapes
/// it), and its PNG charts are served by name only when they are files of that folder.
/// </summary>
public sealed class BenchReports(IOptions<DashboardOptions> options)
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().DisableHtml().Build();

    public string Root => options.Value.BenchResults;

    public string? LatestFolder()
    {
        if (string.IsNullOrEmpty(Root) || !Directory.Exists(Root)) return null;
        return Directory.EnumerateDirectories(Root)
            .Where(d => File.Exists(Path.Combine(d, "report.md")))
            .OrderByDescending(d => Path.GetFileName(d), StringComparer.Ordinal)
            .FirstOrDefault();
    }

    public BenchReport? Latest()
    {
        string? dir = LatestFolder();
        if (dir is null) return null;
        string html = Markdown.ToHtml(File.ReadAllText(Path.Combine(dir, "report.md")), Pipeline);
        return new BenchReport(Path.GetFileName(dir), html, ChartNames(dir));
    }

    /// <summary>The chart's bytes when <paramref name="name"/> is one of the latest report's PNG files, else null.</summary>
    public byte[]? Chart(string name)
    {
        string? dir = LatestFolder();
        if (dir is null) return null;
        // the request's name is only compared with the folder's own file names, never joined into a path
        string? match = ChartNames(dir).FirstOrDefault(n => n == name);
        return match is null ? null : File.ReadAllBytes(Path.Combine(dir, match));
    }

    private static List<string> ChartNames(string dir) =>
        [.. Directory.EnumerateFiles(dir, "*.png").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
}
