using System.Text.RegularExpressions;

namespace Pgml.IntegrationTests;

/// <summary>
/// Code that runs inside a backend must not use Console, Process or PosixSignalRegistration (they take over
/// PostgreSQL's signals). The build enforces it with BannedApiAnalyzers (src/BannedSymbols.txt, RS0030 as an error);
/// this test guards the guard: the ban list and the analyzer stay in place, and the sources stay clean.
/// </summary>
public sealed class BannedApiTests
{
    private static readonly string Src = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src"));

    [Fact]
    public void BannedApiListAndAnalyzerAreConfigured()
    {
        string banned = File.ReadAllText(Path.Combine(Src, "BannedSymbols.txt"));
        Assert.Contains("T:System.Console", banned);
        Assert.Contains("T:System.Diagnostics.Process", banned);
        Assert.Contains("T:System.Runtime.InteropServices.PosixSignalRegistration", banned);
        string props = File.ReadAllText(Path.Combine(Src, "Directory.Build.props"));
        Assert.Contains("Microsoft.CodeAnalysis.BannedApiAnalyzers", props);
        Assert.Contains("RS0030", props);
    }

    [Fact]
    public void ExtensionSourcesDoNotUseBannedApis()
    {
        var pattern = new Regex(@"\bConsole\.|System\.Diagnostics\.Process\b|\bProcess\.(Start|GetCurrentProcess)|PosixSignalRegistration");
        var hits = Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => pattern.IsMatch(x.line))
            .Select(x => $"{x.f}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
        Assert.True(hits.Count == 0, string.Join('\n', hits));
    }
}
