using System.Text.Json;
using Npgsql;
using Pgml.Dashboard.Data;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.Dashboard.Tests;

/// <summary>Every page opened in Chromium, and what it shows compared with the catalog.</summary>
[Collection(DashboardCollection.Name)]
public sealed class PagesTests(DashboardFixture f)
{
    private NpgsqlConnection Db() => f.Cluster.Open();

    private long ProjectId(string name)
    {
        using var c = Db();
        return PgCluster.Scalar<long>(c, "SELECT id FROM pgml.projects WHERE name = $1", name);
    }

    [Fact]
    public async Task OverviewListsEveryProjectWithItsDeployedModel()
    {
        var page = await f.NewPageAsync();
        Assert.Equal(200, await page.GoAsync(f.Dashboard.Url + "/"));
        var rows = page.Locator("#projects tbody tr");
        using var c = Db();
        using var cmd = new NpgsqlCommand("""
            SELECT p.name, p.task::text, dm.id, dm.algorithm, m.metrics, dm.deployed_at, (SELECT count(*) FROM pgml.models WHERE project_id = p.id)
            FROM pgml.projects p JOIN pgml.deployed_models dm ON dm.name = p.name JOIN pgml.models m ON m.id = dm.id ORDER BY p.name
            """, c);
        using var r = cmd.ExecuteReader();
        int n = 0;
        while (r.Read())
        {
            n++;
            string name = r.GetString(0), task = r.GetString(1);
            var row = rows.Nth(n - 1);
            Assert.Equal(name, await row.GetAttributeAsync("data-project"));
            Assert.Equal(name, Browser.Normalize(await row.Locator("td.name").InnerTextAsync()));
            Assert.Equal(task, await row.Locator("td.task").InnerTextAsync());
            Assert.Equal($"model {r.GetInt64(2)}", await row.Locator("td.deployed").InnerTextAsync());
            Assert.Equal(r.GetString(3), await row.Locator("td.algorithm").InnerTextAsync());
            string metric = Metrics.Headline(task)!;
            Assert.Equal(metric, await row.Locator("td.metric").InnerTextAsync());
            double? value = JsonDocument.Parse(r.GetString(4)).RootElement.GetProperty(metric).GetDouble();
            Assert.Equal(Metrics.Format(value), await row.Locator("td.value").InnerTextAsync());
            Assert.Equal(Metrics.Time(r.GetDateTime(5)), await row.Locator("td.deployed-at").InnerTextAsync());
            Assert.Equal(r.GetInt64(6).ToString(), await row.Locator("td.models").InnerTextAsync());
        }
        Assert.Equal(5, n);
        Assert.Equal(n, await rows.CountAsync());
        await page.ScreenshotAsync("overview");
    }

    [Fact]
    public async Task MarkupInANameIsShownAsText()
    {
        var page = await f.NewPageAsync();
        await page.GoAsync(f.Dashboard.Url + "/");
        // the name is text in the cell, not an element of the page
        Assert.Equal(0, await page.Locator("#injected").CountAsync());
        Assert.Contains(DashboardFixture.MarkupProject, await page.Locator("#projects td.name").AllInnerTextsAsync());
        await page.GoAsync($"{f.Dashboard.Url}/projects/{ProjectId(DashboardFixture.MarkupProject)}");
        Assert.Equal(DashboardFixture.MarkupProject, await page.TextAsync("#project-name"));
        Assert.Equal(0, await page.Locator("#injected").CountAsync());
    }

