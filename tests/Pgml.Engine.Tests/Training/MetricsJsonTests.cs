using System.Text.Json;
using Pgml.Engine.Metrics;
using Xunit;

namespace Pgml.Engine.Tests.Training;

public class MetricsJsonTests
{
    [Fact]
    public void KeysAreSortedAndUndefinedMetricsAreNull()
    {
        var json = MetricsJson.Write(new Dictionary<string, double> { ["r2"] = 0.5, ["fit_time"] = 1.25, ["mcc"] = double.NaN, ["log_loss"] = double.PositiveInfinity });
        Assert.Equal("{\"fit_time\":1.25,\"log_loss\":null,\"mcc\":null,\"r2\":0.5}", json);
    }

    [Fact]
    public void ConfusionMatrixRowsAreTrueClasses()
    {
        // counts row-major: true 0 -> predicted (5, 1), true 1 -> predicted (2, 7)
        var json = MetricsJson.Write(new Dictionary<string, double> { ["f1"] = 0.8 }, null, ([5, 1, 2, 7], 2));
        using var doc = JsonDocument.Parse(json);
        var rows = doc.RootElement.GetProperty("confusion_matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
        Assert.Equal([[5L, 1L], [2L, 7L]], rows);
    }

    [Fact]
    public void SearchResultsAreEmbeddedAsJson()
    {
        var json = MetricsJson.Write(new Dictionary<string, double>(), "{\"best_index\":1}");
        Assert.Equal("{\"search_results\":{\"best_index\":1}}", json);
    }
}
