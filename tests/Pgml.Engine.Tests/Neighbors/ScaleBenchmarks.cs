using System.Diagnostics;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Data;
using Pgml.Engine.Models;
using Pgml.Engine.Neighbors;
using Xunit;
using Xunit.Abstractions;

namespace Pgml.Engine.Tests.Neighbors;

/// <summary>
/// Opt-in (PGML_BENCH_1M=1, or =knn etc. for one of them; skipped when unset): trains knn, kmeans, mini_batch_kmeans and pca on 1,000,000 rows x 10 features (8 Gaussian
/// blobs) and prints the time and the process's peak RSS; for knn also the model's size, its load time and the time of
/// one prediction. Run one algorithm per process for a meaningful peak, e.g.
/// PGML_BENCH_1M=kmeans dotnet test tests/Pgml.Engine.Tests -c Release --filter FullyQualifiedName~ScaleBenchmarks
/// </summary>
public class ScaleBenchmarks(ITestOutputHelper output)
{
    private const int Rows = 1_000_000, Features = 10;

    /// <summary>8 Gaussian blobs (spread 1.5) written straight into a native matrix; y = Σ (j + 1)·x_j for knn's regression.</summary>
    private static unsafe (NativeMatrix X, float[] Y) Blobs()
    {
        var x = new NativeMatrix(Features, Rows);
        float* p = x.Reserve(Rows);
        var y = new float[Rows];
        long i = 0;
        foreach (var (_, row) in SyntheticData.BlobRows(Rows, Features, 8, seed: 1, spread: 1.5))
        {
            double sum = 0;
            for (int j = 0; j < Features; j++)
            {
                p[i * Features + j] = row[j];
                sum += row[j] * (j + 1.0);
            }
            y[i++] = (float)sum;
        }
        x.Commit(Rows);
        return (x, y);
    }

    private static long PeakRssKb() =>
        long.Parse(File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("VmHWM:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

    private const string Variable = "PGML_BENCH_1M";

    /// <summary>Every case, or only the one PGML_BENCH_1M names (read when the runner discovers the tests).</summary>
    public static TheoryData<string, TaskKind, string> Cases()
    {
        (string, TaskKind, string)[] all =
        [
            ("knn", TaskKind.Regression, "{}"),
            ("kmeans", TaskKind.Clustering, "{}"),
            ("mini_batch_kmeans", TaskKind.Clustering, "{}"),
            ("pca", TaskKind.Decomposition, "{}"),
        ];
        string? only = Environment.GetEnvironmentVariable(Variable);
        var data = new TheoryData<string, TaskKind, string>();
        foreach (var (algorithm, task, json) in all)
            if (only is null or "1" || only == algorithm) data.Add(algorithm, task, json);
        return data;
    }

    [OptInTheory(Variable, "1M-row knn, kmeans and pca benchmark")]
    [MemberData(nameof(Cases))]
    public unsafe void Train_on_a_million_rows(string algorithm, TaskKind task, string json)
    {
        var (x, y) = Blobs();
        using var _ = x;
        fixed (float* labels = y)
        {
            long before = PeakRssKb();
            var set = new TrainingSet(x, task == TaskKind.Regression ? labels : null, Rows, task, 0, () => { });
            var watch = Stopwatch.StartNew();
            var model = AlgorithmRegistry.Find(algorithm, task).Train(json, set);
            watch.Stop();
            output.WriteLine($"{algorithm}: trained in {watch.Elapsed.TotalSeconds:F2} s; peak RSS {PeakRssKb() / 1024} MiB " +
                $"(after making the data: {before / 1024} MiB; the features are {x.SizeInBytes >> 20} MiB)");
            watch.Restart();
            var bytes = model.Predictor.ToBytes();
            output.WriteLine($"  model {bytes.Length / 1e6:F1} MB, ToBytes {watch.Elapsed.TotalMilliseconds:F0} ms");
            for (int attempt = 0; attempt < 3; attempt++)
            {
                watch.Restart();
                var loaded = ModelFormats.Load(bytes, task);
                output.WriteLine($"  load {watch.Elapsed.TotalMilliseconds:F1} ms");
            }
            var p = model.Predictor;
            var o = new float[p.NumOutputs];
            var rng = new Random(2);
            var queries = Enumerable.Range(0, 2000).Select(_ => x.Row(rng.Next(Rows)).ToArray().Select(v => v + (float)(rng.NextDouble() - 0.5)).ToArray()).ToArray();
            foreach (var q in queries) p.Predict(q, o);
            watch.Restart();
            foreach (var q in queries) p.Predict(q, o);
            output.WriteLine($"  predict {watch.Elapsed.TotalMilliseconds * 1000 / queries.Length:F2} µs per row" +
                (p is KnnPredictor k ? $", {k.DistanceEvaluations / (2.0 * queries.Length):F0} rows read per search" : ""));
        }
    }
}
