using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Neighbors;

/// <summary>The distance a k-nearest-neighbours model measures with; the value is Minkowski's p.</summary>
internal enum KnnMetric
{
    Manhattan = 1,
    Euclidean = 2,
}

/// <summary>knn's hyperparameters once checked.</summary>
internal sealed record KnnParameters(int NumNeighbors, bool DistanceWeights, KnnMetric Metric, int LeafSize);

/// <summary>
/// knn: scikit-learn's KNeighborsRegressor and KNeighborsClassifier. The model keeps every training row (float32) and
/// label in the order of a KD tree built at training (see <see cref="KdTree"/>); a prediction is an exact search of
/// that tree, so the neighbours are those a brute-force scan finds.
/// </summary>
/// <remarks>
/// Hyperparameters (scikit-learn's names and defaults): n_neighbors = 5, weights = "uniform" | "distance",
/// algorithm = "auto" | "kd_tree" | "ball_tree" | "brute" (accepted: every choice finds the same neighbours, pgml always
/// searches its KD tree), leaf_size = 30 (the tree's largest leaf), p = 2 with metric = "minkowski" (p = 1 and p = 2
/// only), metric "euclidean" / "l2" or "manhattan" / "cityblock" / "l1" (p is then ignored, as in scikit-learn);
/// n_jobs is accepted and has no effect. Other metrics and p values are refused.
/// </remarks>
internal sealed class KnnAlgorithm : IAlgorithm
{
    public const string AlgorithmName = "knn";

    internal static readonly IReadOnlyList<HyperparameterSpec> Specs =
    [
        HyperparameterSpec.Integer("n_neighbors", 5, min: 1),
        HyperparameterSpec.Choice("weights", "uniform", "uniform", "distance"),
        HyperparameterSpec.Choice("algorithm", "auto", "auto", "ball_tree", "kd_tree", "brute"),
        HyperparameterSpec.Integer("leaf_size", 30, min: 1, max: 1 << 20),
        HyperparameterSpec.Number("p", 2, min: 0, minExclusive: true),
        HyperparameterSpec.Choice("metric", "minkowski", "minkowski", "euclidean", "l2", "manhattan", "cityblock", "l1"),
        HyperparameterSpec.Accepted("n_jobs"),
    ];

    public string Name => AlgorithmName;
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Regression, TaskKind.Classification];
    public bool AcceptsMissingValues => false;

    public void Validate(string hyperparamsJson, TaskKind task) => Parse(hyperparamsJson);

    internal static KnnParameters Parse(string? json)
    {
        var h = Hyperparameters.Parse(json, AlgorithmName, Specs);
        string metricName = h.Word("metric")!;
        double p = h.Number("p");
        KnnMetric metric;
        switch (metricName)
        {
            case "euclidean" or "l2":
                metric = KnnMetric.Euclidean;
                break;
            case "manhattan" or "cityblock" or "l1":
                metric = KnnMetric.Manhattan;
                break;
            default:
                if (p < 1)
                    throw new InvalidParameterException($"knn hyperparameter \"p\" must be >= 1 for the minkowski metric, got {p}",
                        "Use p = 1 (manhattan distance) or p = 2 (euclidean distance, the default).");
                metric = p switch
                {
                    1 => KnnMetric.Manhattan,
                    2 => KnnMetric.Euclidean,
                    _ => throw new UnsupportedException($"knn in pgml supports the minkowski metric with p = 1 or p = 2, not p = {p}",
                        "Use p = 1 (manhattan distance) or p = 2 (euclidean distance, the default)."),
                };
                break;
        }
        return new KnnParameters(h.Integer("n_neighbors"), h.Word("weights") == "distance", metric, h.Integer("leaf_size"));
    }

    public TrainedModel Train(string hyperparamsJson, TrainingSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Task is not (TaskKind.Regression or TaskKind.Classification))
            throw new UnsupportedException($"knn does not support {TaskNames.Name(data.Task)}",
                "knn supports regression and classification.");
        var parameters = Parse(hyperparamsJson);
        if (data.NumFeatures < 1) throw new InvalidDataException("knn needs at least one feature");
        if (parameters.NumNeighbors > data.TrainRows)
            throw new InvalidDataException(
                $"knn's n_neighbors = {parameters.NumNeighbors} is more than the {data.TrainRows} training rows",
                "Lower n_neighbors, or train on more rows.");
        // The model holds every training row: it must fit in one byte array of pgml's format.
        long bytes = data.TrainRows * (data.NumFeatures + 2L) * sizeof(float);
        if (bytes > KnnPredictor.MaxModelBytes)
            throw new InvalidDataException(
                $"a knn model of {data.TrainRows} rows x {data.NumFeatures} features would take {bytes / (1 << 20)} MiB; pgml stores at most {KnnPredictor.MaxModelBytes / (1 << 20)} MiB",
                "knn keeps every training row: train on a sample of the rows (or fewer features).");

        int n = checked((int)data.TrainRows), d = data.NumFeatures;
        var tree = KdTree.Build(data, parameters.LeafSize);
        var labels = new float[n];
        var source = data.TrainLabels;
        for (int i = 0; i < n; i++)
        {
            float y = source[tree.Original[i]];
            if (!float.IsFinite(y)) throw new InvalidDataException($"knn's label of training row {tree.Original[i] + 1} is not a finite number");
            labels[i] = y;
        }
        return new TrainedModel(new KnnPredictor(data.Task, d, data.NumClasses, parameters, tree, labels));
    }
}
