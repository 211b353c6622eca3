using System.Runtime.CompilerServices;
using Pgml.Engine.Decomposition;
using Pgml.Engine.Models;
using Pgml.Engine.Tests.Neighbors;
using Xunit;

namespace Pgml.Engine.Tests.Decomposition;

/// <summary>A committed PCA model (format "pca" v1) must keep loading and giving the recorded components.</summary>
public class PcaFixtureTests
{
    [Fact]
    public void The_committed_v1_model_gives_the_recorded_components()
    {
        var model = (PcaPredictor)FormatFixture.Check("Decomposition", "pca-v1", TaskKind.Decomposition, PcaPredictor.Version == 1);
        Assert.Equal(3, model.NumOutputs);
        Assert.True(model.Whiten);
        Assert.InRange(model.ExplainedVarianceRatio.Sum(), 0.5, 1);
    }

    [OptInFact(FormatFixture.Variable, "writes the format fixtures into the source tree")]
    public void Write_the_fixture_when_asked()
    {
        using var data = SyntheticData.Unlabeled(200, 5, 3, seed: 34, TaskKind.Decomposition, spread: 1.5);
        var model = new PcaAlgorithm().Train("""{"n_components": 3, "whiten": true}""", data.TrainingSet()).Predictor;
        FormatFixture.Write(Source(), $"pca-v{PcaPredictor.Version}", model, data.XTest.Take(20).ToArray());
    }

    private static string Source([CallerFilePath] string path = "") => path;
}
