using Microsoft.Playwright;
using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.Dashboard.Tests;

/// <summary>
/// One throwaway cluster with a few trained projects, one dashboard on it, and one Chromium for the whole run.
/// Projects: Iris (classification: xgboost, then linear), Diabetes (regression: linear, then a searched xgboost),
/// Houses (regression with a text feature and preprocessing; every price distinct, so a price picks one row), Steer (three models the deploy tests move between),
/// and a project whose name is markup (the encoding test).
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium (scripts/deps.sh installs it); PGML_CHROMIUM overrides the path.</summary>
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("PGML_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public const string MarkupProject = "<b id=\"injected\">bold</b> & \"quoted\"";

    public PgCluster Cluster { get; } = new();
    public DashboardHost Dashboard { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using (var c = Cluster.Open())
        {
            PgCluster.Exec(c, """
                SELECT * FROM pgml.load_dataset('iris');
                SELECT * FROM pgml.load_dataset('diabetes');
                SELECT * FROM pgml.train('Iris', 'classification', 'pgml.iris', 'target', algorithm => 'xgboost', hyperparams => '{"n_estimators": 10}');
                SELECT * FROM pgml.train('Iris', algorithm => 'linear');
                SELECT * FROM pgml.train('Diabetes', 'regression', 'pgml.diabetes', 'target', algorithm => 'linear');
                SELECT * FROM pgml.train('Diabetes', algorithm => 'xgboost', search => 'grid',
                    search_params => '{"max_depth": [2, 3], "n_estimators": [5, 10]}', search_args => '{"cv": 2}');
                CREATE TABLE houses (city TEXT, area REAL, rooms INT, price REAL);
                INSERT INTO houses SELECT (ARRAY['Paris', 'Lyon', 'Nice', NULL])[1 + i % 4], 30 + (i * 7) % 120, 1 + i % 5,
                    1000 + 25 * ((i * 7) % 120) + 300 * (i % 5) + 500 * (i % 4) + i * 0.25 FROM generate_series(1, 200) i;
                SELECT * FROM pgml.train('Houses', 'regression', 'houses', 'price', algorithm => 'xgboost',
                    hyperparams => '{"n_estimators": 20}', preprocess => '{"city": {"encode": "one_hot"}, "area": {"impute": "mean", "scale": "standard"}}');
                SELECT * FROM pgml.train('Steer', 'regression', 'pgml.diabetes', 'target', algorithm => 'linear');
                SELECT * FROM pgml.train('Steer', algorithm => 'ridge');
                SELECT * FROM pgml.train('Steer', algorithm => 'xgboost', hyperparams => '{"n_estimators": 5}');
                """);
            using var cmd = new NpgsqlCommand("SELECT * FROM pgml.train($1, 'classification', 'pgml.iris', 'target', algorithm => 'linear')", c);
            cmd.Parameters.AddWithValue(MarkupProject);
            cmd.ExecuteNonQuery();
        }
        Dashboard = await DashboardHost.StartAsync(Cluster.ConnectionString());
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"no Chromium at {ChromiumPath}: scripts/deps.sh installs Debian's chromium (or set PGML_CHROMIUM)");
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await LaunchAsync(Playwright);
    }

    /// <summary>The system Chromium, headless, with nothing that reaches the network on its own.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = ChromiumPath,
        Headless = true,
        Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        Timeout = 120_000,
    });

    /// <summary>A fresh page (own context: own cookies) with generous timeouts for a loaded 2-core machine.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        if (Dashboard is not null) await Dashboard.DisposeAsync();
        Cluster.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
