using Microsoft.Playwright;
using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.Dashboard.Tests;

/// <summary>Whatever fails, the page says what and what to do, with a fitting status and no stack trace.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ErrorPageTests(DashboardFixture f)
{
    private static async Task AssertClearPage(IPage page, int status, int expectedStatus, string title, string? message = null)
    {
        Assert.Equal(expectedStatus, status);
        Assert.Equal(title, await page.TextAsync("#error-title"));
        if (message is not null) Assert.Contains(message, await page.TextAsync("#error-message"));
        string body = await page.Locator("body").InnerTextAsync();
        Assert.DoesNotContain(" at Pgml.", body);
        Assert.DoesNotContain("   at ", body);
        Assert.DoesNotContain("StackTrace", body);
    }

    [Theory]
    [InlineData("/models/999999", "model 999999 does not exist")]
    [InlineData("/projects/999999", "project 999999 does not exist")]
    [InlineData("/snapshots/999999", "snapshot 999999 does not exist")]
    [InlineData("/projects/999999/try", "project 999999 does not exist")]
    [InlineData("/models/not-a-number", "There is no page at this address")]
    public async Task AnUnknownIdIsNotFound(string path, string message)
    {
        var page = await f.NewPageAsync();
        await AssertClearPage(page, await page.GoAsync(f.Dashboard.Url + path), 404, "Not found", message);
    }

    [Fact]
    public async Task AStoppedDatabaseGivesTheClearPage()
    {
        var cluster = new PgCluster();
        try
        {
            await using var dash = await DashboardHost.StartAsync(cluster.ConnectionString());
            var page = await f.NewPageAsync();
            Assert.Equal(200, await page.GoAsync(dash.Url + "/"));
            Assert.Equal(1, await page.Locator("#no-projects").CountAsync());
            cluster.Dispose();   // pg_ctl stop -m immediate, and the data folder removed
            await AssertClearPage(page, await page.GoAsync(dash.Url + "/"), 503, "The database cannot be reached");
            Assert.Contains("Check that PostgreSQL is running", await page.TextAsync("#error-advice"));
        }
        finally { cluster.Dispose(); }
    }

    [Fact]
    public async Task ADatabaseWithoutPgmlGivesTheClearPage()
    {
        using (var c = f.Cluster.Open("postgres"))
            PgCluster.Exec(c, "DROP DATABASE IF EXISTS nopgml; CREATE DATABASE nopgml");
        await using var dash = await DashboardHost.StartAsync(f.Cluster.ConnectionString("nopgml"));
        var page = await f.NewPageAsync();
        await AssertClearPage(page, await page.GoAsync(dash.Url + "/"), 503, "pgml is not installed in this database");
    }

    [Fact]
    public async Task ARoleTheServerRefusesGivesTheClearPage()
    {
        var cs = new NpgsqlConnectionStringBuilder(f.Cluster.ConnectionString()) { Username = "nosuchrole" }.ConnectionString;
        await using var dash = await DashboardHost.StartAsync(cs);
        var page = await f.NewPageAsync();
        await AssertClearPage(page, await page.GoAsync(dash.Url + "/"), 403, "The database refused the role", "nosuchrole");
    }

    [Fact]
    public async Task ARoleWithoutUsageOnPgmlGetsPermissionDenied()
    {
        using (var c = f.Cluster.Open("postgres"))
            PgCluster.Exec(c, "DROP DATABASE IF EXISTS revoked; CREATE DATABASE revoked");
        using (var c = f.Cluster.Open("revoked"))
            PgCluster.Exec(c, """
                CREATE EXTENSION pgml; REVOKE USAGE ON SCHEMA pgml FROM PUBLIC;
                DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'outsider') THEN CREATE ROLE outsider LOGIN; END IF; END $$;
                """);
        var cs = new NpgsqlConnectionStringBuilder(f.Cluster.ConnectionString("revoked")) { Username = "outsider" }.ConnectionString;
        await using var dash = await DashboardHost.StartAsync(cs);
        var page = await f.NewPageAsync();
        await AssertClearPage(page, await page.GoAsync(dash.Url + "/"), 403, "Permission denied", "schema pgml");
    }
}
