namespace Pgml.Dashboard;

/// <summary>The "Dashboard" configuration section (appsettings.json, DASHBOARD__* environment variables, --Dashboard:* arguments).</summary>
public sealed class DashboardOptions
{
    /// <summary>True: no deploy action anywhere, whatever the role may do. False: each project's actions follow
    /// pgml.has_project_privilege(project, 'deploy'), so a role without deploy sees the project read-only.</summary>
    public bool ReadOnly { get; set; }

    /// <summary>The folder of the flights benchmark's runs (bench/results): the newest folder with a report.md is shown.
    /// Empty: the benchmark page says no report is configured.</summary>
    public string BenchResults { get; set; } = "";
}
