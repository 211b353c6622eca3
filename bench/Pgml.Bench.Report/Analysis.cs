using System.Globalization;

namespace Pgml.Bench.Report;

/// <summary>A network layout: "local" (loopback) or "netns" (network namespaces, with an added round trip).</summary>
public sealed record Scenario(string Layout, double RttMs)
{
    public string Title => Layout == "local"
        ? "local (client and servers on one machine, loopback)"
        : $"{Layout}, {Fmt.Sig(RttMs)} ms added round trip";

    public string Short => Layout == "local" ? "local" : $"{Layout}, {Fmt.Sig(RttMs)} ms";

    public string FileSuffix => Layout == "local" && RttMs == 0 ? Layout : $"{Layout}-rtt{RttMs.ToString("0.###", CultureInfo.InvariantCulture)}";

    public int Order => Layout == "local" ? 0 : 1;
}

/// <summary>A series in the charts: a system, and its protocol for the PostgreSQL ones.</summary>
public sealed record Series(string System, string Protocol)
{
    public string Label => System switch
    {
        "pgml" => $"pgml ({Protocol})",
        "floor" => $"floor: features only ({Protocol})",
        "python" => "Python (Flask + Redis)",
        "csharp" => "C# (ASP.NET Core + Redis)",
        _ => Protocol is "" or "http" ? System : $"{System} ({Protocol})",
    };

    public int Order => (System switch { "pgml" => 0, "floor" => 2, "python" => 4, "csharp" => 6, _ => 8 })
                        + (Protocol == "prepared" ? 1 : 0);

    public bool IsPostgres => System is "pgml" or "floor";
}

/// <summary>A client count, with or without PgBouncer in front of PostgreSQL.</summary>
public sealed record Group(int Clients, bool Pgbouncer)
{
    public string Label => Pgbouncer ? $"{Clients} + PgBouncer" : Clients.ToString(CultureInfo.InvariantCulture);
    public string TickLabel => Pgbouncer ? $"{Clients}\n+ PgBouncer" : Clients.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The median of the repetitions, with their minimum and maximum.</summary>
public sealed record Spread(double Median, double Min, double Max, int Count)
{
    public static Spread? Of(IEnumerable<double?> values)
    {
        double[] v = values.Where(x => x is { } d && double.IsFinite(d)).Select(x => x!.Value).Order().ToArray();
        if (v.Length == 0) return null;
        double median = v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
        return new Spread(median, v[0], v[^1], v.Length);
    }
}

public sealed record Summary(Scenario Scenario, Series Series, Group Group, int Repetitions, long Requests,
                             Spread? Throughput, Spread? Mean, Spread? P50, Spread? P99);

public static class Analysis
{
    public static List<Summary> Summarize(IEnumerable<ServingRow> rows) =>
        rows.Where(r => r.System is not null && r.Clients is not null)
            .GroupBy(r => (Scenario: new Scenario(r.Layout ?? "local", r.RttMs ?? 0),
                           Series: new Series(r.System!, r.Protocol ?? ""),
                           Group: new Group(r.Clients!.Value, r.Pgbouncer ?? false)))
            .Select(g => new Summary(g.Key.Scenario, g.Key.Series, g.Key.Group, g.Count(), g.Sum(r => r.Requests ?? 0),
                                     Spread.Of(g.Select(r => r.Throughput)), Spread.Of(g.Select(r => r.LatencyMeanMs)),
                                     Spread.Of(g.Select(r => r.LatencyP50Ms)), Spread.Of(g.Select(r => r.LatencyP99Ms))))
            .OrderBy(s => s.Scenario.Order).ThenBy(s => s.Scenario.RttMs).ThenBy(s => s.Series.Order)
            .ThenBy(s => s.Group.Clients).ThenBy(s => s.Group.Pgbouncer)
            .ToList();

    public static double? Ratio(double? a, double? b) => a is { } x && b is { } y && y != 0 && double.IsFinite(x / y) ? x / y : null;
}

/// <summary>Number formatting for the report and the charts (invariant culture).</summary>
public static class Fmt
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;
    public const string None = "–";

    public static string Num(double? v) => v is not { } d ? None
        : Math.Abs(d) >= 1000 ? d.ToString("#,0", C)
        : Math.Abs(d) >= 100 ? d.ToString("0", C)
        : Math.Abs(d) >= 10 ? d.ToString("0.0", C)
        : Math.Abs(d) >= 1 ? d.ToString("0.00", C)
        : d == 0 ? "0" : d.ToString("0.###", C);

    /// <summary>A value as given (published figures): no added digits.</summary>
    public static string Raw(double v) => v.ToString("#,0.###", C);

    /// <summary>Three significant digits, no trailing zeros: 0.265, 1.5, 20, 230, 1,240.</summary>
    public static string Sig(double v)
    {
        if (v == 0 || !double.IsFinite(v)) return Num(v);
        int digits = Math.Max(0, 2 - (int)Math.Floor(Math.Log10(Math.Abs(v))));
        return Math.Round(v, digits).ToString("#,0." + new string('#', digits), C);
    }

    public static string Int(long? v) => v is { } x ? x.ToString("#,0", C) : None;

    /// <summary>Requests per second, short, for bar labels: 950, 5.9k, 32k.</summary>
    public static string Short(double v) =>
        v >= 100_000 ? (v / 1000).ToString("0", C) + "k"
        : v >= 1000 ? (v / 1000).ToString(v >= 10_000 ? "0" : "0.0", C) + "k"
        : Num(v);

    public static string Mib(double? bytes) => bytes is { } b ? (b / (1024 * 1024)).ToString(b >= 100 * 1024 * 1024 ? "#,0" : "0.0", C) + " MiB" : None;

    public static string Gib(double? bytes) => bytes is { } b ? (b / (1024.0 * 1024 * 1024)).ToString("0.00", C) + " GiB" : None;

    public static string Bytes(double? bytes) => bytes is { } b && b >= 1024.0 * 1024 * 1024 ? Gib(b) : Mib(bytes);

    public static string Ratio(double? r) => r is { } x ? x.ToString(x >= 10 ? "0.0" : "0.00", C) + "x" : None;

    public static string Percent(double? r) => r is { } x ? (x * 100).ToString("0", C) + "%" : None;

    public static string Seconds(double? s) => s is { } x ? Num(x) + " s" : None;

    public static string Ms(double? ms) => ms is { } x ? Num(x) + " ms" : None;

    public static string SpreadText(Spread? s, Func<double?, string> f) =>
        s is null ? None : s.Count > 1 && s.Min != s.Max ? $"{f(s.Median)} ({f(s.Min)}–{f(s.Max)})" : f(s.Median);

    public static string Cell(string? s) => string.IsNullOrEmpty(s) ? None : s.Replace("|", "\\|").Replace("\n", " ");
}
