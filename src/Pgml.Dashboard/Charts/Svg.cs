using System.Text;
using ScottPlot;

namespace Pgml.Dashboard.Charts;

/// <summary>
/// Server-rendered charts (ScottPlot's SVG output, no JavaScript, nothing fetched from elsewhere). Each is returned as
/// a data: URI for an &lt;img&gt;: a browser runs no script and follows no link inside an SVG image, so text in the
/// chart (model ids, metric names) cannot become markup of the page.
/// </summary>
public static class Svg
{
    public static string DataUri(Plot plot, int width, int height)
    {
        string svg = plot.GetSvgXml(width, height);
        return "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(svg));
    }

    /// <summary>The metric of successive models (x: model id), with the deployed model marked.</summary>
    public static string MetricOverModels(string metric, IReadOnlyList<(long Id, double Value)> points, long? deployed)
    {
        var plot = new Plot();
        if (points.Count > 0)
        {
            var line = plot.Add.Scatter(points.Select(p => (double)p.Id).ToArray(), points.Select(p => p.Value).ToArray());
            line.LegendText = metric;
            line.MarkerSize = points.Count > 200 ? 2 : 6;
            var d = points.FirstOrDefault(p => p.Id == deployed);
            if (deployed is not null && points.Any(p => p.Id == deployed))
            {
                var m = plot.Add.Marker(d.Id, d.Value, MarkerShape.OpenCircle, 16, Colors.Red);
                m.LegendText = $"deployed (model {d.Id})";
            }
            plot.ShowLegend(Alignment.LowerRight);
        }
        plot.XLabel("model id");
        plot.YLabel(metric);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        return DataUri(plot, 760, 320);
    }

    /// <summary>A histogram's bars (bin counts over [from, to)).</summary>
    public static string Histogram(IReadOnlyList<Data.HistogramBin> bins)
    {
        var plot = new Plot();
        foreach (var b in bins)
        {
            var bar = plot.Add.Bar(new Bar { Position = (b.From + b.To) / 2, Value = b.Count, Size = Math.Max(b.To - b.From, 1e-9) * 0.95 });
            bar.Color = Colors.SteelBlue;
        }
        plot.Axes.Margins(bottom: 0);
        return DataUri(plot, 320, 160);
    }
}
