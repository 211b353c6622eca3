using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Pgml.IntegrationTests;

/// <summary>
/// The C shim raises no SQLSTATE on which a client drops its connection. Npgsql treats classes 53, 58 and XX as
/// critical (it closes the connection, marks the host offline, clears the pool); F0 is a configuration file error.
/// The shim names every code it raises in one block of extension/src/pgml_shim.h; these tests read that block and
/// the shim's sources, so a new raise with a literal or critical code, or an elog(ERROR) (always XX000), fails here.
/// </summary>
public sealed partial class ShimSqlStateTests
{
    private static readonly string Shim = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../extension/src"));
    private static readonly string[] CriticalClasses = SqlStateTableTests.CriticalClasses;   // one list for both sides

    [Fact]
    public void EveryCodeTheShimNamesIsOutsideTheCriticalClasses()
    {
        var codes = ShimCodes();
        Assert.True(codes.Count >= 5, $"expected the PGML_ERRCODE_ block in pgml_shim.h, found {codes.Count} names");
        var critical = codes.Where(c => CriticalClasses.Contains(c.Value[..2])).Select(c => $"{c.Key} = {c.Value}").ToList();
        Assert.True(critical.Count == 0, "critical SQLSTATEs in pgml_shim.h: " + string.Join(", ", critical));

        string fallback = FallbackMatch().Match(Header()).Groups[1].Value;
        Assert.Matches("^[0-9A-Z]{5}$", fallback);
        Assert.DoesNotContain(fallback[..2], CriticalClasses);
    }

    [Fact]
    public void TheShimRaisesOnlyTheCodesItNames()
    {
        var problems = new List<string>();
        foreach (var (file, text) in Sources())
        {
            foreach (Match m in ElogError().Matches(text))
                problems.Add($"{file}:{Line(text, m.Index)}: elog({m.Groups[1].Value}) raises XX000; use ereport with a PGML_ERRCODE_");
            foreach (Match m in ErrcodeCall().Matches(text))
            {
                string arg = m.Groups[1].Value.Trim();
                if (!arg.StartsWith("PGML_ERRCODE_") && arg != EngineCode)
                    problems.Add($"{file}:{Line(text, m.Index)}: errcode({arg}) is not one of the PGML_ERRCODE_ names");
            }
            // ereport(ERROR, ...) without errcode is XX000 (internal_error).
            foreach (Match m in EreportError().Matches(text))
            {
                string call = BalancedCall(text, text.IndexOf('(', m.Index));
                if (!call.Contains("errcode("))
                    problems.Add($"{file}:{Line(text, m.Index)}: ereport(ERROR) without errcode raises XX000");
            }
            if (!file.EndsWith("pgml_shim.h") && ErrcodeName().IsMatch(text))
                problems.Add($"{file}: uses ERRCODE_ names directly; name the code in pgml_shim.h");
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void TheEnginesCodeIsFilteredBeforeItIsRaised()
    {
        // The one code the shim does not name is the engine's own (PgmlError.sqlstate); finish_call replaces a
        // malformed or critical one with PGML_SQLSTATE_FALLBACK.
        string call = File.ReadAllText(Path.Combine(Shim, "pgml_call.c"));
        Assert.Contains(EngineCode, call);
        Assert.Contains("pgml_sqlstate_is_safe(s)", call);
        Assert.Contains("s = PGML_SQLSTATE_FALLBACK", call);
        foreach (string c in CriticalClasses)
            Assert.Contains($"\"{c}\"", call);
    }

    private const string EngineCode = "MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4])";

    private static string Header() => File.ReadAllText(Path.Combine(Shim, "pgml_shim.h"));

    private static IEnumerable<(string File, string Text)> Sources()
    {
        var files = Directory.EnumerateFiles(Shim, "*.c").Concat(Directory.EnumerateFiles(Shim, "*.h")).Order().ToList();
        Assert.Contains(files, f => f.EndsWith("pgml_fmgr.c"));
        return files.Select(f => (Path.GetFileName(f), StripComments(File.ReadAllText(f))));
    }

    /// <summary>PGML_ERRCODE_ name to SQLSTATE, each ERRCODE_ name resolved through PostgreSQL's errcodes.h.</summary>
    private static Dictionary<string, string> ShimCodes()
    {
        var known = PostgresCodes();
        var codes = new Dictionary<string, string>();
        foreach (Match m in ShimDefine().Matches(Header()))
        {
            string name = m.Groups[1].Value, value = m.Groups[2].Value;
            Assert.True(known.TryGetValue(value, out string? code), $"{name}: {value} is not in PostgreSQL's errcodes.h");
            codes[name] = code!;
        }
        return codes;
    }

    private static Dictionary<string, string> PostgresCodes()
    {
        string path = Path.Combine(PgConfig("--includedir-server"), "utils", "errcodes.h");
        return PostgresDefine().Matches(File.ReadAllText(path))
            .ToDictionary(m => m.Groups[1].Value, m => string.Concat(m.Groups[2].Value.Split(',').Select(c => c.Trim().Trim('\''))));
    }

    internal static string PgConfig(string option)
    {
        var psi = new ProcessStartInfo("pg_config", option) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return output;
    }

    private static string BalancedCall(string text, int open)
    {
        int depth = 0;
        for (int i = open; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')' && --depth == 0) return text[open..(i + 1)];
        }
        return text[open..];
    }

    private static int Line(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    // Comments may name what is forbidden ("an elog(ERROR) is XX000"); only code counts. Keeps line numbers.
    private static string StripComments(string text) =>
        BlockComment().Replace(text, m => new string('\n', m.Value.Count(ch => ch == '\n')));

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex BlockComment();

    [GeneratedRegex(@"\belog\s*\(\s*(ERROR|FATAL|PANIC)\b")]
    private static partial Regex ElogError();

    [GeneratedRegex(@"\bereport\s*\(\s*(ERROR|FATAL|PANIC)\b")]
    private static partial Regex EreportError();

    [GeneratedRegex(@"\berrcode\s*\(((?:[^()]|\([^()]*\))*)\)")]
    private static partial Regex ErrcodeCall();

    [GeneratedRegex(@"\bERRCODE_[A-Z_]+")]
    private static partial Regex ErrcodeName();

    [GeneratedRegex(@"#define\s+(PGML_ERRCODE_\w+)\s+(ERRCODE_\w+)")]
    private static partial Regex ShimDefine();

    [GeneratedRegex(@"#define\s+PGML_SQLSTATE_FALLBACK\s+""([^""]*)""")]
    private static partial Regex FallbackMatch();

    [GeneratedRegex(@"#define\s+(ERRCODE_\w+)\s+MAKE_SQLSTATE\(([^)]*)\)")]
    private static partial Regex PostgresDefine();
}
