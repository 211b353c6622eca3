using System.Globalization;
using System.Text;

namespace Pgml.Bench.Report;

/// <summary>Writes report.md and the charts for one results folder.</summary>
public sealed class Report(Results results, string dir, string docsLink)
{
    private readonly StringBuilder _md = new();
    private readonly List<string> _omitted = [];
    private readonly List<Summary> _summaries = Analysis.Summarize(results.Serving ?? []);

    public IReadOnlyList<string> Charts { get; private set; } = [];

    public string Write()
    {
        var charts = new List<string>();
        Header();
        Machine();
        Commands();
        Load();
        Training(charts);
        Agreement();
        foreach (var scenario in _summaries.Select(s => s.Scenario).Distinct())
            Serving(scenario, charts);
        RoundTrip(charts);
        if (_summaries.Count == 0) _omitted.Add("Serving: results.json has no serving rows.");
        else if (!_summaries.Any(s => s.Scenario.Layout != "local"))
            _omitted.Add("Serving over a network layout: this run has only the local layout.");
        Memory(charts);
        PublishedSideBySide(charts);
        if (_omitted.Count > 0)
        {
            Line("## Left out of this report");
            Line();
            foreach (string o in _omitted) Line($"- {o}");
            Line();
        }
        Charts = charts;
        string path = Path.Combine(dir, "report.md");
        File.WriteAllText(path, _md.ToString());
        return path;
    }

    private void Line(string s = "") => _md.Append(s).Append('\n');

    private static string Sys(string? system) => system switch
    {
        "pgml" => "pgml",
        "python" => "Python",
        "csharp" => "C#",
        "floor" => "floor",
        null => "?",
        _ => system,
    };

    private void Header()
    {
        RunInfo? run = results.Run;
        Line("# Benchmark report: pgml against a Python and a C# microservice");
        Line();
        Line($"Generated from `results.json` by `bench/Pgml.Bench.Report`. The method, and what differs from PostgresML's " +
             $"original benchmark and why: [docs/benchmark.md]({docsLink}) " +
             $"([what differs from the original]({docsLink}#what-differs-from-the-original)).");
        Line();
        if (run is null)
        {
            _omitted.Add("Run description: results.json has no `run` object.");
            return;
        }
        string duration = "";
        if (DateTimeOffset.TryParse(run.Started, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var a) &&
            DateTimeOffset.TryParse(run.Finished, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var b))
            duration = $" ({(b - a).TotalMinutes.ToString("0", CultureInfo.InvariantCulture)} min)";
        Line($"Run: **{run.Size ?? "?"}**, {Fmt.Int(run.Rows)} rows of synthetic flights, seed {run.Seed?.ToString(CultureInfo.InvariantCulture) ?? Fmt.None}; " +
             $"started {run.Started ?? Fmt.None}, finished {run.Finished ?? Fmt.None}{duration}.");
        Line();
        Line("Every figure is the median over the repetitions of a configuration, with the smallest and largest in " +
             "parentheses when they differ. The machine is small and shared: read ratios within this run, not absolute figures across runs.");
        Line();
    }

    private void Machine()
    {
        MachineInfo? m = results.Run?.Machine;
        if (m is null)
        {
            _omitted.Add("Machine description: results.json has no `run.machine`.");
            return;
        }
        Line("## Machine");
        Line();
        Line("| | |");
        Line("|---|---|");
        Line($"| CPU | {Fmt.Cell(m.Cpu)} |");
        Line($"| cores | {m.Cores?.ToString(CultureInfo.InvariantCulture) ?? Fmt.None} |");
        Line($"| memory | {(m.MemoryGb is { } g ? Fmt.Num(g) + " GB" : Fmt.None)} |");
        Line($"| kernel | {Fmt.Cell(m.Kernel)} |");
        Line($"| PostgreSQL | {Fmt.Cell(m.Postgres)} |");
        Line($"| XGBoost | {Fmt.Cell(m.Xgboost)} |");
        Line($"| .NET | {Fmt.Cell(m.Dotnet)} |");
        Line($"| Python | {Fmt.Cell(m.Python)} |");
        Line();
        Line("PostgresML's original ran on an AMD Ryzen 7 5800X (8 cores, 16 threads, 32 GB) for the local figures, and on " +
             "EC2 (c5.4xlarge servers, c5.large client and Redis) for the networked ones.");
        Line();
    }

