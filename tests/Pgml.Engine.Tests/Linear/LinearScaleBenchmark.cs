using System.Diagnostics;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Data;
using Pgml.Engine.Linear;
using Pgml.Engine.Models;
using Xunit;
using Xunit.Abstractions;

namespace Pgml.Engine.Tests.Linear;

/// <summary>
/// Opt-in (skipped unless set): PGML_LINEAR_BENCH=&lt;algorithm&gt;:&lt;task&gt;[:&lt;hyperparameters&gt;] (e.g. linear:classification)
/// trains on 1,000,000 x 10 rows and prints the time, the solver's iterations and the peak RSS over the fit (VmHWM, reset
/// just before it through /proc/self/clear_refs). Run one case per process:
///   PGML_LINEAR_BENCH=ridge:regression dotnet test tests/Pgml.Engine.Tests -c Release --filter "FullyQualifiedName~LinearScaleBenchmark" --logger "console;verbosity=detailed"
/// </summary>
public unsafe class LinearScaleBenchmark(ITestOutputHelper output)
{
    [OptInFact("PGML_LINEAR_BENCH", "1M-row linear benchmark; the value is algorithm:task[:hyperparameters]")]
    public void Million_rows()
    {
        string spec = Environment.GetEnvironmentVariable("PGML_LINEAR_BENCH")!;
        var parts = spec.Split(':', 3);   // algorithm:task[:hyperparameters JSON]
        var task = TaskNames.Parse(parts[1]) ?? throw new ArgumentException(spec);
        const int rows = 1_000_000, features = 10, classes = 3;
        var rng = new Random(1);
        var w = Enumerable.Range(0, features).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        using var x = new NativeMatrix(features, rows);
        var labels = (float*)System.Runtime.InteropServices.NativeMemory.Alloc(rows, sizeof(float));
        var row = new float[features];
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int j = 0; j < features; j++) { row[j] = (float)(rng.NextDouble() * 2 - 1); s += row[j] * w[j]; }
            double noisy = s + 0.3 * (rng.NextDouble() - 0.5);
            labels[r] = task == TaskKind.Regression ? (float)noisy : noisy < -0.3 ? 0 : noisy < 0.3 ? 1 : 2;
            x.AppendRow(row);
        }
        var set = new TrainingSet(x, labels, rows, task, task == TaskKind.Classification ? classes : 0, () => { });
        long before = Rss("VmRSS");
        File.WriteAllText("/proc/self/clear_refs", "5");
        var clock = Stopwatch.StartNew();
        string json = parts.Length > 2 ? parts[2] : "{}";
        // the iterative algorithms' own Fit returns the solver's iteration count with the model (ridge is closed-form)
        var algorithm = AlgorithmRegistry.Find(parts[0], task);
        LinearFit? fit = algorithm switch
        {
            LinearAlgorithm => LinearAlgorithm.Fit(json, set),
            LinearSvmAlgorithm => LinearSvmAlgorithm.Fit(json, set),
            ElasticNetAlgorithm e => e.Fit(json, set),
            _ => null,
        };
        IPredictor model = fit?.Model ?? algorithm.Train(json, set).Predictor;
        clock.Stop();
        long peak = Rss("VmHWM");
        output.WriteLine($"{spec}: {clock.Elapsed.TotalSeconds:F2} s, RSS before {before / 1024} MB, peak during fit {peak / 1024} MB " +
                         $"(+{(peak - before) / 1024} MB; features {x.SizeInBytes >> 20} MB); solver iterations {fit?.Iterations.ToString() ?? "(closed form)"}");
        System.Runtime.InteropServices.NativeMemory.Free(labels);
        Assert.NotNull(model);
    }

    private static long Rss(string key) =>
        long.Parse(File.ReadAllLines("/proc/self/status").First(l => l.StartsWith(key + ":")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}