    [Fact]
    public async Task ProjectPageShowsModelsChartAndHistory()
    {
        long id = ProjectId("Diabetes");
        var page = await f.NewPageAsync();
        Assert.Equal(200, await page.GoAsync($"{f.Dashboard.Url}/projects/{id}"));
        Assert.Equal("Diabetes", await page.TextAsync("#project-name"));
        Assert.Equal("regression", await page.TextAsync("#project-task"));
        using var c = Db();
        var models = new List<(long Id, string Algorithm, double R2)>();
        using (var cmd = new NpgsqlCommand("SELECT id, algorithm, (metrics->>'r2')::float8 FROM pgml.models WHERE project_id = $1 ORDER BY id", c))
        {
            cmd.Parameters.AddWithValue(id);
            using var r = cmd.ExecuteReader();
            while (r.Read()) models.Add((r.GetInt64(0), r.GetString(1), r.GetDouble(2)));
        }
        var rows = page.Locator("#models tbody tr");
        Assert.Equal(models.Count, await rows.CountAsync());
        for (int i = 0; i < models.Count; i++)
        {
            Assert.Equal(models[i].Id.ToString(), await rows.Nth(i).GetAttributeAsync("data-model"));
            Assert.Equal(Metrics.Format(models[i].R2), await rows.Nth(i).Locator("td[data-metric=r2]").InnerTextAsync());
        }
        // every metric is a sortable column: r2, best first
        foreach (string key in new[] { "r2", "mean_absolute_error", "mean_squared_error", "fit_time", "score_time" })
            Assert.Equal(1, await page.Locator($"#models th a[data-sort={key}]").CountAsync());
        await page.Locator("#models th a[data-sort=r2]").ClickAsync();   // ascending
        await page.Locator("#models th a[data-sort=r2]").ClickAsync();   // descending
        await page.WaitForURLAsync("**dir=desc");
        var byR2 = models.OrderByDescending(m => m.R2).Select(m => m.Id.ToString()).ToList();
        var shown = new List<string>();
        for (int i = 0; i < await rows.CountAsync(); i++) shown.Add((await rows.Nth(i).GetAttributeAsync("data-model"))!);
        Assert.Equal(byR2, shown);

        // the chart is an SVG image rendered by the server, and the browser decoded it
        var chart = page.Locator("#metric-chart");
        Assert.StartsWith("data:image/svg+xml;base64,", await chart.GetAttributeAsync("src"));
        Assert.True(await chart.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"));

        long deployed = PgCluster.Scalar<long>(c, "SELECT id FROM pgml.deployed_models WHERE name = 'Diabetes'");
        long deployments = PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.deployments WHERE project_id = $1", id);
        Assert.Equal(deployments, await page.Locator("#deployments li").CountAsync());
        Assert.Equal(deployed.ToString(), await page.Locator("#deployments li.current").GetAttributeAsync("data-model"));
        Assert.Equal($"model {deployed}", await page.TextAsync("#deployed-model"));
        await page.ScreenshotAsync("project");
    }

    [Fact]
    public async Task ClassificationModelPageShowsMetricsConfusionMatrixAndFiles()
    {
        using var c = Db();
        long id = PgCluster.Scalar<long>(c, "SELECT min(m.id) FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'Iris'");
        var page = await f.NewPageAsync();
        Assert.Equal(200, await page.GoAsync($"{f.Dashboard.Url}/models/{id}"));
        Assert.Equal("xgboost", await page.TextAsync("#model-algorithm"));
        Assert.Equal("Iris", await page.TextAsync("#model-project"));
        Assert.Equal("10", await page.TextAsync("#hyperparams td"));
        var metrics = JsonDocument.Parse(PgCluster.Scalar<string>(c, "SELECT metrics::text FROM pgml.models WHERE id = $1", id)).RootElement;
        foreach (var (key, value) in Metrics.Scalars(metrics))
            Assert.Equal(Metrics.Format(value), await page.TextAsync($"#metrics tr[data-metric={key}] td"));
        // the heat map holds the matrix's counts, row by row
        var matrix = metrics.GetProperty("confusion_matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble().ToString()).ToList()).ToList();
        var cells = page.Locator("#confusion tr").Filter(new() { Has = page.Locator("td") });
        Assert.Equal(matrix.Count, await cells.CountAsync());
        for (int i = 0; i < matrix.Count; i++)
            Assert.Equal(matrix[i], await cells.Nth(i).Locator("td").TextsAsync());
        Assert.Matches("h[0-9]", await cells.Nth(0).Locator("td").First.GetAttributeAsync("class") ?? "");
        // the files and their (uncompressed) sizes
        using var cmd = new NpgsqlCommand("SELECT path, length(data) FROM pgml.files WHERE model_id = $1 ORDER BY path, part, piece", c);
        cmd.Parameters.AddWithValue(id);
        using var r = cmd.ExecuteReader();
        var expected = new List<(string, string)>();
        while (r.Read()) expected.Add((r.GetString(0), r.GetInt32(1).ToString()));
        var shown = new List<(string, string)>();
        foreach (var row in await page.Locator("#files tr[data-file]").AllAsync())
            shown.Add(((await row.GetAttributeAsync("data-file"))!, (await row.Locator("td[data-bytes]").GetAttributeAsync("data-bytes"))!));
        Assert.Equal(expected, shown);
        Assert.Equal(1, await page.Locator("#no-preprocess").CountAsync());
        await page.ScreenshotAsync("model");
    }

    [Fact]
    public async Task SearchedModelPageShowsEveryCandidate()
    {
        using var c = Db();
        long id = PgCluster.Scalar<long>(c, "SELECT max(m.id) FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'Diabetes'");
        var page = await f.NewPageAsync();
        await page.GoAsync($"{f.Dashboard.Url}/models/{id}");
        var sr = JsonDocument.Parse(PgCluster.Scalar<string>(c, "SELECT (metrics->'search_results')::text FROM pgml.models WHERE id = $1", id)).RootElement;
        var means = sr.GetProperty("mean_test_score").EnumerateArray().Select(v => v.GetDouble()).ToList();
        var stds = sr.GetProperty("std_test_score").EnumerateArray().Select(v => v.GetDouble()).ToList();
        var rows = page.Locator("#search-results tr[data-candidate]");
        Assert.Equal(4, await rows.CountAsync());
        for (int i = 0; i < means.Count; i++)
        {
            var cells = await rows.Nth(i).Locator("td").TextsAsync();
            Assert.Equal(Metrics.Format(means[i]), cells[2]);
            Assert.Equal(Metrics.Format(stds[i]), cells[3]);
        }
        // the split's sizes: 442 rows, a quarter of them (rounded half away from zero) for testing
        Assert.Equal("442", await page.TextAsync("#rows-read"));
        Assert.Equal("111", await page.TextAsync("#test-rows"));
        Assert.Equal("331", await page.TextAsync("#train-rows"));
    }

    [Fact]
    public async Task ModelWithPreprocessingShowsItsSettings()
    {
        using var c = Db();
        long id = PgCluster.Scalar<long>(c, "SELECT id FROM pgml.deployed_models WHERE name = 'Houses'");
        var page = await f.NewPageAsync();
        await page.GoAsync($"{f.Dashboard.Url}/models/{id}");
        var rows = await page.Locator("#preprocess tbody tr, #preprocess tr:has(td)").TextsAsync();
        Assert.Contains(rows, r => r.StartsWith("city") && r.Contains("encode: one_hot"));
        Assert.Contains(rows, r => r.StartsWith("area") && r.Contains("impute: mean") && r.Contains("scale: standard"));
        Assert.Contains("preprocess.json", await page.Locator("#files tr[data-file]").TextsAsync() is var t ? string.Join(" ", t) : "");
    }

    [Fact]
    public async Task SnapshotPageShowsStatisticsComputedInSql()
    {
        using var c = Db();
        long id = PgCluster.Scalar<long>(c, "SELECT snapshot_id FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'Houses'");
        var page = await f.NewPageAsync();
        Assert.Equal(200, await page.GoAsync($"{f.Dashboard.Url}/snapshots/{id}"));
        Assert.Equal("200", await page.TextAsync("#row-count"));
        foreach (string col in new[] { "city", "area", "rooms", "price" })
        {
            var card = page.Locator($".column-card[data-column={col}]");
            using var cmd = new NpgsqlCommand(
                $"SELECT count({col}), count(*) - count({col}), count(DISTINCT {col}), min({col})::text, max({col})::text FROM houses", c);
            using var r = cmd.ExecuteReader();
            r.Read();
            Assert.Equal(r.GetInt64(0).ToString(), await card.Locator("td.count").InnerTextAsync());
            Assert.Equal(r.GetInt64(1).ToString(), await card.Locator("td.nulls").InnerTextAsync());
            Assert.Equal(r.GetInt64(2).ToString(), await card.Locator("td.distinct").InnerTextAsync());
            Assert.Equal(r.GetString(3), await card.Locator("td.min").InnerTextAsync());
            Assert.Equal(r.GetString(4), await card.Locator("td.max").InnerTextAsync());
        }
        Assert.Equal(Metrics.Format(PgCluster.Scalar<double>(c, "SELECT avg(area)::float8 FROM houses")),
            await page.Locator(".column-card[data-column=area] td.mean").InnerTextAsync());
        // a histogram for numbers (its bins add up to the non-null rows), the top values for text
        string alt = (await page.Locator(".column-card[data-column=area] img.histogram").GetAttributeAsync("alt"))!;
        long binned = alt.Split(';').Sum(part => long.Parse(part[(part.LastIndexOf(':') + 1)..].Trim()));
        Assert.Equal(200, binned);
        var top = await page.Locator(".column-card[data-column=city] table.top-values tr:has(td)").TextsAsync();
        Assert.Equal(3, top.Count);
        Assert.All(top, t => Assert.Matches(@"^(Paris|Lyon|Nice) 50$", t));
        await page.ScreenshotAsync("snapshot");
    }

    [Fact]
    public async Task BenchmarkPageShowsTheLatestReportWithItsCharts()
    {
        using var c = Db();
        string root = Path.Combine(Path.GetTempPath(), $"pgml-dash-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(root, "20260101T000000Z-tiny"));
        Directory.CreateDirectory(Path.Combine(root, "20260102T000000Z-quick"));
        try
        {
            File.WriteAllText(Path.Combine(root, "20260101T000000Z-tiny", "report.md"), "# older report\n");
            // a report with a table, a chart and raw HTML (which must come out as text)
            File.WriteAllText(Path.Combine(root, "20260102T000000Z-quick", "report.md"),
                "# Benchmark report\n\n| system | p50 |\n|---|---|\n| pgml | 0.1 ms |\n\n![ratios](ratios.png)\n\n<script id=\"raw\">x</script>\n");
            var plot = new ScottPlot.Plot();
            plot.Add.Bars([1.0, 2.0, 3.0]);
            plot.SavePng(Path.Combine(root, "20260102T000000Z-quick", "ratios.png"), 400, 200);
            await using var dash = await DashboardHost.StartAsync(f.Cluster.ConnectionString(), $"--Dashboard:BenchResults={root}");
            var page = await f.NewPageAsync();
            Assert.Equal(200, await page.GoAsync(dash.Url + "/benchmark/report"));
            Assert.Equal("20260102T000000Z-quick", await page.TextAsync("#report-folder"));
            Assert.Equal("Benchmark report", await page.TextAsync("#report h1"));
            Assert.Equal("pgml 0.1 ms", await page.TextAsync("#report table tbody tr"));
            Assert.Equal(0, await page.Locator("script#raw").CountAsync());
            Assert.True(await page.Locator("#report img").EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"));
            Assert.Equal(404, await page.GoAsync(dash.Url + "/benchmark/report.md"));
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [Fact]
    public async Task BenchmarkPageWithoutAReportSaysSo()
    {
        var page = await f.NewPageAsync();
        Assert.Equal(200, await page.GoAsync(f.Dashboard.Url + "/benchmark/report"));
        Assert.Contains("No benchmark report is configured", await page.TextAsync("#no-report"));
    }
}
