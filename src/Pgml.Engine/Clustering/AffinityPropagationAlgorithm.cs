using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Clustering;

/// <summary>
/// affinity_propagation: scikit-learn's AffinityPropagation (1.2) with affinity "euclidean" (negative squared
/// distances). Hyperparameters: damping = 0.5 (in [0.5, 1)), max_iter = 200, convergence_iter = 15, preference = null
/// (the median of the similarities) or a number, affinity = "euclidean" ("precomputed" has no predict), random_state =
/// null (seed 0) or an integer for the tie-breaking noise (pgml's generator); copy and verbose are accepted and have no
/// effect. The model is the exemplars (scikit-learn's cluster_centers_) in the kmeans format: predict answers the
/// nearest exemplar, as scikit-learn's predict (pairwise_distances_argmin).
/// </summary>
/// <remarks>The fit holds three n x n double matrices, so training refuses more than <see cref="MaxRows"/> rows up front.
/// A fit that ends with no exemplar (scikit-learn labels every row -1 and warns) is refused: its model could assign no
/// row.</remarks>
internal sealed class AffinityPropagationAlgorithm : IAlgorithm
{
    /// <summary>10,000 rows: 3 x 800 MB of native memory for the similarity, responsibility and availability matrices.</summary>
    public const int MaxRows = 10_000;

    internal static readonly IReadOnlyList<HyperparameterSpec> Specs =
    [
        HyperparameterSpec.Number("damping", 0.5, min: 0.5, max: 1.0, maxExclusive: true),
        HyperparameterSpec.Integer("max_iter", 200, min: 1, max: int.MaxValue),
        HyperparameterSpec.Integer("convergence_iter", 15, min: 1, max: 1 << 20),
        HyperparameterSpec.Number("preference", null),
        HyperparameterSpec.Choice("affinity", "euclidean", "euclidean"),
        HyperparameterSpec.Integer("random_state", null, min: 0, max: uint.MaxValue),
        HyperparameterSpec.Accepted("copy"),
        HyperparameterSpec.Accepted("verbose"),
    ];

    private const string AlgorithmName = "affinity_propagation";

    public string Name => AlgorithmName;
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Clustering];
    public bool AcceptsMissingValues => false;

    public void Validate(string hyperparamsJson, TaskKind task) => Parse(hyperparamsJson);

    private static (double? Preference, double Damping, int MaxIter, int ConvergenceIter, long? Seed) Parse(string? json)
    {
        var h = Hyperparameters.Parse(json, AlgorithmName, Specs);
        return (h.NumberOrNull("preference"), h.Number("damping"), h.Integer("max_iter"), h.Integer("convergence_iter"), h.NullableLong("random_state"));
    }

    public unsafe TrainedModel Train(string hyperparamsJson, TrainingSet data)
    {
        var p = Parse(hyperparamsJson);
        if (data.Task == TaskKind.Clustering && data.TrainRows > MaxRows)
            throw new InvalidParameterException(
                $"affinity_propagation trains on at most {MaxRows} rows, got {data.TrainRows}: it keeps three matrices of rows x rows similarities and messages",
                $"Train on a sample of at most {MaxRows} rows (a view with TABLESAMPLE or LIMIT), or use kmeans, mini_batch_kmeans or birch for larger tables.");
        var rows = KMeansParameters.Rows(data, AlgorithmName, 1);
        var fit = AffinityPropagationCore.Fit(rows, p.Preference, p.Damping, p.MaxIter, p.ConvergenceIter, SeededRandom.FromRandomState(p.Seed), data.CheckInterrupts);
        if (fit.Exemplars.Length == 0)
            throw new InvalidDataException($"affinity_propagation did not converge in {p.MaxIter} iterations and found no exemplar, so its model could assign no row",
                "Raise max_iter, raise damping (e.g. 0.9), or give a preference (a lower one gives fewer clusters).");
        int d = data.NumFeatures, k = fit.Exemplars.Length;
        var centres = new double[(long)k * d];
        for (int c = 0; c < k; c++)
        {
            float* row = rows.Row(fit.Exemplars[c]);
            for (int j = 0; j < d; j++) centres[(long)c * d + j] = row[j];
        }
        double inertia = KMeansCore.Inertia(rows, centres, k, data.CheckInterrupts);
        return new TrainedModel(new KMeansPredictor(d, k, centres, inertia, fit.Iterations));
    }
}
