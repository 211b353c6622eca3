using System.Net;

namespace Pgml.Dashboard.Tests;

/// <summary>Where the dashboard listens and whom it answers, without a browser.</summary>
[Collection(DashboardCollection.Name)]
public sealed class HostingTests(DashboardFixture f)
{
    [Fact]
    public async Task ItListensOnLoopbackByDefault()
    {
        await using var app = DashboardApp.Build([$"--ConnectionStrings:Pgml={f.Cluster.ConnectionString()}"]);
        Assert.Equal("http://127.0.0.1:5055", app.Configuration["urls"]);
        Assert.Equal(DashboardApp.LoopbackHosts, app.Configuration["AllowedHosts"]);
    }

    [Fact]
    public async Task ItAnswersOnlyLoopbackHostNames()
    {
        using var http = new HttpClient();
        using var ok = await http.GetAsync(f.Dashboard.Url + "/");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        // a DNS-rebinding page would send its own name as Host
        using var request = new HttpRequestMessage(HttpMethod.Get, f.Dashboard.Url + "/");
        request.Headers.Host = "evil.example";
        using var refused = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task EveryPageForbidsScripts()
    {
        using var http = new HttpClient();
        using var r = await http.GetAsync(f.Dashboard.Url + "/");
        string csp = string.Join(" ", r.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp);
        Assert.DoesNotContain("script-src", csp);
    }
}
