using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using Pgml.Dashboard.Data;
using Pgml.Dashboard.Web;

namespace Pgml.Dashboard;

/// <summary>Builds the dashboard's web application; the tests call it too, to host the dashboard in-process.</summary>
public static class DashboardApp
{
    /// <summary>Where the dashboard listens unless urls (ASPNETCORE_URLS, --urls) says otherwise: loopback only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5055";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // the pages are found in this assembly also when another program hosts it (the tests' in-process host)
            ApplicationName = typeof(DashboardApp).Assembly.GetName().Name,
            // the compiled pages and the embedded stylesheet are all it serves: no content root files are needed
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
            builder.WebHost.UseUrls(DefaultUrl);
        // Listening on loopback only, answer only to loopback host names: a page elsewhere that rebinds its own DNS
        // name to 127.0.0.1 gets 400, not the dashboard. AllowedHosts set explicitly wins.
        if (string.IsNullOrEmpty(builder.Configuration["AllowedHosts"]) && OnlyLoopback(builder.Configuration["urls"]!))
            builder.Configuration["AllowedHosts"] = LoopbackHosts;
        // the error page logs what failed once; the middleware's own log of the same exception would repeat it
        builder.Logging.AddFilter("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware", LogLevel.None);
        configure?.Invoke(builder);

        builder.Services.Configure<DashboardOptions>(builder.Configuration.GetSection("Dashboard"));
        builder.Services.AddSingleton(sp => CreateDataSource(builder.Configuration));
        builder.Services.AddSingleton<Catalog>();
        builder.Services.AddSingleton<SnapshotStatistics>();
        builder.Services.AddSingleton<Deployer>();
        builder.Services.AddSingleton<Predictor>();
        builder.Services.AddSingleton<RowLookup>();
        builder.Services.AddSingleton<BenchReports>();
        // Razor Pages checks the antiforgery token of every POST by default (the error page alone opts out)
        builder.Services.AddRazorPages();

        var app = builder.Build();
        // Always the error page, never the developer page with its stack trace, whatever the environment.
        app.UseExceptionHandler("/Error");
        app.UseStatusCodePagesWithReExecute("/Error", "?status={0}");
        app.Use(SecurityHeaders.Add);
        app.MapGet("/site.css", Stylesheet.Serve);
        app.MapGet("/benchmark/{name}", (string name, BenchReports reports) =>
            reports.Chart(name) is byte[] png ? Results.File(png, "image/png") : Results.NotFound());
        app.MapRazorPages();
        return app;
    }

    private static NpgsqlDataSource CreateDataSource(IConfiguration configuration)
    {
        string? cs = configuration.GetConnectionString("Pgml");
        if (string.IsNullOrWhiteSpace(cs))
            throw new InvalidOperationException(
                "no connection string: set ConnectionStrings:Pgml (e.g. --ConnectionStrings:Pgml=\"Host=/run/postgresql;Database=pgml;Username=me\" or the environment variable ConnectionStrings__Pgml)");
        var b = new NpgsqlConnectionStringBuilder(cs);
        if (string.IsNullOrEmpty(b.ApplicationName)) b.ApplicationName = "pgml-dashboard";
        return NpgsqlDataSource.Create(b.ConnectionString);
    }

    public const string LoopbackHosts = "127.0.0.1;localhost;[::1]";

    private static bool OnlyLoopback(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(u =>
            Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Host is "127.0.0.1" or "localhost" or "[::1]");

    /// <summary>The exception the error page explains (set by UseExceptionHandler).</summary>
    public static Exception? ErrorOf(HttpContext context) => context.Features.Get<IExceptionHandlerFeature>()?.Error;
}
