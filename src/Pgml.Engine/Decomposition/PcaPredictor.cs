using Pgml.Engine.Algorithms;

namespace Pgml.Engine.Decomposition;

/// <summary>
/// A PCA model: decompose answers the components of a row, (x - mean) · componentᵢ, divided by
/// sqrt(explained_varianceᵢ) when whiten (scikit-learn's transform), computed in double.
/// </summary>
/// <remarks>
/// Format "pca", version 1 (inside pgml's envelope, ModelBinary.cs), in order: i32 features d, i32 components m,
/// i32 whiten (0 or 1), f64[d] mean_, f64[m·d] components_ (row-major, one component per row), f64[m]
/// explained_variance_, f64[m] explained_variance_ratio_.
/// </remarks>
internal sealed class PcaPredictor : IPredictor
{
    public const string Format = "pca";
    public const uint Version = 1;

    private readonly double[] _mean;
    private readonly double[] _components;
    private readonly double[] _variance;
    private readonly double[] _ratio;
    private readonly double[] _scale;
    private readonly double[] _centred;

    public PcaPredictor(double[] mean, double[] components, double[] explainedVariance, double[] explainedVarianceRatio, bool whiten)
    {
        int d = mean.Length, m = explainedVariance.Length;
        if (d < 1 || m < 1 || components.Length != (long)m * d || explainedVarianceRatio.Length != m)
            throw new ArgumentException("mean (d), components (m x d), explained variance (m) and its ratio (m) do not agree");
        _mean = mean;
        _components = components;
        _variance = explainedVariance;
        _ratio = explainedVarianceRatio;
        Whiten = whiten;
        _scale = explainedVariance.Select(v => whiten ? Math.Sqrt(v) : 1).ToArray();
        _centred = new double[d];
    }

    public int NumFeatures => _mean.Length;
    public int NumOutputs => _variance.Length;
    public PredictionKind Kind => PredictionKind.Components;

    public bool Whiten { get; }

    /// <summary>scikit-learn's mean_.</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>scikit-learn's components_, row-major (components x features).</summary>
    public IReadOnlyList<double> Components => _components;

    /// <summary>scikit-learn's explained_variance_ (the eigenvalues of the covariance matrix, divided by n - 1).</summary>
    public IReadOnlyList<double> ExplainedVariance => _variance;

    /// <summary>scikit-learn's explained_variance_ratio_: each component's share of the total variance. Their sum is the
    /// metric cumulative_explained_variance.</summary>
    public IReadOnlyList<double> ExplainedVarianceRatio => _ratio;

    public void Predict(ReadOnlySpan<float> features, Span<float> output)
    {
        int d = _mean.Length;
        var centred = _centred;
        for (int j = 0; j < d; j++) centred[j] = features[j] - _mean[j];
        for (int k = 0; k < _variance.Length; k++)
        {
            var component = _components.AsSpan(k * d, d);
            double sum = 0;
            for (int j = 0; j < d; j++) sum += centred[j] * component[j];
            output[k] = (float)(sum / _scale[k]);
        }
    }

    public byte[] ToBytes() => new ModelWriter(Format, Version)
        .Int32(_mean.Length).Int32(_variance.Length).Int32(Whiten ? 1 : 0)
        .Doubles(_mean).Doubles(_components).Doubles(_variance).Doubles(_ratio)
        .ToBytes();

    public static IPredictor Load(ref ModelReader reader)
    {
        if (reader.Version != Version) throw ModelFormats.UnknownVersion(Format, reader.Version, Version);
        int d = reader.Int32("features", 1, int.MaxValue);
        int m = reader.Int32("components", 1, d);
        bool whiten = reader.Int32("whiten", 0, 1) == 1;
        var mean = reader.Doubles(d, "mean");
        var components = reader.Doubles((long)m * d, "components");
        var variance = reader.Doubles(m, "explained variance");
        var ratio = reader.Doubles(m, "explained variance ratio");
        return new PcaPredictor(mean, components, variance, ratio, whiten);
    }
}
