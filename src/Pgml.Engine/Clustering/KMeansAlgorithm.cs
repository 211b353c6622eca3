using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Clustering;

/// <summary>
/// kmeans: scikit-learn's KMeans (1.2). Hyperparameters: n_clusters = 8, init = "k-means++" (greedy, 2 + ln k local
/// trials) | "random", n_init = 10 or "auto" (1 for k-means++, 10 for random, as scikit-learn 1.4), max_iter = 300,
/// tol = 1e-4 (times the mean variance of the features), algorithm = "lloyd" ("elkan", "auto" and "full" accepted:
/// they reach the same result; pgml runs Lloyd's), random_state = null (seed 0: the same rows give the same model) or
/// an integer (pgml's own generator, so not scikit-learn's run for the same seed); copy_x,
/// verbose and n_jobs are accepted and have no effect. The best of the n_init runs (lowest inertia) is kept.
/// </summary>
internal sealed class KMeansAlgorithm : IAlgorithm
{
    internal static readonly IReadOnlyList<HyperparameterSpec> Specs =
    [
        HyperparameterSpec.Integer("n_clusters", 8, min: 1, max: 1 << 20),
        HyperparameterSpec.Choice("init", "k-means++", "k-means++", "random"),
        HyperparameterSpec.NumberOrChoice("n_init", 10L, ["auto"], min: 1),
        HyperparameterSpec.Integer("max_iter", 300, min: 1),
        HyperparameterSpec.Number("tol", 1e-4, min: 0),
        HyperparameterSpec.Choice("algorithm", "lloyd", "lloyd", "elkan", "auto", "full"),
        HyperparameterSpec.Integer("random_state", null, min: 0, max: uint.MaxValue),
        HyperparameterSpec.Accepted("copy_x"),
        HyperparameterSpec.Accepted("verbose"),
        HyperparameterSpec.Accepted("n_jobs"),
    ];

    private const string AlgorithmName = "kmeans";

    public string Name => AlgorithmName;
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Clustering];
    public bool AcceptsMissingValues => false;

    public void Validate(string hyperparamsJson, TaskKind task) => Parse(hyperparamsJson);

    private static (int Clusters, bool PlusPlus, int Inits, int MaxIter, double Tol, long? Seed) Parse(string? json)
    {
        var h = Hyperparameters.Parse(json, AlgorithmName, Specs);
        bool plusPlus = h.Word("init") == "k-means++";
        return (h.Integer("n_clusters"), plusPlus, KMeansParameters.Inits(h, AlgorithmName, plusPlus ? 1 : 10), h.Integer("max_iter"),
            h.Number("tol"), h.NullableLong("random_state"));
    }

    public unsafe TrainedModel Train(string hyperparamsJson, TrainingSet data)
    {
        var p = Parse(hyperparamsJson);
        var rows = KMeansParameters.Rows(data, AlgorithmName, p.Clusters);
        var rng = SeededRandom.FromRandomState(p.Seed);
        double tol = KMeansCore.Tolerance(rows, p.Tol);
        double[]? best = null;
        double bestInertia = double.PositiveInfinity;
        int bestIterations = 0;
        var buffers = new KMeansCore.Buffers(rows.Count);
        for (int run = 0; run < p.Inits; run++)
        {
            data.CheckInterrupts();
            var centres = p.PlusPlus ? KMeansCore.PlusPlus(rows, p.Clusters, rng, data.CheckInterrupts, buffers) : KMeansCore.RandomRows(rows, p.Clusters, rng);
            double inertia = KMeansCore.Lloyd(rows, centres, p.Clusters, p.MaxIter, tol, data.CheckInterrupts, out int iterations, buffers);
            if (best is null || inertia < bestInertia)
            {
                best = centres;
                bestInertia = inertia;
                bestIterations = iterations;
            }
        }
        return new TrainedModel(new KMeansPredictor(data.NumFeatures, p.Clusters, best!, bestInertia, bestIterations));
    }
}

