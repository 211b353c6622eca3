using ScottPlot;

namespace Pgml.Bench.Report;

/// <summary>The PNG charts (ScottPlot 5). Each returns the file name it wrote, relative to the results folder.</summary>
public static class Charts
{
    private const int Width = 1400;
    private const string Font = "DejaVu Sans";

    private static Color SeriesColor(Series s) => (s.System, s.Protocol) switch
    {
        ("pgml", "prepared") => Color.FromHex("#6baed6"),
        ("pgml", _) => Color.FromHex("#1f5fa8"),
        ("floor", "prepared") => Color.FromHex("#d0d0d0"),
        ("floor", _) => Color.FromHex("#8c8c8c"),
        ("python", _) => Color.FromHex("#f28e2b"),
        ("csharp", _) => Color.FromHex("#59a14f"),
        _ => Color.FromHex("#b07aa1"),
    };

    /// <summary>Throughput by client count: bars per series (median of the repetitions, whiskers min-max).</summary>
    public static string Throughput(string dir, Scenario scenario, IReadOnlyList<Summary> summaries)
    {
        var plot = new Plot();
        GroupedBars(plot, summaries, s => s.Throughput, Fmt.Short);
        plot.Title($"Throughput, {scenario.Title}");
        plot.Axes.Left.Label.Text = "requests per second (median; whiskers: min-max)";
        plot.Axes.Bottom.Label.Text = "clients";
        string file = $"throughput-{scenario.FileSuffix}.png";
        plot.SavePng(Path.Combine(dir, file), Width, 640);
        return file;
    }

    /// <summary>Latency by client count: p50 above, p99 below, same bars and colours.</summary>
    public static string Latency(string dir, Scenario scenario, IReadOnlyList<Summary> summaries)
    {
        var p50 = new Plot();
        GroupedBars(p50, summaries, s => s.P50, Fmt.Sig, log: true);
        p50.Title($"Latency, {scenario.Title}: p50");
        p50.Axes.Left.Label.Text = "ms, log scale (median of runs; whiskers: min-max)";
        p50.Axes.Bottom.Label.Text = "clients";

        var p99 = new Plot();
        GroupedBars(p99, summaries, s => s.P99, Fmt.Sig, log: true);
        p99.Title("p99");
        p99.Axes.Left.Label.Text = "ms, log scale (median of runs; whiskers: min-max)";
        p99.Axes.Bottom.Label.Text = "clients";

        var multiplot = new Multiplot(p50);
        multiplot.AddPlot(p99);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Rows();
        string file = $"latency-{scenario.FileSuffix}.png";
        multiplot.SavePng(Path.Combine(dir, file), Width, 1100);
        return file;
    }

    /// <summary>
    /// Throughput as the added round trip grows (network namespaces): one panel per client count, groups = RTT,
    /// PostgreSQL without PgBouncer.
    /// </summary>
    public static string ByRtt(string dir, IReadOnlyList<Summary> networked)
    {
        var direct = networked.Where(s => !s.Group.Pgbouncer && s.Throughput is not null).ToList();
        var clientCounts = direct.Select(s => s.Group.Clients).Distinct().Order().ToList();
        Plot? first = null;
        Multiplot? multiplot = null;
        foreach (int c in clientCounts)
        {
            var plot = new Plot();
            GroupedBars(plot, direct.Where(s => s.Group.Clients == c).ToList(), s => s.Throughput, Fmt.Short,
                        groupOf: s => (s.Scenario.RttMs, $"{Fmt.Sig(s.Scenario.RttMs)} ms"));
            plot.Title($"Throughput by added round trip ({direct[0].Scenario.Layout}), {c} client{(c == 1 ? "" : "s")}");
            plot.Axes.Left.Label.Text = "requests per second";
            plot.Axes.Bottom.Label.Text = "added round trip on each network path";
            if (first is null) { first = plot; multiplot = new Multiplot(plot); }
            else multiplot!.AddPlot(plot);
        }
        string file = "throughput-by-rtt.png";
        multiplot!.Layout = new ScottPlot.MultiplotLayouts.Rows();
        multiplot.SavePng(Path.Combine(dir, file), Width, 520 * clientCounts.Count);
        return file;
    }

