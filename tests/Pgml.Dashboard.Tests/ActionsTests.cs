using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.Dashboard.Tests;

/// <summary>The deploy actions clicked in the browser, checked in pgml.deployments; and the read-only modes.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ActionsTests(DashboardFixture f)
{
    private (long Model, string Strategy, long Count) Latest(long projectId)
    {
        using var c = f.Cluster.Open();
        using var cmd = new NpgsqlCommand("""
            SELECT model_id, strategy::text, count(*) OVER () FROM pgml.deployments WHERE project_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1
            """, c);
        cmd.Parameters.AddWithValue(projectId);
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        return (r.GetInt64(0), r.GetString(1), r.GetInt64(2));
    }

    private long SteerId()
    {
        using var c = f.Cluster.Open();
        return PgCluster.Scalar<long>(c, "SELECT id FROM pgml.projects WHERE name = 'Steer'");
    }

    [Fact]
    public async Task DeployAChosenModelThenByEachStrategy()
    {
        long project = SteerId();
        List<long> models;
        long best;
        using (var c = f.Cluster.Open())
        {
            models = [];
            using (var cmd = new NpgsqlCommand("SELECT id FROM pgml.models WHERE project_id = $1 ORDER BY id", c))
            {
                cmd.Parameters.AddWithValue(project);
                using var r = cmd.ExecuteReader();
                while (r.Read()) models.Add(r.GetInt64(0));
            }
            best = PgCluster.Scalar<long>(c, "SELECT id FROM pgml.models WHERE project_id = $1 ORDER BY (metrics->>'r2')::float8 DESC, id DESC LIMIT 1", project);
        }
        Assert.Equal(3, models.Count);
        var page = await f.NewPageAsync();
        await page.GoAsync($"{f.Dashboard.Url}/projects/{project}");

        async Task Deploy(long model)
        {
            await page.Locator("#modelId").SelectOptionAsync(model.ToString());
            await page.Locator("#deploy-button").ClickAsync();
            await page.Locator("#message").WaitForAsync();
        }
        async Task Strategy(string s)
        {
            await page.Locator($"#strategy-{s}").ClickAsync();
            await page.Locator("#message").WaitForAsync();
        }

        long before = Latest(project).Count;
        await Deploy(models[0]);
        Assert.Equal((models[0], "specific", before + 1), Latest(project));
        Assert.Equal($"model {models[0]}", await page.TextAsync("#deployed-model"));
        await Deploy(models[2]);
        Assert.Equal((models[2], "specific", before + 2), Latest(project));

        await Strategy("rollback");
        Assert.Equal((models[0], "rollback", before + 3), Latest(project));
        Assert.Equal($"model {models[0]}", await page.TextAsync("#deployed-model"));
        Assert.Equal(models[0].ToString(), await page.Locator("#deployments li.current").GetAttributeAsync("data-model"));

        await Strategy("most_recent");
        Assert.Equal((models[2], "most_recent", before + 4), Latest(project));
        await Strategy("best_score");
        Assert.Equal((best, "best_score", before + 5), Latest(project));
        Assert.Contains("deployed: project Steer, strategy best_score", await page.TextAsync("#message"));
    }

    [Fact]
    public async Task APostWithoutTheAntiforgeryTokenIsRefused()
    {
        long project = SteerId();
        var before = Latest(project);
        var page = await f.NewPageAsync();
        await page.GoAsync($"{f.Dashboard.Url}/projects/{project}");
        var response = await page.APIRequest.PostAsync($"{f.Dashboard.Url}/projects/{project}?handler=Strategy",
            new() { Form = page.APIRequest.CreateFormData().Set("strategy", "rollback") });
        Assert.Equal(400, response.Status);
        Assert.Contains("The form was not accepted", await response.TextAsync());
        Assert.Equal(before, Latest(project));
    }

    [Fact]
    public async Task ARoleWithoutDeploySeesTheProjectReadOnly()
    {
        long project = SteerId();
        using (var c = f.Cluster.Open())
            PgCluster.Exec(c, """
                DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'viewer') THEN CREATE ROLE viewer LOGIN; END IF; END $$;
                SELECT pgml.grant_privilege('Steer', 'predict', 'viewer');
                """);
        var cs = new NpgsqlConnectionStringBuilder(f.Cluster.ConnectionString()) { Username = "viewer" }.ConnectionString;
        await using var dash = await DashboardHost.StartAsync(cs);
        var page = await f.NewPageAsync();
        await page.GoAsync(dash.Url + "/");
        // row-level security: the viewer sees the one project granted to it
        Assert.Equal(["Steer"], await page.Locator("#projects td.name").TextsAsync());
        await page.GoAsync($"{dash.Url}/projects/{project}");
        Assert.Contains("may not deploy", await page.TextAsync("#read-only"));
        Assert.Equal(0, await page.Locator("#deploy-form, #strategy-form").CountAsync());

        // a POST with a valid token (from the try-it form, which predict allows) is refused by the dashboard too
        var before = Latest(project);
        await page.GoAsync($"{dash.Url}/projects/{project}/try");
        string token = (await page.Locator("input[name=__RequestVerificationToken]").GetAttributeAsync("value"))!;
        var response = await page.APIRequest.PostAsync($"{dash.Url}/projects/{project}?handler=Strategy",
            new() { Form = page.APIRequest.CreateFormData().Set("strategy", "rollback").Set("__RequestVerificationToken", token) });
        Assert.Equal(200, response.Status);   // the redirect followed back to the project page
        Assert.Contains("read-only", await response.TextAsync());
        Assert.Equal(before, Latest(project));
    }

    [Fact]
    public async Task ReadOnlyConfigurationSwitchesTheActionsOff()
    {
        await using var dash = await DashboardHost.StartAsync(f.Cluster.ConnectionString(), "--Dashboard:ReadOnly=true");
        var page = await f.NewPageAsync();
        await page.GoAsync($"{dash.Url}/projects/{SteerId()}");
        Assert.Contains("Dashboard:ReadOnly = true", await page.TextAsync("#read-only"));
        Assert.Equal(0, await page.Locator("#deploy-form").CountAsync());
    }
}
