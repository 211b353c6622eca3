using System.Diagnostics;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Training;
using Xunit;
using Xunit.Abstractions;

namespace Pgml.Engine.Tests.Training;

/// <summary>
/// Every C# algorithm and scoring path calls its interrupt check often, whatever the shape of its input: each case
/// below is sized so that one turn of a loop costs features x rows or clusters x features (where a check every N turns
/// was unbounded), records the longest stretch between two checks, and "cancels" by throwing from the check after
/// <see cref="CancelAfter"/>. The stretch is wall time on a shared, loaded 2-core machine, so the bound is loose (not
/// a performance claim); before the checks were paced by work, the same cases had stretches of 0.5 to 15 s.
/// </summary>
public sealed unsafe class InterruptPacingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan CancelAfter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxStretch = TimeSpan.FromMilliseconds(1000);   // measured 9-97 ms; loose for a loaded CI machine

    private sealed class Cancelled : Exception;

    /// <summary>The check: records the longest stretch since the previous call (or the start) and throws once
    /// <see cref="CancelAfter"/> has passed, as a pending cancel would.</summary>
    private sealed class Recorder
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _last;
        public TimeSpan Longest { get; private set; }
        public int Calls { get; private set; }
        public TimeSpan CancelledAt { get; private set; }

        public void Check()
        {
            var now = _clock.Elapsed;
            if (now - _last > Longest) Longest = now - _last;
            _last = now;
            Calls++;
            if (now < CancelAfter) return;
            CancelledAt = now;
            throw new Cancelled();
        }
    }

    private void AssertPaced(string name, Action<Action> run)
    {
        var r = new Recorder();
        Assert.Throws<Cancelled>(() => run(r.Check));
        output.WriteLine($"{name}: {r.Calls} checks, longest stretch {r.Longest.TotalMilliseconds:F0} ms");
        Assert.True(r.Longest < MaxStretch, $"{name}: {r.Longest.TotalMilliseconds:F0} ms between two interrupt checks");
    }

    private static void Train(string algorithm, string hyperparams, SyntheticData data, Action check) =>
        AlgorithmRegistry.Find(algorithm, data.Task).Train(hyperparams, data.TrainingSet(check));

    public static TheoryData<string, string, string> Trainings => new()
    {
        // the Gram matrix of 1,000 features: checked every 100,000 rows before, so never within these 5,000
        { "ridge", "regression wide", "{}" },
        { "lasso", "regression wide", """{"alpha": 1e-9, "max_iter": 1000000000, "tol": 0}""" },
        // 200 features x 20 classes per row: 131,072 rows between checks before
        { "linear", "classification wide", """{"max_iter": 10000000, "tol": 0}""" },
        { "linear_svm", "classification", """{"max_iter": 100000000, "tol": 0}""" },
        // up to two kernel columns (rows x features) per SMO iteration, 500 iterations between checks before
        { "svm", "regression", """{"cache_size": 1, "tol": 1e-12}""" },
        { "random_forest", "classification", """{"n_estimators": 100000}""" },
        { "extra_trees", "regression", """{"n_estimators": 100000}""" },
        // 500 centres x 32 features per row, 65,536 rows between checks before
        { "kmeans", "clustering", """{"n_clusters": 500, "n_init": 100, "max_iter": 100000, "tol": 0}""" },
        // 16 steps of batch x clusters x features between checks before
        { "mini_batch_kmeans", "clustering", """{"n_clusters": 500, "batch_size": 20000, "max_iter": 100000, "tol": 0, "max_no_improvement": 1000000}""" },
        // rows x rows per message pass, and a median of 3.6·10^7 similarities before the first
        { "affinity_propagation", "clustering square", """{"max_iter": 100000, "convergence_iter": 100000}""" },
        // every seed's shift scans rows x features, after a bandwidth estimate of rows² x features
        { "mean_shift", "clustering square", "{}" },
        { "pca", "decomposition wide", """{"n_components": 1000}""" },
    };

    [Theory]
    [MemberData(nameof(Trainings))]
    public void Training_checks_for_interrupts_often(string algorithm, string dataName, string hyperparams)
    {
        using var data = Data(dataName);
        AssertPaced(algorithm, check => Train(algorithm, hyperparams, data, check));
    }

    /// <summary>Scoring the test split with a model whose one prediction costs a pass over its training rows (knn in
    /// 32 dimensions, where a k-d tree prunes little): 4,096 predictions between checks before.</summary>
    [Fact]
    public void Scoring_checks_for_interrupts_often()
    {
        using var data = SyntheticData.Regression(40_000, 32, seed: 5, train: 10_000);
        var model = AlgorithmRegistry.Find("knn", TaskKind.Regression).Train("""{"n_neighbors": 50}""", data.TrainingSet());
        AssertPaced("knn scoring", check =>
        {
            fixed (float* y = data.Labels)
                ModelScorer.Score([model.Predictor], data.Matrix, y, 1, data.Train, TaskKind.Regression, 0, check);
        });
    }

    /// <summary>The silhouette of 10,000 sampled rows of 200 features: 1,023 rows of all pairs between checks before.</summary>
    [Fact]
    public void Silhouette_checks_for_interrupts_often()
    {
        using var data = SyntheticData.Unlabeled(10_000, 200, centres: 5, seed: 6, TaskKind.Clustering, train: 10);
        var model = AlgorithmRegistry.Find("kmeans", TaskKind.Clustering).Train("""{"n_clusters": 5, "n_init": 1}""", data.TrainingSet());
        // the silhouette itself takes a few seconds here: "cancel" it after one, like the others
        AssertPaced("silhouette", check => ModelScorer.Score([model.Predictor], data.Matrix, null, 0, data.Train, TaskKind.Clustering, 0, check));
    }

    private static SyntheticData Data(string name) => name switch
    {
        "regression" => SyntheticData.Regression(20_000, 32, seed: 1),
        "regression wide" => SyntheticData.Regression(5_000, 1_000, seed: 2, train: 5_000),
        "classification" => SyntheticData.Classification(40_000, 32, classes: 10, seed: 3),
        "classification wide" => SyntheticData.Classification(20_000, 200, classes: 20, seed: 4),
        "clustering" => SyntheticData.Unlabeled(40_000, 32, centres: 10, seed: 5, TaskKind.Clustering),
        "clustering square" => SyntheticData.Unlabeled(6_000, 32, centres: 10, seed: 5, TaskKind.Clustering, train: 6_000),
        "decomposition wide" => SyntheticData.Unlabeled(5_000, 1_000, centres: 10, seed: 6, TaskKind.Decomposition, train: 5_000),
        _ => throw new ArgumentException(name),
    };
}
