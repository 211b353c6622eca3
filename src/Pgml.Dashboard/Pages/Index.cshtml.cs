using Microsoft.AspNetCore.Mvc.RazorPages;
using Pgml.Dashboard.Data;

namespace Pgml.Dashboard.Pages;

public sealed class IndexModel(Catalog catalog) : PageModel
{
    public List<ProjectSummary> Projects { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Projects = await catalog.ProjectsAsync(ct);
}