/// <summary>
/// mini_batch_kmeans: scikit-learn's MiniBatchKMeans (1.2). Hyperparameters: n_clusters = 8, init = "k-means++" |
/// "random", batch_size = 1024, max_iter = 100 (passes over the data), n_init = 3 or "auto" (1 for k-means++, 3 for
/// random), max_no_improvement = 10 (or null), tol = 0.0, reassignment_ratio = 0.01, init_size = null (3 · batch_size),
/// random_state = null (seed 0) or an integer; compute_labels, verbose and n_jobs are accepted and have no effect (the inertia over the training rows
/// is always computed).
/// </summary>
internal sealed class MiniBatchKMeansAlgorithm : IAlgorithm
{
    internal static readonly IReadOnlyList<HyperparameterSpec> Specs =
    [
        HyperparameterSpec.Integer("n_clusters", 8, min: 1, max: 1 << 20),
        HyperparameterSpec.Choice("init", "k-means++", "k-means++", "random"),
        HyperparameterSpec.Integer("batch_size", 1024, min: 1, max: 1 << 24),
        HyperparameterSpec.Integer("max_iter", 100, min: 1, max: 1 << 20),
        HyperparameterSpec.NumberOrChoice("n_init", 3L, ["auto"], min: 1),
        HyperparameterSpec.Integer("max_no_improvement", null, min: 0),   // 10 when not given (null is scikit-learn's None)
        HyperparameterSpec.Number("tol", 0.0, min: 0),
        HyperparameterSpec.Number("reassignment_ratio", 0.01, min: 0),
        HyperparameterSpec.Integer("init_size", null, min: 1, max: int.MaxValue),
        HyperparameterSpec.Integer("random_state", null, min: 0, max: uint.MaxValue),
        HyperparameterSpec.Accepted("compute_labels"),
        HyperparameterSpec.Accepted("verbose"),
        HyperparameterSpec.Accepted("n_jobs"),
    ];

    private const string AlgorithmName = "mini_batch_kmeans";

    public string Name => AlgorithmName;
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Clustering];
    public bool AcceptsMissingValues => false;

    public void Validate(string hyperparamsJson, TaskKind task) => Parse(hyperparamsJson);

    private static (MiniBatchKMeansCore.Settings Settings, long? Seed) Parse(string? json)
    {
        var h = Hyperparameters.Parse(json, AlgorithmName, Specs);
        bool plusPlus = h.Word("init") == "k-means++";
        // max_no_improvement: 10 when not given, null (no early stop on the inertia) when given as null
        int? maxNoImprovement = h.IsGiven("max_no_improvement") ? h.NullableInteger("max_no_improvement") : 10;
        var settings = new MiniBatchKMeansCore.Settings(h.Integer("n_clusters"), plusPlus, KMeansParameters.Inits(h, AlgorithmName, plusPlus ? 1 : 3),
            h.Integer("max_iter"), h.Integer("batch_size"), h.Number("tol"), maxNoImprovement, h.NullableInteger("init_size"),
            h.Number("reassignment_ratio"));
        return (settings, h.NullableLong("random_state"));
    }

    public TrainedModel Train(string hyperparamsJson, TrainingSet data)
    {
        var (settings, seed) = Parse(hyperparamsJson);
        var rows = KMeansParameters.Rows(data, AlgorithmName, settings.Clusters);
        var (centres, inertia, steps) = MiniBatchKMeansCore.Fit(rows, settings, SeededRandom.FromRandomState(seed), data.CheckInterrupts);
        return new TrainedModel(new KMeansPredictor(data.NumFeatures, settings.Clusters, centres, inertia, steps));
    }
}

/// <summary>What kmeans and mini_batch_kmeans share: n_init's reading and the check of the training rows.</summary>
internal static class KMeansParameters
{
    /// <summary>n_init: an integer >= 1, or "auto" (1 for k-means++, else <paramref name="autoOther"/>).</summary>
    public static int Inits(Hyperparameters h, string algorithm, int auto)
    {
        if (h.Word("n_init") == "auto") return auto;
        double v = h.NumberOrNull("n_init") ?? 0;
        if (v != Math.Floor(v) || v < 1 || v > 1_000_000)
            throw new InvalidParameterException($"{algorithm} hyperparameter \"n_init\" must be \"auto\" or an integer from 1 to 1000000, got {v}",
                "Remove \"n_init\" to use the default.");
        return (int)v;
    }

    /// <summary>The training rows, refused when they hold a missing or infinite value or are fewer than the clusters.</summary>
    public static unsafe RowSet Rows(TrainingSet data, string algorithm, int clusters)
    {
        if (data.Task != TaskKind.Clustering)
            throw new UnsupportedException($"{algorithm} does not support {TaskNames.Name(data.Task)}", $"{algorithm} supports clustering.");
        if (data.NumFeatures < 1) throw new InvalidDataException($"{algorithm} needs at least one feature");
        if (data.TrainRows > int.MaxValue) throw new InvalidDataException($"{algorithm} trains on at most {int.MaxValue} rows");
        if (data.TrainRows < clusters)
            throw new InvalidDataException($"{algorithm} needs at least n_clusters = {clusters} training rows, got {data.TrainRows}",
                "Lower n_clusters, or train on more rows.");
        int d = data.NumFeatures;
        float* x = data.Features.Data;
        long values = data.TrainRows * d;
        for (long i = 0; i < values; i++)
            if (!float.IsFinite(x[i]))
                throw new InvalidDataException(
                    $"{algorithm} cannot use training row {i / d + 1}: feature {i % d + 1} is {(float.IsNaN(x[i]) ? "missing (NaN)" : "infinite")}",
                    $"{algorithm} measures distances between rows and does not accept missing values: impute them (preprocess) or drop those rows.");
        return new RowSet(x, d, (int)data.TrainRows);
    }
}
