using Microsoft.AspNetCore.Mvc.RazorPages;
using Pgml.Dashboard.Data;

namespace Pgml.Dashboard.Pages;

/// <summary>The flights benchmark's latest report (bench/results), with its charts.</summary>
public sealed class BenchmarkModel(BenchReports reports) : PageModel
{
    public BenchReport? Report { get; private set; }
    public string Root => reports.Root;

    public void OnGet() => Report = reports.Latest();
}