    /// <summary>Serving memory per system: RSS and Pss side by side.</summary>
    public static string Memory(string dir, IReadOnlyList<MemoryRow> rows)
    {
        var plot = new Plot();
        var rss = new List<Bar>();
        var pss = new List<Bar>();
        var ticks = new List<(double, string)>();
        double top = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            MemoryRow r = rows[i];
            AddBar(plot, rss, i - 0.2, r.RssBytes / (1024 * 1024), Color.FromHex("#4e79a7"), v => Fmt.Num(v) + " MiB", ref top);
            AddBar(plot, pss, i + 0.2, r.PssBytes / (1024 * 1024), Color.FromHex("#a0cbe8"), v => Fmt.Num(v) + " MiB", ref top);
            int n = r.Processes?.Count ?? 0;
            ticks.Add((i, SystemName(r.System) + (n > 0 ? $"\n{n} process{(n == 1 ? "" : "es")}" : "")));
        }
        plot.Add.Bars(rss).LegendText = "RSS";
        plot.Add.Bars(pss).LegendText = "Pss (shared pages split between processes)";
        Finish(plot, ticks, top);
        plot.Title("Serving memory (all processes of each system)");
        plot.Axes.Left.Label.Text = "MiB";
        plot.ShowLegend(Edge.Right);
        string file = "memory.png";
        plot.SavePng(Path.Combine(dir, file), 1200, 560);
        return file;
    }

    /// <summary>Training: wall time and peak memory per system, side by side.</summary>
    public static string Training(string dir, IReadOnlyList<TrainingRow> rows)
    {
        var time = new Plot();
        var mem = new Plot();
        var ticks = rows.Select((r, i) => ((double)i, SystemName(r.System))).ToList();
        double topT = 0, topM = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            Color c = SeriesColor(new Series(rows[i].System ?? "", ""));
            var b1 = new List<Bar>();
            AddBar(time, b1, i, rows[i].Seconds, c, v => Fmt.Num(v) + " s", ref topT, 0.6);
            if (b1.Count > 0) time.Add.Bars(b1);
            var b2 = new List<Bar>();
            AddBar(mem, b2, i, rows[i].PeakRssBytes / (1024.0 * 1024 * 1024), c, v => Fmt.Num(v) + " GiB", ref topM, 0.6);
            if (b2.Count > 0) mem.Add.Bars(b2);
        }
        Finish(time, ticks, topT);
        Finish(mem, ticks, topM);
        time.Title("Training: wall time");
        time.Axes.Left.Label.Text = "seconds";
        mem.Title("Training: peak RSS");
        mem.Axes.Left.Label.Text = "GiB";
        var multiplot = new Multiplot(time);
        multiplot.AddPlot(mem);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        string file = "training.png";
        multiplot.SavePng(Path.Combine(dir, file), 1100, 500);
        return file;
    }

    /// <summary>pgml's throughput over the Python service's, per column of the original's charts: theirs and ours.</summary>
    public static string Ratios(string dir, IReadOnlyList<string> columns, IReadOnlyList<(string Label, double?[] Values)> series)
    {
        var plot = new Plot();
        Color[] colors = [Color.FromHex("#bab0ac"), Color.FromHex("#79706e"), Color.FromHex("#1f5fa8"), Color.FromHex("#4a90c8"), Color.FromHex("#7fb8e0"), Color.FromHex("#b3d7f0"), Color.FromHex("#d6eaf8")];
        int n = series.Count;
        int widest = Math.Max(1, Enumerable.Range(0, columns.Count).Max(g => series.Count(x => x.Values[g] is not null)));
        double width = 0.84 / widest;
        bool vertical = widest > 4;
        var bars = series.Select(_ => new List<Bar>()).ToList();
        double top = 0;
        for (int g = 0; g < columns.Count; g++)
        {
            var present = Enumerable.Range(0, n).Where(k => series[k].Values[g] is not null).ToList();
            for (int j = 0; j < present.Count; j++)
            {
                int k = present[j];
                double v = series[k].Values[g]!.Value;
                double x = g - width * present.Count / 2 + width * (j + 0.5);
                bars[k].Add(new Bar { Position = x, Value = v, Size = width * 0.92, FillColor = colors[k % colors.Length], LineWidth = 0 });
                var text = plot.Add.Text(Fmt.Sig(v) + "x", x, v);
                text.LabelFontSize = 11;
                text.LabelFontName = Font;
                text.LabelRotation = vertical ? -90 : 0;
                text.LabelAlignment = vertical ? Alignment.MiddleLeft : Alignment.LowerCenter;
                text.OffsetY = vertical ? -4 : -2;
                top = Math.Max(top, v);
            }
        }
        for (int k = 0; k < n; k++)
        {
            if (bars[k].Count == 0) continue;
            var bp = plot.Add.Bars(bars[k]);
            bp.LegendText = series[k].Label;
            bp.Color = colors[k % colors.Length];
        }
        Finish(plot, columns.Select((c, i) => ((double)i, c)).ToList(), top, vertical ? 1.2 : 1.12);
        plot.Add.HorizontalLine(1, 1, Colors.Black, LinePattern.Dashed);
        plot.Title("pgml / Python throughput: PostgresML's published figures and this run");
        plot.Axes.Left.Label.Text = "times the Python service's requests per second";
        plot.Axes.Bottom.Label.Text = "clients";
        plot.ShowLegend(Edge.Right);
        string file = "ratios.png";
        plot.SavePng(Path.Combine(dir, file), 1400, 600);
        return file;
    }

    private static string SystemName(string? system) => system switch
    {
        "pgml" => "pgml",
        "python" => "Python",
        "csharp" => "C#",
        null => "?",
        _ => system,
    };

    /// <summary>
    /// Bars grouped by client count, one colour per series, only the series measured in a group; whiskers from the
    /// smallest to the largest repetition; the median printed above each bar. With <paramref name="log"/>, a
    /// logarithmic value axis (latencies span three decades).
    /// </summary>
    private static void GroupedBars(Plot plot, IReadOnlyList<Summary> summaries, Func<Summary, Spread?> value, Func<double, string> label,
                                    bool log = false, bool legend = true, Func<Summary, (double Order, string Label)>? groupOf = null)
    {
        groupOf ??= s => (s.Group.Clients + (s.Group.Pgbouncer ? 0.5 : 0), s.Group.TickLabel);
        var groups = summaries.Select(groupOf).Distinct().OrderBy(g => g.Order).ToList();
        var series = summaries.Select(s => s.Series).Distinct().OrderBy(s => s.Order).ToList();
        int widest = Math.Max(1, groups.Max(g => summaries.Count(s => groupOf(s) == g && value(s) is not null)));
        double width = 0.84 / widest;
        bool vertical = widest > 4; // labels turned upright so that neighbours do not overlap
        var all = summaries.Select(value).Where(v => v is not null).Select(v => v!).ToList();
        double bottom = 0;
        if (log)
        {
            double smallest = all.Count > 0 ? all.Min(v => v.Min) : 1;
            bottom = Math.Floor((Math.Log10(smallest > 0 ? smallest : 0.01) - 0.15) * 4) / 4; // a little below the smallest bar
        }
        double Y(double v) => log ? Math.Log10(Math.Max(v, Math.Pow(10, bottom))) : v;

        var bars = series.ToDictionary(s => s, _ => new List<Bar>());
        double top = log ? bottom : 0;
        for (int gi = 0; gi < groups.Count; gi++)
        {
            var present = series.Select(s => summaries.FirstOrDefault(x => x.Series == s && groupOf(x) == groups[gi]))
                                .Where(x => x is not null && value(x) is not null).Select(x => x!).ToList();
            for (int k = 0; k < present.Count; k++)
            {
                Spread v = value(present[k])!;
                double x = gi - width * present.Count / 2 + width * (k + 0.5);
                bars[present[k].Series].Add(new Bar
                {
                    Position = x, Value = Y(v.Median), ValueBase = log ? bottom : 0, Size = width * 0.92,
                    FillColor = SeriesColor(present[k].Series), LineWidth = 0,
                });
                if (v.Max > v.Min)
                {
                    var eb = new ScottPlot.Plottables.ErrorBar([x], [Y(v.Median)], null, null,
                                                               [Y(v.Max) - Y(v.Median)], [Y(v.Median) - Y(v.Min)])
                    {
                        LineWidth = 1.2f, CapSize = 4, Color = Colors.Black,
                    };
                    plot.Add.Plottable(eb);
                }
                var text = plot.Add.Text(label(v.Median), x, Y(v.Max));
                text.LabelFontSize = 11;
                text.LabelFontName = Font;
                if (vertical)
                {
                    text.LabelRotation = -90;
                    text.LabelAlignment = Alignment.MiddleLeft;
                    text.OffsetY = -4;
                }
                else
                {
                    text.LabelAlignment = Alignment.LowerCenter;
                    text.OffsetY = -2;
                }
                top = Math.Max(top, Y(v.Max));
            }
        }
        foreach (Series s in series)
        {
            if (bars[s].Count == 0) continue;
            var bp = plot.Add.Bars(bars[s]);
            bp.LegendText = s.Label;
            bp.Color = SeriesColor(s);
        }
        double headroom = vertical ? 1.25 : 1.12;
        Finish(plot, groups.Select((g, i) => ((double)i, g.Label)).ToList(), top, headroom, log ? bottom : 0);
        if (log)
        {
            double upper = bottom + (top - bottom) * headroom;
            var ticks = new ScottPlot.TickGenerators.NumericManual();
            for (int e = (int)Math.Floor(bottom); e <= (int)Math.Ceiling(upper); e++)
                foreach (double m in new[] { 1.0, 2, 5 })
                {
                    double t = m * Math.Pow(10, e);
                    if (Math.Log10(t) >= bottom && Math.Log10(t) <= upper) ticks.AddMajor(Math.Log10(t), t.ToString(t >= 1000 ? "#,0" : "0.###", System.Globalization.CultureInfo.InvariantCulture));
                }
            plot.Axes.Left.TickGenerator = ticks;
        }
        if (legend) plot.ShowLegend(Edge.Right);
    }

    private static void AddBar(Plot plot, List<Bar> bars, double x, double? value, Color color, Func<double, string> label, ref double top, double size = 0.38)
    {
        if (value is not { } v || !double.IsFinite(v)) return;
        bars.Add(new Bar { Position = x, Value = v, Size = size, FillColor = color, LineWidth = 0 });
        var text = plot.Add.Text(label(v), x, v);
        text.LabelFontSize = 12;
        text.LabelFontName = Font;
        text.LabelAlignment = Alignment.LowerCenter;
        text.OffsetY = -2;
        top = Math.Max(top, v);
    }

    private static void Finish(Plot plot, IReadOnlyList<(double Position, string Label)> ticks, double top, double headroom = 1.15, double bottom = 0)
    {
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            ticks.Select(t => t.Position).ToArray(), ticks.Select(t => t.Label).ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.SetLimitsX(-0.6, Math.Max(0, ticks.Count - 1) + 0.6);
        double span = top - bottom;
        plot.Axes.SetLimitsY(bottom, span > 0 ? bottom + span * headroom : bottom + 1);
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        plot.Font.Set(Font);
    }
}
