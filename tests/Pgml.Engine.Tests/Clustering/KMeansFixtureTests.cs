using System.Runtime.CompilerServices;
using Pgml.Engine.Clustering;
using Pgml.Engine.Models;
using Pgml.Engine.Tests.Neighbors;
using Xunit;

namespace Pgml.Engine.Tests.Clustering;

/// <summary>A committed k-means model (format "kmeans" v1) must keep loading and predicting the recorded clusters.</summary>
public class KMeansFixtureTests
{
    [Fact]
    public void The_committed_v1_model_predicts_the_recorded_clusters()
    {
        var model = (KMeansPredictor)FormatFixture.Check("Clustering", "kmeans-v1", TaskKind.Clustering, KMeansPredictor.Version == 1);
        Assert.Equal(4, model.Clusters);
        Assert.True(model.Inertia > 0);
    }

    [OptInFact(FormatFixture.Variable, "writes the format fixtures into the source tree")]
    public void Write_the_fixture_when_asked()
    {
        using var data = SyntheticData.Unlabeled(200, 3, 4, seed: 33, TaskKind.Clustering, spread: 1.5);
        var model = new KMeansAlgorithm().Train("""{"n_clusters": 4, "random_state": 5}""", data.TrainingSet()).Predictor;
        FormatFixture.Write(Source(), $"kmeans-v{KMeansPredictor.Version}", model, data.XTest.Take(20).ToArray());
    }

    private static string Source([CallerFilePath] string path = "") => path;
}