    private void Commands()
    {
        List<string>? cmds = results.Run?.Commands;
        if (cmds is null || cmds.Count == 0)
        {
            _omitted.Add("Commands: results.json lists none.");
            return;
        }
        Line("## Commands");
        Line();
        Line("As run (from `results.json`):");
        Line();
        Line("```sh");
        foreach (string c in cmds) Line(c);
        Line("```");
        Line();
    }

    private void Load()
    {
        LoadInfo? l = results.Load;
        if (l is null)
        {
            _omitted.Add("Load times: results.json has no `load` object.");
            return;
        }
        Line("## Loading the data");
        Line();
        Line("| store | rows | seconds | rows per second |");
        Line("|---|---:|---:|---:|");
        Line($"| PostgreSQL (`COPY`) | {Fmt.Int(l.PostgresRows)} | {Fmt.Num(l.PostgresCopySeconds)} | {Fmt.Num(Analysis.Ratio(l.PostgresRows, l.PostgresCopySeconds))} |");
        Line($"| Redis (the Python loader: `LPUSH` pipelined by 10,000) | {Fmt.Int(l.RedisRows)} | {Fmt.Num(l.RedisLoadSeconds)} | {Fmt.Num(Analysis.Ratio(l.RedisRows, l.RedisLoadSeconds))} |");
        Line();
        double? perRow = Analysis.Ratio(Analysis.Ratio(l.RedisLoadSeconds, l.RedisRows), Analysis.Ratio(l.PostgresCopySeconds, l.PostgresRows));
        if (perRow is not null)
            Line($"Per row, loading Redis took {Fmt.Ratio(perRow)} as long as PostgreSQL's `COPY`. " +
                 "(The original loaded only a subset into Redis: all 28M rows with one Python process took hours, `COPY` about a minute.)");
        else
            Line("Only one of the two loads is in this run.");
        Line();
    }

    private void Training(List<string> charts)
    {
        var rows = (results.Training ?? []).Where(t => t.System is not null).ToList();
        if (rows.Count == 0)
        {
            _omitted.Add("Training: results.json has no training rows.");
            return;
        }
        Line("## Training");
        Line();
        charts.Add(Report.Chart(() => Pgml.Bench.Report.Charts.Training(dir, rows)));
        Line($"![training time and peak memory]({charts[^1]})");
        Line();
        Line("| system | wall time | peak RSS | r2 on the test split |");
        Line("|---|---:|---:|---:|");
        foreach (var t in rows)
            Line($"| {Sys(t.System)} | {Fmt.Seconds(t.Seconds)} | {Fmt.Bytes(t.PeakRssBytes)} | {(t.R2 is { } r ? r.ToString("0.0000", CultureInfo.InvariantCulture) : Fmt.None)} |");
        Line();
        TrainingRow? pg = rows.FirstOrDefault(t => t.System == "pgml");
        TrainingRow? py = rows.FirstOrDefault(t => t.System == "python");
        if (pg is not null && py is not null)
            Line($"Python / pgml: {Fmt.Ratio(Analysis.Ratio(py.Seconds, pg.Seconds))} the time, {Fmt.Ratio(Analysis.Ratio(py.PeakRssBytes, pg.PeakRssBytes))} the peak memory " +
                 $"(PostgresML published {Fmt.Raw(Published.TrainingMemoryPythonGb)} GB against {Fmt.Raw(Published.TrainingMemoryPostgresMlGb)} GB, " +
                 $"{Fmt.Ratio(Published.TrainingMemoryPythonGb / Published.TrainingMemoryPostgresMlGb)}, and no time).");
        else
            Line("Only one system trained in this run: no ratio.");
        Line();
    }

