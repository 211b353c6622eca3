using System.Diagnostics;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Clustering;
using Pgml.Engine.Models;
using Pgml.Engine.Tests.TestData;
using Xunit;
using Xunit.Abstractions;

namespace Pgml.Engine.Tests.Clustering;

/// <summary>
/// Opt-in (PGML_CLUSTERING_BENCH=1): pgml's training time on the digits rows that bench/clustering/sklearn_fit_time.py
/// wrote (run it first), with the cluster count and the silhouette, to set beside scikit-learn's. Skipped otherwise.
/// </summary>
public sealed class ClusteringBenchmark(ITestOutputHelper output)
{
    [OptInTheory("PGML_CLUSTERING_BENCH", "clustering training time on the digits")]
    [InlineData("affinity_propagation", "{}")]
    [InlineData("mean_shift", "{}")]
    public void Digits(string algorithm, string hyperparams)
    {
        var bytes = File.ReadAllBytes("/tmp/pgml-digits.x.f32");
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        var x = values.Chunk(64).ToArray();
        using var data = new SyntheticData(x, null, x.Length, TaskKind.Clustering, 0);
        var sw = Stopwatch.StartNew();
        var model = AlgorithmRegistry.Find(algorithm, TaskKind.Clustering).Train(hyperparams, data.TrainingSet()).Predictor;
        sw.Stop();
        var labels = x.Select(r => { var o = new float[1]; model.Predict(r, o); return (int)o[0]; }).ToArray();
        int clusters = labels.Distinct().Count();
        double silhouette = Silhouette.Score(values, 64, labels);   // the metric pgml stores, on every row
        output.WriteLine($"pgml {algorithm}: {x.Length} rows, train {sw.Elapsed.TotalSeconds:F2} s wall, {clusters} clusters, silhouette {silhouette:F4}");
    }
}
