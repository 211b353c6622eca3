using System.Globalization;
using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.Dashboard.Tests;

/// <summary>The try-it form: what it predicts equals what pgml.predict answers for the same values.</summary>
[Collection(DashboardCollection.Name)]
public sealed class TryItTests(DashboardFixture f)
{
    private long ProjectId(string name)
    {
        using var c = f.Cluster.Open();
        return PgCluster.Scalar<long>(c, "SELECT id FROM pgml.projects WHERE name = $1", name);
    }

    [Fact]
    public async Task ClassifierPredictionAndProbabilitiesEqualPgml()
    {
        string[] typed = ["6.3", "3.3", "6.0", "2.5"];
        var page = await f.NewPageAsync();
        await page.GoAsync($"{f.Dashboard.Url}/projects/{ProjectId("Iris")}/try");
        Assert.Equal(["sepal_length", "sepal_width", "petal_length", "petal_width"],
            [.. await page.Locator("#try-form input[data-feature]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.feature)")]);
        for (int i = 0; i < typed.Length; i++) await page.Locator($"#f{i}").FillAsync(typed[i]);
        await page.Locator("#predict-button").ClickAsync();
        await page.Locator("#prediction").WaitForAsync();
        using var c = f.Cluster.Open();
        using var cmd = new NpgsqlCommand("""
            SELECT pgml.predict('Iris', ARRAY[$1, $2, $3, $4]::float8[]), pgml.predict_proba('Iris', ARRAY[$1, $2, $3, $4]::float8[]),
                   pgml.predict_label('Iris', ARRAY[$1, $2, $3, $4]::float8[])
            """, c);
        foreach (var t in typed) cmd.Parameters.AddWithValue(double.Parse(t, CultureInfo.InvariantCulture));
        using var r = cmd.ExecuteReader();
        r.Read();
        Assert.Equal(r.GetFloat(0), float.Parse(await page.TextAsync("#prediction"), CultureInfo.InvariantCulture));
        Assert.Equal(r.GetString(2), await page.TextAsync("#prediction-label"));
        float[] proba = r.GetFieldValue<float[]>(1);
        var shown = await page.Locator("#probabilities td[data-probability]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.probability)");
        Assert.Equal(proba, shown.Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray());
        await page.ScreenshotAsync("try");
    }

    [Fact]
    public async Task TextFeatureAndMissingValueEqualPgml()
    {
        var page = await f.NewPageAsync();
        await page.GoAsync($"{f.Dashboard.Url}/projects/{ProjectId("Houses")}/try");
        await page.Locator("#f0").FillAsync("Lyon");
        await page.Locator("#f1").FillAsync("");     // area missing: the model imputes its mean
        await page.Locator("#f2").FillAsync("3");
        await page.Locator("#predict-button").ClickAsync();
        await page.Locator("#prediction").WaitForAsync();
        using var c = f.Cluster.Open();
        float expected = PgCluster.Scalar<float>(c, "SELECT pgml.predict('Houses', ('Lyon'::text, NULL::real, 3))");
        Assert.Equal(expected, float.Parse(await page.TextAsync("#prediction"), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task TheFormFillsFromARowPickedByAColumnValue()
    {
        using var c = f.Cluster.Open();
        string price, city, area, rooms;
        using (var cmd = new NpgsqlCommand("SELECT price::text, city, area::text, rooms::text FROM houses WHERE city IS NOT NULL ORDER BY price OFFSET 17 LIMIT 1", c))
        using (var r = cmd.ExecuteReader())
        {
            r.Read();
            (price, city, area, rooms) = (r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3));
        }
        var page = await f.NewPageAsync();
        await page.GoAsync($"{f.Dashboard.Url}/projects/{ProjectId("Houses")}/try");
        await page.Locator("#key-column").SelectOptionAsync("price");
        await page.Locator("#key").FillAsync(price);
        await page.Locator("#fill-button").ClickAsync();
        await page.Locator("#fill-message").WaitForAsync();
        Assert.Contains($"where price = {price}", await page.TextAsync("#fill-message"));
        Assert.Equal(city, await page.Locator("#f0").InputValueAsync());
        Assert.Equal(area, await page.Locator("#f1").InputValueAsync());
        Assert.Equal(rooms, await page.Locator("#f2").InputValueAsync());
        await page.Locator("#predict-button").ClickAsync();
        await page.Locator("#prediction").WaitForAsync();
        float expected = PgCluster.Scalar<float>(c, "SELECT pgml.predict('Houses', (city, area, rooms)) FROM houses WHERE price::text = $1", price);
        Assert.Equal(expected, float.Parse(await page.TextAsync("#prediction"), CultureInfo.InvariantCulture));

        // a value no row has says so, and leaves the form empty
        await page.Locator("#key-column").SelectOptionAsync("price");
        await page.Locator("#key").FillAsync("-1");
        await page.Locator("#fill-button").ClickAsync();
        await page.WaitForURLAsync("**key=-1");
        Assert.Equal("no row of public.houses has price = -1", await page.TextAsync("#fill-message"));
        Assert.Equal("", await page.Locator("#f0").InputValueAsync());
    }

    [Fact]
    public async Task ANonNumberIsRefusedBesideTheForm()
    {
        var page = await f.NewPageAsync();
        await page.GoAsync($"{f.Dashboard.Url}/projects/{ProjectId("Iris")}/try");
        await page.Locator("#f0").FillAsync("six");
        await page.Locator("#predict-button").ClickAsync();
        await page.Locator(".try-error").WaitForAsync();
        Assert.Contains("sepal_length: \"six\" is not a number", await page.TextAsync(".try-error"));
        Assert.Equal(0, await page.Locator("#prediction").CountAsync());
    }
}
