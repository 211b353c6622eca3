using System.Text.RegularExpressions;

namespace Pgml.IntegrationTests;

/// <summary>
/// Npgsql treats SQLSTATE classes 53 (insufficient resources), 58 (system error), XX (internal error) and F0
/// (configuration file error) as critical: it closes the connection, marks the host offline and clears the pool.
/// pgml's managed code names every code it raises in one table (src/Pgml.Extension/Interop/SqlState.cs); this test
/// keeps that table free of the critical classes and the rest of the code free of literal codes.
/// </summary>
public sealed class SqlStateTableTests
{
    private static readonly string Src = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src"));
    private static readonly string TablePath = Path.Combine(Src, "Pgml.Extension", "Interop", "SqlState.cs");
    /// <summary>The classes Npgsql treats as critical (53, 58, XX) and F0; the shim's test uses the same list.</summary>
    internal static readonly string[] CriticalClasses = ["53", "58", "XX", "F0"];

    private static IEnumerable<string> ManagedSources() =>
        Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/"));

    [Fact]
    public void TableHoldsValidNonCriticalCodes()
    {
        var codes = Regex.Matches(File.ReadAllText(TablePath), @"public const string (\w+) = ""([^""]*)"";")
            .Select(m => (Name: m.Groups[1].Value, Code: m.Groups[2].Value)).ToList();
        Assert.True(codes.Count >= 10, $"expected the table of SQLSTATEs in {TablePath}, found {codes.Count} codes");
        foreach (var (name, code) in codes)
        {
            Assert.Matches("^[0-9A-Z]{5}$", code);
            Assert.DoesNotContain(code[..2], CriticalClasses);
        }
        Assert.Equal(codes.Count, codes.Select(c => c.Code).Distinct().Count());
    }

    [Fact]
    public void NoLiteralCodeOutsideTheTable()
    {
        // a five-character upper-case/digit string with at least one digit, as SQLSTATEs are
        var literal = new Regex(@"""(?=[0-9A-Z]*[0-9])[0-9A-Z]{5}""");
        var hits = ManagedSources()
            .Where(f => Path.GetFullPath(f) != TablePath)
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => literal.IsMatch(x.line))
            .Select(x => $"{x.f}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
        Assert.True(hits.Count == 0, "literal SQLSTATEs outside SqlState.cs:\n" + string.Join('\n', hits));
    }

    [Fact]
    public void EveryRaisedCodeComesFromTheTable()
    {
        // PgmlException's first argument is always SqlState.Something
        var raise = new Regex(@"new PgmlException\(\s*([^,]+),");
        var bad = ManagedSources()
            .SelectMany(f => raise.Matches(File.ReadAllText(f)).Select(m => (f, arg: m.Groups[1].Value.Trim())))
            .Where(x => !Regex.IsMatch(x.arg, @"^SqlState\.\w+$") && x.arg != "sqlState")
            .Select(x => $"{x.f}: {x.arg}")
            .ToList();
        Assert.True(bad.Count == 0, "PgmlException raised with a code not from SqlState:\n" + string.Join('\n', bad));
    }
}
