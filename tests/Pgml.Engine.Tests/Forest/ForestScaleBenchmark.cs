using System.Diagnostics;
using System.Runtime.InteropServices;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Data;
using Pgml.Engine.Forest;
using Pgml.Engine.Models;
using Xunit;
using Xunit.Abstractions;

namespace Pgml.Engine.Tests.Forest;

/// <summary>
/// Opt-in (PGML_FOREST_BENCH=1; skipped otherwise): 1,000,000 rows x 10 features, 10 trees, single-threaded, for each algorithm and task;
/// prints the time and the process's peak RSS. Run one case at a time for a meaningful peak, e.g.
/// PGML_FOREST_BENCH=1 dotnet test -c Release --filter "FullyQualifiedName~ForestScaleBenchmark&amp;DisplayName~random_forest, Regression".
/// </summary>
public unsafe class ForestScaleBenchmark(ITestOutputHelper output)
{
    [OptInTheory("PGML_FOREST_BENCH", "1M-row forest benchmark")]
    [InlineData("random_forest", TaskKind.Regression, "{\"n_estimators\": 10}")]
    [InlineData("random_forest", TaskKind.Classification, "{\"n_estimators\": 10}")]
    [InlineData("extra_trees", TaskKind.Regression, "{\"n_estimators\": 10}")]
    [InlineData("extra_trees", TaskKind.Classification, "{\"n_estimators\": 10}")]
    public void Million_rows(string algorithm, TaskKind task, string hyper)
    {
        const int rows = 1_000_000, cols = 10;
        using var x = new NativeMatrix(cols, rows);
        float* p = x.Reserve(rows);
        var labels = (float*)NativeMemory.Alloc(rows, sizeof(float));
        var rng = new Random(1);
        for (long r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++) p[r * cols + c] = (float)rng.NextDouble();
            double y = 10 * Math.Sin(Math.PI * p[r * cols] * p[r * cols + 1]) + 20 * (p[r * cols + 2] - 0.5) * (p[r * cols + 2] - 0.5) + 10 * p[r * cols + 3] + 5 * p[r * cols + 4] + rng.NextDouble() * 4;
            labels[r] = task == TaskKind.Regression ? (float)y : (float)Math.Clamp((int)(y / 6), 0, 4);
        }
        x.Commit(rows);
        int checks = 0;
        var data = new TrainingSet(x, labels, rows, task, task == TaskKind.Classification ? 5 : 0, () => checks++);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var model = AlgorithmRegistry.Find(algorithm, task).Train(hyper, data);
        sw.Stop();
        // CPU time: training is single-threaded, so on a shared machine this is the time it would take alone
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        string trainedPeak = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("VmHWM"));
        var f = (ForestPredictor)model.Predictor;
        var one = new float[f.NumOutputs];
        var predict = Stopwatch.StartNew();
        for (int r = 0; r < 100_000; r++) f.Predict(x.Row(r), one);
        predict.Stop();
        string peak = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("VmHWM"));
        output.WriteLine($"{algorithm} {task} {hyper}: train {sw.Elapsed.TotalSeconds:F1} s wall, {cpuSeconds:F1} s CPU, peak after training {trainedPeak}, {f.NumNodes} nodes, {checks} interrupt checks, " +
            $"predict {predict.Elapsed.TotalMilliseconds * 10:F0} ns/row, model {model.Predictor.ToBytes().Length / 1e6:F0} MB, {peak}");
        NativeMemory.Free(labels);
    }
}