    private void Agreement()
    {
        var rows = (results.Agreement ?? []).Where(a => a.System is not null).ToList();
        if (rows.Count == 0)
        {
            _omitted.Add("Agreement check: results.json has no agreement rows.");
            return;
        }
        var systems = rows.Select(r => r.System!).Distinct().OrderBy(s => s switch { "pgml" => 0, "python" => 1, "csharp" => 2, _ => 3 }).ToList();
        Line("## Agreement: the same model, the same answer");
        Line();
        Line("Each system predicts the same keys with the one model they all serve. XGBoost computes in float32: pgml returns " +
             "a `real`, and the services print the float32 widened to a double, so the values are compared as float32.");
        Line();
        Line($"| key | {string.Join(" | ", systems.Select(Sys))} | largest difference (float32) |");
        Line($"|---|{string.Concat(systems.Select(_ => "---:|"))}---:|");
        double worst = 0;
        foreach (var byKey in rows.GroupBy(r => r.KeyText))
        {
            var preds = systems.Select(s => byKey.FirstOrDefault(r => r.System == s)?.Prediction).ToList();
            var have = preds.Where(p => p is not null).Select(p => (double)(float)p!.Value).ToList();
            double diff = have.Count > 1 ? have.Max() - have.Min() : 0;
            worst = Math.Max(worst, diff);
            Line($"| `{byKey.Key}` | {string.Join(" | ", preds.Select(p => p?.ToString("R", CultureInfo.InvariantCulture) ?? Fmt.None))} | " +
                 $"{(have.Count > 1 ? diff.ToString("G3", CultureInfo.InvariantCulture) : Fmt.None)} |");
        }
        Line();
        Line(worst == 0 ? "Every system returns the same float32 for every key."
                        : $"**The predictions differ**, by up to {worst.ToString("G3", CultureInfo.InvariantCulture)}: the systems do not serve the same thing.");
        Line();
    }

