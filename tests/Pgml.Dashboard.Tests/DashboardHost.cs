using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Pgml.Dashboard.Tests;

/// <summary>The dashboard as `make dashboard` builds it (DashboardApp.Build), served by Kestrel on a free port of
/// 127.0.0.1, with its configuration given as command-line arguments.</summary>
public sealed class DashboardHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardHost(WebApplication app, string url) { _app = app; Url = url; }

    public string Url { get; }

    public static async Task<DashboardHost> StartAsync(string connectionString, params string[] extra)
    {
        string[] args = ["--urls", "http://127.0.0.1:0", $"--ConnectionStrings:Pgml={connectionString}", .. extra];
        var app = DashboardApp.Build(args);
        await app.StartAsync();
        string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new DashboardHost(app, url.TrimEnd('/'));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
