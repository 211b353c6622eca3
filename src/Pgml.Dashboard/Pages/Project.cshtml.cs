using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pgml.Dashboard.Charts;
using Pgml.Dashboard.Data;

namespace Pgml.Dashboard.Pages;

/// <summary>A project: its models (sortable by any metric), the headline metric over successive models, the deployment
/// history, and the deploy actions (POST, antiforgery-checked, refused in read-only mode).</summary>
public sealed class ProjectModel(Catalog catalog, Deployer deployer) : PageModel
{
    public Project Project { get; private set; } = null!;
    public List<ModelRow> Models { get; private set; } = [];
    public List<Deployment> Deployments { get; private set; } = [];
    public List<string> MetricNames { get; private set; } = [];
    public string? Headline { get; private set; }
    public string? ChartUri { get; private set; }
    public string? ReadOnlyReason { get; private set; }
    public long? DeployedModelId => Deployments.Count > 0 ? Deployments[0].ModelId : null;
    public string Sort { get; private set; } = "id";
    public bool Descending { get; private set; }

    [TempData] public string? Message { get; set; }
    [TempData] public bool MessageIsError { get; set; }

    public async Task OnGetAsync(long id, string? sort, string? dir, CancellationToken ct)
    {
        await LoadAsync(id, ct);
        // the sort key is looked up among the page's own columns; anything else falls back to the model id
        Sort = sort is not null && (sort is "id" or "algorithm" or "created" || MetricNames.Contains(sort)) ? sort : "id";
        Descending = dir == "desc";
        IEnumerable<ModelRow> rows = Sort switch
        {
            "id" => Descending ? Models.OrderByDescending(m => m.Id) : Models.OrderBy(m => m.Id),
            "algorithm" => Descending ? Models.OrderByDescending(m => m.Algorithm, StringComparer.Ordinal).ThenBy(m => m.Id) : Models.OrderBy(m => m.Algorithm, StringComparer.Ordinal).ThenBy(m => m.Id),
            "created" => Descending ? Models.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id) : Models.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id),
            // a model without the metric goes last either way
            _ => Descending
                ? Models.OrderBy(m => m.Metrics.GetValueOrDefault(Sort) is null).ThenByDescending(m => m.Metrics.GetValueOrDefault(Sort)).ThenBy(m => m.Id)
                : Models.OrderBy(m => m.Metrics.GetValueOrDefault(Sort) is null).ThenBy(m => m.Metrics.GetValueOrDefault(Sort)).ThenBy(m => m.Id),
        };
        Models = [.. rows];
        if (Headline is not null)
        {
            var points = Models.Where(m => m.Metrics.GetValueOrDefault(Headline) is double v && double.IsFinite(v))
                .OrderBy(m => m.Id).Select(m => (m.Id, m.Metrics[Headline]!.Value)).ToList();
            if (points.Count > 0) ChartUri = Svg.MetricOverModels(Headline, points, DeployedModelId);
        }
    }

    public async Task<IActionResult> OnPostDeployAsync(long id, long modelId, CancellationToken ct)
    {
        var project = await catalog.ProjectAsync(id, ct);
        await RunAsync(() => deployer.DeployModelAsync(project, modelId, ct));
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostStrategyAsync(long id, string strategy, CancellationToken ct)
    {
        var project = await catalog.ProjectAsync(id, ct);
        await RunAsync(() => deployer.DeployStrategyAsync(project, strategy ?? "", ct));
        return RedirectToPage(new { id });
    }

    private async Task RunAsync(Func<Task<string>> action)
    {
        try { Message = await action(); MessageIsError = false; }
        catch (DeployRefusedException e) { Message = e.Message; MessageIsError = true; }
    }

    private async Task LoadAsync(long id, CancellationToken ct)
    {
        Project = await catalog.ProjectAsync(id, ct);
        Models = await catalog.ModelsAsync(id, ct);
        Deployments = await catalog.DeploymentsAsync(id, ct);
        ReadOnlyReason = await deployer.ReadOnlyReasonAsync(Project, ct);
        Headline = Metrics.Headline(Project.Task);
        // every scalar metric any model has, the headline first, then alphabetical
        MetricNames = [.. Models.SelectMany(m => m.Metrics.Keys).Distinct()
            .OrderBy(k => k == Headline ? 0 : 1).ThenBy(k => k, StringComparer.Ordinal)];
    }

    public string SortLink(string key) =>
        $"?sort={Uri.EscapeDataString(key)}&dir={(Sort == key && !Descending ? "desc" : "asc")}";

    public string SortMark(string key) => Sort != key ? "" : Descending ? " ▼" : " ▲";
}
