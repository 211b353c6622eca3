namespace Pgml.Engine.Algorithms;

/// <summary>
/// What a prediction's output values mean; the extension turns them into predict / predict_proba / decompose answers.
/// </summary>
public enum PredictionKind
{
    /// <summary>Regression: output[0] is the predicted value.</summary>
    Value,
    /// <summary>Classification: output[0..K) are the class probabilities (they sum to 1); the class is their argmax.</summary>
    Probabilities,
    /// <summary>Classification without probabilities (SVM, ridge, linear_svm): K decision scores, the class is their argmax.</summary>
    Scores,
    /// <summary>Clustering: output[0] is the cluster index (0 .. n_clusters - 1).</summary>
    Cluster,
    /// <summary>Decomposition: output[0..n_components) are the components.</summary>
    Components,
}

/// <summary>
/// A trained model ready to evaluate one row at a time. Implementations allocate everything they need when they are
/// built, so <see cref="Predict"/> does no managed allocation; they are not required to be thread-safe (each backend
/// owns its own), and must not throw for NaN features (missing values: they propagate or take a default branch).
/// </summary>
public interface IPredictor
{
    /// <summary>Features read from the input span, which is at least this long.</summary>
    int NumFeatures { get; }

    /// <summary>Values written by <see cref="Predict"/> (1 for Value and Cluster, K for classification, n_components).</summary>
    int NumOutputs { get; }

    PredictionKind Kind { get; }

    void Predict(ReadOnlySpan<float> features, Span<float> output);

    /// <summary>The model in pgml's versioned binary form (see <see cref="ModelBinary"/>), loadable by <see cref="ModelFormats.Load"/>.</summary>
    byte[] ToBytes();

    /// <summary>
    /// The same bytes in native memory, for storing: models that can be hundreds of megabytes (forests) write them
    /// there directly instead of onto the backend's capped managed heap; the others copy <see cref="ToBytes"/>.
    /// </summary>
    Data.NativeList<byte> ToNativeBytes() => new(ToBytes());
}
