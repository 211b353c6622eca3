using System.Diagnostics;
using System.Runtime.InteropServices;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Boosting;
using Pgml.Engine.Data;
using Pgml.Engine.Models;
using Xunit;
using Xunit.Abstractions;

namespace Pgml.Engine.Tests.Boosting;

/// <summary>
/// Opt-in (PGML_BOOSTING_BENCH=1; skipped otherwise): trains one algorithm on Friedman #1 rows (10 uniform features,
/// noise uniform in [0, 4); classification: y / 6 cut into 5 classes), single-threaded, and prints CPU seconds and
/// peak RSS; writes the rows to /tmp/pgml-bench-{rows}.x.f32 and .y.f32 (float32, row-major) so that scikit-learn can
/// be timed on the very same rows (bench/ensembles/sklearn_fit_time.py). Run one case at a time, e.g.
/// PGML_BOOSTING_BENCH=1 dotnet test -c Release --filter "FullyQualifiedName~BoostingScaleBenchmark&amp;DisplayName~hist".
/// </summary>
public unsafe class BoostingScaleBenchmark(ITestOutputHelper output)
{
    [OptInTheory("PGML_BOOSTING_BENCH", "boosting training-time benchmark")]
    [InlineData("gradient_boosting_trees", TaskKind.Regression, 100_000, "{}")]
    [InlineData("hist_gradient_boosting", TaskKind.Regression, 1_000_000, "{}")]
    [InlineData("ada_boost", TaskKind.Classification, 100_000, "{}")]
    [InlineData("bagging", TaskKind.Regression, 100_000, "{}")]
    [InlineData("nu_svm", TaskKind.Regression, 10_000, "{}")]
    public void Train(string algorithm, TaskKind task, int rows, string hyper)
    {
        const int cols = 10;
        using var x = new NativeMatrix(cols, rows);
        float* p = x.Reserve(rows);
        var labels = (float*)NativeMemory.Alloc((nuint)rows, sizeof(float));
        var rng = new Random(1);
        for (long r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++) p[r * cols + c] = (float)rng.NextDouble();
            double y = 10 * Math.Sin(Math.PI * p[r * cols] * p[r * cols + 1]) + 20 * (p[r * cols + 2] - 0.5) * (p[r * cols + 2] - 0.5) + 10 * p[r * cols + 3] + 5 * p[r * cols + 4] + rng.NextDouble() * 4;
            labels[r] = task == TaskKind.Regression ? (float)y : (float)Math.Clamp((int)(y / 6), 0, 4);
        }
        x.Commit(rows);
        File.WriteAllBytes($"/tmp/pgml-bench-{rows}.x.f32", new ReadOnlySpan<byte>(p, rows * cols * sizeof(float)).ToArray());
        File.WriteAllBytes($"/tmp/pgml-bench-{rows}-{task}.y.f32", new ReadOnlySpan<byte>(labels, rows * sizeof(float)).ToArray());
        var data = new TrainingSet(x, labels, rows, task, task == TaskKind.Classification ? 5 : 0, () => { });
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var model = AlgorithmRegistry.Find(algorithm, task).Train(hyper, data);
        sw.Stop();
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        string peak = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("VmHWM"));
        // the training rows' metric (scikit-learn's score on the same rows is printed by the Python command)
        double metric = TrainingScore(model.Predictor, x, labels, rows, task);
        output.WriteLine($"{algorithm} {task} {rows} rows {hyper}: train {sw.Elapsed.TotalSeconds:F1} s wall, {cpuSeconds:F1} s CPU, {peak}, training {(task == TaskKind.Regression ? "r2" : "accuracy")} {metric:F4}" +
            (model.Predictor is BoostedTreesPredictor b ? $", {b.NumTrees} trees" : ""));
        NativeMemory.Free(labels);
    }

    private static double TrainingScore(IPredictor model, NativeMatrix x, float* y, int rows, TaskKind task)
    {
        var o = new float[model.NumOutputs];
        double mean = 0, ss = 0, st = 0, hits = 0;
        for (int r = 0; r < rows; r++) mean += y[r] / rows;
        for (int r = 0; r < rows; r++)
        {
            model.Predict(x.Row(r), o);
            if (task == TaskKind.Regression)
            {
                ss += (y[r] - o[0]) * (y[r] - o[0]);
                st += (y[r] - mean) * (y[r] - mean);
            }
            else if (Array.IndexOf(o, o.Max()) == (int)y[r]) hits++;
        }
        return task == TaskKind.Regression ? 1 - ss / st : hits / rows;
    }
}
