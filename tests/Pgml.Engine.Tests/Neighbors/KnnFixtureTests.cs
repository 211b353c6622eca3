using System.Runtime.CompilerServices;
using Pgml.Engine.Models;
using Pgml.Engine.Neighbors;
using Xunit;

namespace Pgml.Engine.Tests.Neighbors;

/// <summary>Committed knn models (format "knn" v1) must keep loading and predicting the recorded values.</summary>
public class KnnFixtureTests
{
    [Fact]
    public void The_committed_v1_models_predict_the_recorded_values()
    {
        var regression = (KnnPredictor)FormatFixture.Check("Neighbors", "knn-regression-v1", TaskKind.Regression, KnnPredictor.Version == 1);
        Assert.True(regression.DistanceWeights);
        Assert.Equal(KnnMetric.Euclidean, regression.Metric);
        var classification = (KnnPredictor)FormatFixture.Check("Neighbors", "knn-classification-v1", TaskKind.Classification, KnnPredictor.Version == 1);
        Assert.Equal(KnnMetric.Manhattan, classification.Metric);
        Assert.Equal(3, classification.NumOutputs);
    }

    [OptInFact(FormatFixture.Variable, "writes the format fixtures into the source tree")]
    public void Write_the_fixtures_when_asked()
    {
        using var r = SyntheticData.Regression(120, 3, seed: 31);
        var regression = new KnnAlgorithm().Train("""{"n_neighbors": 4, "weights": "distance", "leaf_size": 5}""", r.TrainingSet()).Predictor;
        FormatFixture.Write(Source(), $"knn-regression-v{KnnPredictor.Version}", regression, [.. r.XTest.Take(20), r.XTrain[0]]);
        using var c = SyntheticData.Classification(150, 3, 3, seed: 32, spread: 2.5);
        var classification = new KnnAlgorithm().Train("""{"n_neighbors": 6, "p": 1, "leaf_size": 8}""", c.TrainingSet()).Predictor;
        FormatFixture.Write(Source(), $"knn-classification-v{KnnPredictor.Version}", classification, c.XTest.Take(20).ToArray());
    }

    private static string Source([CallerFilePath] string path = "") => path;
}