    private void Serving(Scenario scenario, List<string> charts)
    {
        var here = _summaries.Where(s => s.Scenario == scenario).ToList();
        Line($"## Serving: {scenario.Title}");
        Line();
        if (here.Any(s => s.Throughput is not null))
        {
            charts.Add(Chart(() => Pgml.Bench.Report.Charts.Throughput(dir, scenario, here.Where(s => s.Throughput is not null).ToList())));
            Line($"![throughput]({charts[^1]})");
            Line();
        }
        if (here.Any(s => s.P50 is not null || s.P99 is not null))
        {
            charts.Add(Chart(() => Pgml.Bench.Report.Charts.Latency(dir, scenario, here)));
            Line($"![latency p50 and p99]({charts[^1]})");
            Line();
        }
        else
            _omitted.Add($"Latency chart ({scenario.Title}): no p50 or p99 in the rows.");

        Line("### Every configuration");
        Line();
        Line("pgml and floor are pgbench against PostgreSQL (floor: the same query without `pgml.predict`, the most any " +
             "PostgreSQL-side prediction could reach); Python and C# are `ab -k` against the microservices.");
        Line();
        Line("| system | protocol | clients | PgBouncer | runs | requests | throughput (req/s) | mean latency (ms) | p50 (ms) | p99 (ms) |");
        Line("|---|---|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var s in here)
            Line($"| {Sys(s.Series.System)} | {Fmt.Cell(s.Series.Protocol)} | {s.Group.Clients} | {(s.Group.Pgbouncer ? "yes" : "no")} | {s.Repetitions} | " +
                 $"{Fmt.Int(s.Requests)} | {Fmt.SpreadText(s.Throughput, Fmt.Num)} | {Fmt.SpreadText(s.Mean, Fmt.Num)} | " +
                 $"{Fmt.SpreadText(s.P50, Fmt.Num)} | {Fmt.SpreadText(s.P99, Fmt.Num)} |");
        Line();

        var pgml = here.Where(s => s.Series.System == "pgml" && s.Throughput is not null).ToList();
        if (pgml.Count == 0)
        {
            _omitted.Add($"Ratios ({scenario.Title}): no pgml rows.");
            return;
        }
        Line("### pgml against the others, per client count");
        Line();
        Line("Throughput ratios (pgml's requests per second over the other's: above 1, pgml serves more), pgml as a fraction " +
             "of the floor (same protocol and pooling), and latency ratios (the other's p50 over pgml's: above 1, pgml answers sooner). " +
             "The microservices have no PgBouncer: a pgml row through PgBouncer is compared with the services at the same client count.");
        Line();
        Line("| clients | pgml | pgml req/s | Python req/s | C# req/s | floor req/s | pgml / Python | pgml / C# | pgml / floor | p50 Python / pgml | p50 C# / pgml |");
        Line("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in pgml.OrderBy(s => s.Group.Clients).ThenBy(s => s.Group.Pgbouncer).ThenBy(s => s.Series.Order))
        {
            Summary? py = Find(here, "python", null, p.Group.Clients, false);
            Summary? cs = Find(here, "csharp", null, p.Group.Clients, false);
            Summary? floor = Find(here, "floor", p.Series.Protocol, p.Group.Clients, p.Group.Pgbouncer);
            double? t = p.Throughput?.Median;
            Line($"| {p.Group.Clients} | {p.Series.Protocol}{(p.Group.Pgbouncer ? ", PgBouncer" : "")} | {Fmt.Num(t)} | {Fmt.Num(py?.Throughput?.Median)} | " +
                 $"{Fmt.Num(cs?.Throughput?.Median)} | {Fmt.Num(floor?.Throughput?.Median)} | " +
                 $"{Fmt.Ratio(Analysis.Ratio(t, py?.Throughput?.Median))} | {Fmt.Ratio(Analysis.Ratio(t, cs?.Throughput?.Median))} | " +
                 $"{Fmt.Percent(Analysis.Ratio(t, floor?.Throughput?.Median))} | " +
                 $"{Fmt.Ratio(Analysis.Ratio(py?.P50?.Median, p.P50?.Median))} | {Fmt.Ratio(Analysis.Ratio(cs?.P50?.Median, p.P50?.Median))} |");
        }
        Line();
        if (!here.Any(s => s.Series.System == "python")) _omitted.Add($"pgml / Python ({scenario.Title}): no Python rows.");
        if (!here.Any(s => s.Series.System == "csharp")) _omitted.Add($"pgml / C# ({scenario.Title}): no C# rows.");
        if (!here.Any(s => s.Series.System == "floor")) _omitted.Add($"pgml / floor ({scenario.Title}): no floor rows.");
    }

    private void RoundTrip(List<string> charts)
    {
        var networked = _summaries.Where(s => s.Scenario.Layout != "local" && s.Throughput is not null && !s.Group.Pgbouncer).ToList();
        if (networked.Select(s => s.Scenario).Distinct().Count() < 2) return;
        Line("## Serving over the network: the effect of the round trip");
        Line();
        Line("The same systems at each added round trip (the delay is added on every network path: client to application, and " +
             "for the microservices application to Redis too).");
        Line();
        charts.Add(Chart(() => Pgml.Bench.Report.Charts.ByRtt(dir, networked)));
        Line($"![throughput by added round trip]({charts[^1]})");
        Line();
        var scenarios = networked.Select(s => s.Scenario).Distinct().ToList();
        Line($"| system | clients | {string.Join(" | ", scenarios.Select(s => Fmt.Sig(s.RttMs) + " ms"))} |");
        Line($"|---|---:|{string.Concat(scenarios.Select(_ => "---:|"))}");
        foreach (var g in networked.GroupBy(s => (s.Series, s.Group.Clients)).OrderBy(g => g.Key.Series.Order).ThenBy(g => g.Key.Clients))
            Line($"| {g.Key.Series.Label} | {g.Key.Clients} | {string.Join(" | ", scenarios.Select(sc => Fmt.Num(g.FirstOrDefault(x => x.Scenario == sc)?.Throughput?.Median)))} |");
        Line();
        Line("Requests per second (median of the runs).");
        Line();
    }

    private static Summary? Find(IEnumerable<Summary> s, string system, string? protocol, int clients, bool pgbouncer) =>
        s.FirstOrDefault(x => x.Series.System == system && (protocol is null || x.Series.Protocol == protocol)
                              && x.Group.Clients == clients && x.Group.Pgbouncer == pgbouncer && x.Throughput is not null);

    private void Memory(List<string> charts)
    {
        var rows = (results.Memory ?? []).Where(m => m.System is not null)
            .OrderBy(m => m.System switch { "pgml" => 0, "python" => 1, "csharp" => 2, _ => 3 }).ToList();
        if (rows.Count == 0)
        {
            _omitted.Add("Serving memory: results.json has no memory rows.");
            return;
        }
        Line("## Serving memory");
        Line();
        charts.Add(Chart(() => Pgml.Bench.Report.Charts.Memory(dir, rows)));
        Line($"![serving memory]({charts[^1]})");
        Line();
        Line("RSS counts every page a process maps, shared ones in full; Pss splits each shared page between the processes " +
             "that map it, so Pss adds up across processes and RSS does not.");
        Line();
        MemoryRow? pg = rows.FirstOrDefault(r => r.System == "pgml");
        Line("| system | processes | RSS | Pss | RSS / pgml's | Pss / pgml's |");
        Line("|---|---:|---:|---:|---:|---:|");
        foreach (var m in rows)
            Line($"| {Sys(m.System)} | {(m.Processes is { Count: > 0 } p ? p.Count.ToString(CultureInfo.InvariantCulture) : Fmt.None)} | {Fmt.Mib(m.RssBytes)} | {Fmt.Mib(m.PssBytes)} | " +
                 $"{(m == pg ? "1" : Fmt.Ratio(Analysis.Ratio(m.RssBytes, pg?.RssBytes)))} | {(m == pg ? "1" : Fmt.Ratio(Analysis.Ratio(m.PssBytes, pg?.PssBytes)))} |");
        Line();
        var procs = rows.Where(r => r.Processes is { Count: > 0 }).ToList();
        if (procs.Count > 0)
        {
            Line("<details><summary>Per process</summary>");
            Line();
            Line("| system | process | pid | RSS | Pss |");
            Line("|---|---|---:|---:|---:|");
            foreach (var m in procs)
                foreach (var p in m.Processes!)
                    Line($"| {Sys(m.System)} | {Fmt.Cell(p.Name)} | {p.Pid?.ToString(CultureInfo.InvariantCulture) ?? Fmt.None} | {Fmt.Mib(p.RssBytes)} | {Fmt.Mib(p.PssBytes)} |");
            Line();
            Line("</details>");
            Line();
        }
        Line($"PostgresML published {Fmt.Raw(Published.InferenceMemoryPythonMb)} MB for Python against {Fmt.Raw(Published.InferenceMemoryPostgresMlMb)} MB " +
             $"for PostgresML ({Fmt.Ratio(Published.InferenceMemoryPythonMb / Published.InferenceMemoryPostgresMlMb)}; the text says 7 times), without saying which " +
             "processes or which measure; Redis was not counted.");
        Line();
    }

    private void PublishedSideBySide(List<string> charts)
    {
        Line("## PostgresML's published figures, side by side");
        Line();
        Line("From \"PostgresML is 8-40x faster than Python HTTP microservices\" (Lev Kokotov, October 2022). Its charts carry " +
             "no data labels: these values were **read off the charts by eye, about ±5%**. Their latency is the mean " +
             "(it matches clients / throughput), so this run's rows give the mean latency too. This run's pgml uses pgbench's " +
             "default (simple) protocol where it was measured, as the original did. The microservices have no PgBouncer: " +
             "their \"20 + PgBouncer\" column repeats 20 clients and their \"100 + PgBouncer\" column is 100 clients, as in the " +
             "original's charts. The post's text says 1, 5 and 20 connections, but its charts' second column is 10 clients " +
             "(so is the README's `pgbench -c 10`, and clients / throughput matches their latency only for 10); a client " +
             "count measured only in this run gets its own column, with no published figure.");
        Line();
        // The published columns, and any client count of this run's pgml that they lack (e.g. 5).
        var columns = Published.Columns.Concat(_summaries.Where(s => s.Series.System == "pgml").Select(s => s.Group))
            .Distinct().OrderBy(g => g.Clients).ThenBy(g => g.Pgbouncer).ToList();
        string head = $"| | {string.Join(" | ", columns.Select(c => c.Label))} |";
        string rule = $"|---|{string.Concat(columns.Select(_ => "---:|"))}";
        IEnumerable<string> Pub<T>(T[] values, Func<T, string> f) =>
            columns.Select(c => Array.IndexOf(Published.Columns, c) is var i and >= 0 ? f(values[i]) : Fmt.None);
        double?[] PubRatio(double[] a, double[] b) =>
            columns.Select(c => Array.IndexOf(Published.Columns, c) is var i and >= 0 ? (double?)(a[i] / b[i]) : null).ToArray();

        Scenario? local = _summaries.Select(s => s.Scenario).FirstOrDefault(s => s.Layout == "local");

        Line("### Local: PostgresML's Ryzen 7 5800X, and this run's local layout");
        Line();
        Line(head);
        Line(rule);
        Row("published: Python (req/s)", Pub(Published.LocalPythonRps, v => "~" + Fmt.Raw(v)));
        Row("published: PostgresML (req/s)", Pub(Published.LocalPostgresMlRps, v => "~" + Fmt.Raw(v)));
        Row("published: PostgresML / Python", PubRatio(Published.LocalPostgresMlRps, Published.LocalPythonRps).Select(Fmt.Ratio));
        Row("published: latency Python", Pub(Published.LocalPythonMs, v => "~" + Fmt.Raw(v) + " ms"));
        Row("published: latency PostgresML", Pub(Published.LocalPostgresMlMs, v => "~" + Fmt.Raw(v) + " ms"));
        double?[] oursLocal = OurRows(local, "this run", columns);
        Line();
        Line("### Networked: PostgresML's EC2, and this run's networked layout");
        Line();
        Line(head);
        Line(rule);
        Row("published: Python (req/s)", Pub(Published.Ec2PythonRps, v => "~" + Fmt.Raw(v)));
        Row("published: PostgresML (req/s)", Pub(Published.Ec2PostgresMlRps, v => "~" + Fmt.Raw(v)));
        Row("published: PostgresML / Python", PubRatio(Published.Ec2PostgresMlRps, Published.Ec2PythonRps).Select(Fmt.Ratio));
        Row("published: latency Python", Pub(Published.Ec2PythonMs, v => v + " ms"));
        Row("published: latency PostgresML", Pub(Published.Ec2PostgresMlMs, v => v + " ms"));
        var nets = _summaries.Select(s => s.Scenario).Where(s => s.Layout != "local").Distinct().ToList();
        var oursNet = nets.Select(n => (Scenario: n, Ratios: OurRows(n, $"this run ({n.Short})", columns))).ToList();
        Line();
        if (nets.Count == 0)
            Line("This run has no networked layout: the published EC2 figures stand alone.");
        else
            Line("This run's networked layout is network namespaces on the same machine, with the added round trip shown, " +
                 "not separate machines in a VPC.");
        Line();
        Line($"Memory: published {Fmt.Raw(Published.InferenceMemoryPythonMb)} MB (Python) against {Fmt.Raw(Published.InferenceMemoryPostgresMlMb)} MB (PostgresML) " +
             $"while serving, {Fmt.Raw(Published.TrainingMemoryPythonGb)} GB against {Fmt.Raw(Published.TrainingMemoryPostgresMlGb)} GB while training; " +
             "this run's are in the sections above.");
        Line();

        var series = new List<(string, double?[])>
        {
            ("published, local (Ryzen 5800X)", PubRatio(Published.LocalPostgresMlRps, Published.LocalPythonRps)),
            ("published, EC2", PubRatio(Published.Ec2PostgresMlRps, Published.Ec2PythonRps)),
        };
        if (oursLocal.Any(v => v is not null)) series.Add(("this run, local", oursLocal));
        foreach (var (n, r) in oursNet)
            if (r.Any(v => v is not null)) series.Add(($"this run, {n.Short}", r));
        charts.Add(Chart(() => Pgml.Bench.Report.Charts.Ratios(dir, columns.Select(c => c.TickLabel).ToList(), series)));
        Line($"![pgml / Python, published and this run]({charts[^1]})");
        Line();
    }

    /// <summary>This run's rows for a side-by-side table; returns pgml / Python per column for the chart.</summary>
    private double?[] OurRows(Scenario? scenario, string prefix, IReadOnlyList<Group> columns)
    {
        var ratios = new double?[columns.Count];
        if (scenario is null) return ratios;
        var here = _summaries.Where(s => s.Scenario == scenario).ToList();
        string protocol = here.Any(s => s.Series.System == "pgml" && s.Series.Protocol == "simple") ? "simple" : "prepared";
        Summary?[] pg = columns.Select(c => Find(here, "pgml", protocol, c.Clients, c.Pgbouncer)).ToArray();
        // a PgBouncer column shows the services (which have none) only beside a pgml figure through PgBouncer
        bool Shown(int i) => !columns[i].Pgbouncer || pg[i] is not null;
        Summary?[] py = columns.Select((c, i) => Shown(i) ? Find(here, "python", null, c.Clients, false) : null).ToArray();
        Summary?[] cs = columns.Select((c, i) => Shown(i) ? Find(here, "csharp", null, c.Clients, false) : null).ToArray();
        for (int i = 0; i < ratios.Length; i++) ratios[i] = Analysis.Ratio(pg[i]?.Throughput?.Median, py[i]?.Throughput?.Median);
        Row($"{prefix}: Python (req/s)", py.Select(s => Fmt.Num(s?.Throughput?.Median)));
        Row($"{prefix}: C# (req/s)", cs.Select(s => Fmt.Num(s?.Throughput?.Median)));
        Row($"{prefix}: pgml, {protocol} (req/s)", pg.Select(s => Fmt.Num(s?.Throughput?.Median)));
        Row($"{prefix}: pgml / Python", ratios.Select(Fmt.Ratio));
        Row($"{prefix}: pgml / C#", pg.Zip(cs, (a, b) => Fmt.Ratio(Analysis.Ratio(a?.Throughput?.Median, b?.Throughput?.Median))));
        Row($"{prefix}: mean latency Python", py.Select(s => Fmt.Ms(s?.Mean?.Median)));
        Row($"{prefix}: mean latency C#", cs.Select(s => Fmt.Ms(s?.Mean?.Median)));
        Row($"{prefix}: mean latency pgml", pg.Select(s => Fmt.Ms(s?.Mean?.Median)));
        return ratios;
    }

    private void Row(string label, IEnumerable<string> cells)
    {
        var list = cells.ToList();
        if (list.All(c => c == Fmt.None)) return; // a system this run did not measure
        Line($"| {label} | {string.Join(" | ", list)} |");
    }

    private static string Chart(Func<string> draw) => draw();
}
