using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.Dashboard.Tests;

/// <summary>A database whose pgml is an older release (0.2.0: no owners, no per-project privileges) still shows
/// its projects, and deploys when the role may write pgml.deployments.</summary>
[Collection(DashboardCollection.Name)]
public sealed class OlderPgmlTests(DashboardFixture f)
{
    [Fact]
    public async Task Release020IsShownAndDeployable()
    {
        using (var c = f.Cluster.Open("postgres"))
            PgCluster.Exec(c, "DROP DATABASE IF EXISTS pgml_020; CREATE DATABASE pgml_020");
        long project;
        using (var c = f.Cluster.Open("pgml_020"))
        {
            PgCluster.Exec(c, """
                CREATE EXTENSION pgml VERSION '0.2.0';
                SELECT * FROM pgml.load_dataset('iris');
                SELECT * FROM pgml.train('Old', 'classification', 'pgml.iris', 'target', algorithm => 'linear');
                SELECT * FROM pgml.train('Old', algorithm => 'ridge');
                """);
            project = PgCluster.Scalar<long>(c, "SELECT id FROM pgml.projects WHERE name = 'Old'");
        }
        await using var dash = await DashboardHost.StartAsync(f.Cluster.ConnectionString("pgml_020"));
        var page = await f.NewPageAsync();
        Assert.Equal(200, await page.GoAsync(dash.Url + "/"));
        Assert.Equal(["Old"], await page.Locator("#projects td.name").TextsAsync());
        Assert.Equal(200, await page.GoAsync($"{dash.Url}/projects/{project}"));
        Assert.Equal(2, await page.Locator("#models tbody tr").CountAsync());
        await page.Locator("#strategy-most_recent").ClickAsync();
        await page.Locator("#message").WaitForAsync();
        using var check = f.Cluster.Open("pgml_020");
        Assert.Equal("most_recent", PgCluster.Scalar<string>(check,
            "SELECT strategy::text FROM pgml.deployments WHERE project_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1", project));
    }
}
