using Pgml.Engine.Algorithms;
using Pgml.Engine.Data;
using Xunit;

namespace Pgml.Engine.Tests.Training;

/// <summary>The list predict_proba's hint names is the set of classifiers that really give probabilities.</summary>
public class ProbabilityAlgorithmsTests
{
    [Fact]
    public unsafe void WithProbabilitiesMatchesWhatEachClassifierPredicts()
    {
        using var x = new NativeMatrix(2, 80);
        var labels = new float[80];
        var rng = new Random(5);
        for (int r = 0; r < 80; r++)
        {
            labels[r] = r % 2;
            x.AppendRow([(float)(labels[r] * 2 + rng.NextDouble()), (float)rng.NextDouble()]);
        }
        var probabilistic = new List<string>();
        fixed (float* y = labels)
        {
            foreach (var algorithm in AlgorithmRegistry.Algorithms.Where(a => a.Tasks.Contains(TaskKind.Classification)))
            {
                var model = algorithm.Train("{}", new TrainingSet(x, y, 60, TaskKind.Classification, 2, () => { }));
                if (model.Predictor.Kind == PredictionKind.Probabilities) probabilistic.Add(algorithm.Name);
                (model.Predictor as IDisposable)?.Dispose();
            }
        }
        Assert.Equal(AlgorithmRegistry.WithProbabilities.Order(), probabilistic.Order());
    }
}
