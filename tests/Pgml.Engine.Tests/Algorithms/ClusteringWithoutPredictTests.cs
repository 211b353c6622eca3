using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;
using Xunit;

namespace Pgml.Engine.Tests.Algorithms;

/// <summary>PostgresML's clustering names whose scikit-learn class has no predict are refused (UnsupportedException, which
/// the extension raises as 0A000) saying so, with the clustering algorithms that do assign new rows in the hint.</summary>
public class ClusteringWithoutPredictTests
{
    [Theory]
    [InlineData("dbscan", "DBSCAN")]
    [InlineData("optics", "OPTICS")]
    [InlineData("spectral", "SpectralClustering")]
    [InlineData("spectral_bi", "SpectralBiclustering")]
    [InlineData("spectral_co", "SpectralCoclustering")]
    [InlineData("feature_agglomeration", "FeatureAgglomeration")]
    public void Is_refused_naming_the_missing_predict(string name, string sklearnClass)
    {
        var e = Assert.Throws<UnsupportedException>(() => AlgorithmRegistry.Find(name, TaskKind.Clustering));
        Assert.Contains(sklearnClass, e.Message);
        Assert.Contains("no predict", e.Message);
        Assert.Contains("kmeans", e.Hint);
    }
}
