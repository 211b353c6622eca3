using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Pgml.Dashboard.Tests;

/// <summary>Small helpers over Playwright: open a page and read what it shows.</summary>
public static class Browser
{
    /// <summary>Opens <paramref name="url"/> and returns the HTTP status of the document.</summary>
    public static async Task<int> GoAsync(this IPage page, string url)
    {
        var response = await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        Assert.NotNull(response);
        return response.Status;
    }

    public static async Task<string> TextAsync(this IPage page, string selector) =>
        Normalize(await page.Locator(selector).First.InnerTextAsync());

    public static async Task<List<string>> TextsAsync(this ILocator locator) =>
        [.. (await locator.AllInnerTextsAsync()).Select(Normalize)];

    public static string Normalize(string s) => Regex.Replace(s, @"\s+", " ").Trim();

    /// <summary>
    /// A full-page screenshot. Into docs/images of the checkout (the README's pictures) when PGML_DASHBOARD_SCREENSHOTS
    /// is 1, else into a temporary folder: every run takes it (and checks it is not empty), but only a run that asks
    /// rewrites the committed pictures, whose bytes change with every run (they show time stamps).
    /// </summary>
    public static async Task ScreenshotAsync(this IPage page, string name)
    {
        string folder = Environment.GetEnvironmentVariable("PGML_DASHBOARD_SCREENSHOTS") == "1"
            ? Path.Combine(RepositoryRoot(), "docs", "images")
            : Path.Combine(Path.GetTempPath(), $"pgml-dashboard-screenshots-{Environment.ProcessId}");
        string path = Path.Combine(folder, $"dashboard-{name}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 1000, $"the screenshot {path} is empty");
    }

    public static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "pgml.slnx"))) return d.FullName;
        throw new InvalidOperationException("pgml.slnx not found above " + AppContext.BaseDirectory);
    }
}
