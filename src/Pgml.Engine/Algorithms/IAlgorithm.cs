using Pgml.Engine.Search;

namespace Pgml.Engine.Algorithms;

/// <summary>A file stored with a model besides pgml's own bytes, e.g. XGBoost's JSON or LightGBM's text model.</summary>
public sealed record ModelFile(string Path, byte[] Data);

/// <summary>
/// The result of training: the ready predictor, any library-native files to store beside it, and metrics known from
/// training itself (PCA's cumulative_explained_variance), merged into the model's metrics.
/// </summary>
public sealed record TrainedModel(IPredictor Predictor, IReadOnlyList<ModelFile> NativeFiles, IReadOnlyDictionary<string, double> Metrics)
{
    public TrainedModel(IPredictor predictor) : this(predictor, [], new Dictionary<string, double>()) { }

    public TrainedModel(IPredictor predictor, IReadOnlyList<ModelFile> nativeFiles) : this(predictor, nativeFiles, new Dictionary<string, double>()) { }
}

/// <summary>
/// One algorithm, by PostgresML's name (xgboost, linear, svm, kmeans, ...). Hyperparameters use scikit-learn's names
/// and defaults (XGBoost's and LightGBM's own names for those two).
/// </summary>
public interface IAlgorithm
{
    /// <summary>PostgresML's name, e.g. "random_forest".</summary>
    string Name { get; }

    /// <summary>The tasks this algorithm can train.</summary>
    IReadOnlyList<TaskKind> Tasks { get; }

    /// <summary>
    /// Whether NaN (a missing value) is a valid feature: true for the tree libraries, which learn where missing values
    /// go; false for algorithms built on distances or dot products, where the extension refuses NaN with a hint to
    /// impute, both in training and in predict, so the predictor never sees one.
    /// </summary>
    bool AcceptsMissingValues { get; }

    /// <summary>
    /// Checks hyperparameters (a JSON object, jsonb text) for <paramref name="task"/> without training, so a bad key
    /// fails before any row is read. Throws <see cref="InvalidParameterException"/> naming the supported keys.
    /// </summary>
    void Validate(string hyperparamsJson, TaskKind task);

    /// <summary>
    /// Trains on <paramref name="data"/>'s training rows. Throws <see cref="InvalidParameterException"/> for bad
    /// hyperparameters, <see cref="InvalidDataException"/> for data the algorithm cannot use, and lets whatever
    /// <see cref="TrainingSet.CheckInterrupts"/> throws propagate.
    /// </summary>
    TrainedModel Train(string hyperparamsJson, TrainingSet data);

    /// <summary>
    /// The library's own model file this algorithm stores beside pgml's bytes and treats as the source of truth
    /// (XGBoost's estimator.json, LightGBM's estimator.txt), or null when pgml's bytes are the only form.
    /// </summary>
    string? NativeFile => null;

    /// <summary>What <see cref="NativeFile"/> is, for messages (e.g. "XGBoost JSON").</summary>
    string? NativeFileDescription => null;

    /// <summary>Rebuilds the predictor from <see cref="NativeFile"/>'s bytes, when pgml's bytes are missing or damaged.</summary>
    IPredictor FromNativeFile(byte[] data, TaskKind task) =>
        throw new UnsupportedException($"{Name} stores no library-native model to load from");

    /// <summary>
    /// The evaluator a hyperparameter search cross-validates candidates with, over <paramref name="data"/>'s training
    /// rows (the held-out rows are never read). The default copies each fold's rows and calls <see cref="Train"/>;
    /// an algorithm with a cheaper way (XGBoost slices one DMatrix) overrides it. Dispose it if it is IDisposable.
    /// </summary>
    ICandidateEvaluator CreateCandidateEvaluator(TrainingSet data) =>
        new AlgorithmCandidateEvaluator(this, data);
}
