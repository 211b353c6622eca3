using Pgml.Engine.Models;

namespace Pgml.Engine.Algorithms;

/// <summary>Every algorithm pgml trains, by PostgresML's name.</summary>
public static class AlgorithmRegistry
{
    // One line per algorithm.
    private static readonly IAlgorithm[] All =
    [
        new XGBoost.XGBoostAlgorithm(),
        new XGBoost.XGBoostRandomForestAlgorithm(),
        new LightGbm.LightGbmAlgorithm(),
        new Linear.LinearAlgorithm(), new Linear.RidgeAlgorithm(), new Linear.LassoAlgorithm(), new Linear.ElasticNetAlgorithm(), new Linear.LinearSvmAlgorithm(),
        new Neighbors.KnnAlgorithm(),
        new Clustering.KMeansAlgorithm(),
        new Clustering.MiniBatchKMeansAlgorithm(),
        new Decomposition.PcaAlgorithm(),
        new Svm.SvmAlgorithm(), new Svm.NuSvmAlgorithm(),
        new Forest.RandomForestAlgorithm(),
        new Forest.ExtraTreesAlgorithm(), new Forest.BaggingAlgorithm(),
        new Boosting.GradientBoostingAlgorithm(), new Boosting.HistGradientBoostingAlgorithm(), new Boosting.AdaBoostAlgorithm(),
    ];

    public static IReadOnlyList<IAlgorithm> Algorithms => All;

    /// <summary>The classifiers whose predictions are class probabilities (the others give decision scores).</summary>
    public static IReadOnlyList<string> WithProbabilities { get; } = ["xgboost", "xgboost_random_forest", "lightgbm", "linear", "random_forest", "extra_trees", "knn", "gradient_boosting_trees", "hist_gradient_boosting", "bagging", "ada_boost"];

    /// <summary>PostgresML's default: 'linear', which becomes kmeans for clustering and pca for decomposition.</summary>
    public static string Default(TaskKind task, string? given) => (given, task) switch
    {
        (null or "linear", TaskKind.Clustering) => "kmeans",
        (null or "linear", TaskKind.Decomposition) => "pca",
        (null, _) => "linear",
        _ => given,
    };

    public static IReadOnlyList<string> NamesFor(TaskKind task) =>
        All.Where(a => a.Tasks.Contains(task)).Select(a => a.Name).ToArray();

    /// <summary>The algorithm, or an <see cref="InvalidParameterException"/> naming what exists for the task.</summary>
    public static IAlgorithm Find(string name, TaskKind task)
    {
        var algorithm = All.FirstOrDefault(a => a.Name == name);
        string taskName = TaskNames.Name(task);
        if (algorithm is null)
            throw new UnsupportedException($"the algorithm \"{name}\" is not implemented in pgml",
                $"Algorithms for {taskName}: {string.Join(", ", NamesFor(task))}.");
        if (!algorithm.Tasks.Contains(task))
            throw new UnsupportedException($"the algorithm {name} does not support {taskName}",
                $"{name} supports {string.Join(", ", algorithm.Tasks.Select(TaskNames.Name))}; algorithms for {taskName}: {string.Join(", ", NamesFor(task))}.");
        return algorithm;
    }

    /// <summary>What a model file is, for messages: the library's own model by its algorithm's description, else its path.</summary>
    public static string DescribeFile(string path) =>
        All.FirstOrDefault(a => a.NativeFile == path)?.NativeFileDescription ?? path;
}
