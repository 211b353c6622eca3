using Pgml.Engine.Algorithms;

namespace Pgml.Engine.Clustering;

/// <summary>
/// A k-means model (kmeans and mini_batch_kmeans): predict answers the index of the nearest centre (squared euclidean
/// distance in double; the lowest index among equals), as scikit-learn's predict.
/// </summary>
/// <remarks>
/// Format "kmeans", version 1 (inside pgml's envelope, ModelBinary.cs), in order: i32 features d, i32 clusters k,
/// f64[k·d] the centres (row-major, scikit-learn's cluster_centers_), f64 the inertia on the training rows (inertia_),
/// i32 the iterations run (n_iter_ for kmeans, n_steps_ for mini_batch_kmeans).
/// </remarks>
internal sealed class KMeansPredictor : IPredictor
{
    public const string Format = "kmeans";
    public const uint Version = 1;

    private readonly double[] _centres;

    public KMeansPredictor(int features, int clusters, double[] centres, double inertia, int iterations)
    {
        if (features < 1 || clusters < 1 || centres.Length != (long)features * clusters)
            throw new ArgumentException("centres must hold clusters x features values");
        NumFeatures = features;
        Clusters = clusters;
        _centres = centres;
        Inertia = inertia;
        Iterations = iterations;
    }

    public int NumFeatures { get; }
    public int NumOutputs => 1;
    public PredictionKind Kind => PredictionKind.Cluster;

    public int Clusters { get; }

    /// <summary>scikit-learn's inertia_: the training rows' summed squared distance to their nearest centre.</summary>
    public double Inertia { get; }

    /// <summary>Lloyd iterations (kmeans' best run) or mini-batch steps.</summary>
    public int Iterations { get; }

    /// <summary>scikit-learn's cluster_centers_, row-major (clusters x features).</summary>
    public ReadOnlySpan<double> Centres => _centres;

    public unsafe void Predict(ReadOnlySpan<float> features, Span<float> output)
    {
        int d = NumFeatures;
        for (int j = 0; j < d; j++)
            if (float.IsNaN(features[j]))
            {
                // refused by the extension before it gets here; answer NaN rather than throw
                output[0] = float.NaN;
                return;
            }
        fixed (float* row = features)
            output[0] = KMeansCore.Nearest(row, _centres, Clusters, d, out _);
    }

    public byte[] ToBytes() => new ModelWriter(Format, Version)
        .Int32(NumFeatures).Int32(Clusters).Doubles(_centres).Double(Inertia).Int32(Iterations).ToBytes();

    public static IPredictor Load(ref ModelReader reader)
    {
        if (reader.Version != Version) throw ModelFormats.UnknownVersion(Format, reader.Version, Version);
        int d = reader.Int32("features", 1, int.MaxValue);
        int k = reader.Int32("clusters", 1, int.MaxValue);
        var centres = reader.Doubles((long)k * d, "centres");
        double inertia = reader.Double();
        int iterations = reader.Int32("iterations", 0, int.MaxValue);
        return new KMeansPredictor(d, k, centres, inertia, iterations);
    }
}
