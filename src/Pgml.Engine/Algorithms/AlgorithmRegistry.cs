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
        new LinearFamily.BayesianRidgeAlgorithm(), new LinearFamily.ArdAlgorithm(), new LinearFamily.LarsAlgorithm(lasso: false), new LinearFamily.LarsAlgorithm(lasso: true), new LinearFamily.OmpAlgorithm(), new LinearFamily.HuberAlgorithm(), new LinearFamily.QuantileAlgorithm(),
        new LinearFamily.SgdAlgorithm(), new LinearFamily.PassiveAggressiveAlgorithm(), new LinearFamily.PerceptronAlgorithm(), new LinearFamily.KernelRidgeAlgorithm(), new LinearFamily.RansacAlgorithm(), new LinearFamily.TheilSenAlgorithm(),
        new Neighbors.KnnAlgorithm(),
        new Clustering.KMeansAlgorithm(),
        new Clustering.MiniBatchKMeansAlgorithm(),
        new Clustering.AffinityPropagationAlgorithm(),
        new Clustering.MeanShiftAlgorithm(),
        new Decomposition.PcaAlgorithm(),
        new Svm.SvmAlgorithm(), new Svm.NuSvmAlgorithm(),
        new Gaussian.GaussianProcessAlgorithm(),
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

    /// <summary>
    /// PostgresML's names that pgml refuses for good, with why and what to use instead: the clustering classes that have
    /// no predict in scikit-learn (a model of them could not assign a new row, which is what pgml.predict does;
    /// PostgresML refuses them as well), and catboost, which no package registry pgml is built from ships.
    /// </summary>
    private static readonly Dictionary<string, (string Why, string Instead)> Refused = new()
    {
        ["dbscan"] = NoPredict("dbscan", "scikit-learn's DBSCAN has no predict: it labels only the rows it was fitted on"),
        ["optics"] = NoPredict("optics", "scikit-learn's OPTICS has no predict: it labels only the rows it was fitted on"),
        ["spectral"] = NoPredict("spectral", "scikit-learn's SpectralClustering has no predict: it labels only the rows it was fitted on"),
        ["spectral_bi"] = NoPredict("spectral_bi", "scikit-learn's SpectralBiclustering has no predict: it groups the fitted rows and columns together"),
        ["spectral_co"] = NoPredict("spectral_co", "scikit-learn's SpectralCoclustering has no predict: it groups the fitted rows and columns together"),
        ["feature_agglomeration"] = NoPredict("feature_agglomeration", "scikit-learn's FeatureAgglomeration has no predict: it clusters the features, not the rows"),
        ["catboost"] = ("the algorithm catboost is not available in pgml: no package registry it is built from ships CatBoost",
            "Use lightgbm or xgboost, gradient-boosted trees of the same kind: algorithm => 'lightgbm'."),
    };

    private static (string, string) NoPredict(string name, string why) =>
        ($"the clustering algorithm {name} cannot be trained in pgml: {why}, so its model could not assign new rows with pgml.predict",
         "Clustering algorithms that assign new rows: " + string.Join(", ", All.Where(a => a.Tasks.Contains(TaskKind.Clustering)).Select(a => a.Name)) + ".");

    /// <summary>The algorithm, or an <see cref="InvalidParameterException"/> naming what exists for the task.</summary>
    public static IAlgorithm Find(string name, TaskKind task)
    {
        var algorithm = All.FirstOrDefault(a => a.Name == name);
        string taskName = TaskNames.Name(task);
        if (algorithm is null && Refused.TryGetValue(name, out var refused))
            throw new UnsupportedException(refused.Why, refused.Instead);
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
