using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Forest;

/// <summary>
/// bagging: scikit-learn's BaggingRegressor / BaggingClassifier with their default estimator, a fully grown decision
/// tree (squared error or gini, every feature a candidate at each node). Each tree gets max_samples rows (drawn with
/// replacement when bootstrap, the draw counts as row weights like scikit-learn's sample_weight; without replacement
/// otherwise) and max_features features (drawn once per tree, without replacement unless bootstrap_features). The
/// forest is averaged like random_forest's (predict; predict_proba), in format "forest". Several targets are one model
/// per target, which is what scikit-learn's bagging of single-output trees amounts to.
/// </summary>
internal sealed class BaggingAlgorithm : IAlgorithm
{
    public string Name => BaggingParameters.Name;
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Regression, TaskKind.Classification];

    /// <summary>scikit-learn 1.2's trees refuse NaN; so does pgml (impute first).</summary>
    public bool AcceptsMissingValues => false;

    public void Validate(string hyperparamsJson, TaskKind task) => BaggingParameters.Parse(hyperparamsJson, task);

    public unsafe TrainedModel Train(string hyperparamsJson, TrainingSet data)
    {
        var prm = BaggingParameters.Parse(hyperparamsJson, data.Task);
        if (data.TrainRows > int.MaxValue - 1)
            throw new InvalidDataException($"{Name} trains on at most {int.MaxValue - 1} rows, got {data.TrainRows}", "Train on a sample of the rows.");
        int rows = (int)data.TrainRows, cols = data.NumFeatures;
        int samples = BaggingParameters.Count("max_samples", prm.MaxSamples, rows);
        int features = BaggingParameters.Count("max_features", prm.MaxFeatures, cols);
        ForestTrainer.CheckRows(Name, data);
        var tree = new ForestParameters
        {
            Criterion = data.Task == TaskKind.Classification ? ForestCriterion.Gini : ForestCriterion.SquaredError,
            MaxFeaturesWord = "all",
            Bootstrap = prm.Bootstrap,
            MaxSamples = new CountOrFraction(samples, null),
        }.Resolve(Name, rows, features, data.Task);
        int classes = data.Task == TaskKind.Classification ? data.NumClasses : 0;
        var output = new NativeForest(cols, Math.Max(classes, 1));
        try
        {
            using var grower = new TreeGrower(data.Features.Data, cols, data.LabelPointer, rows, classes, false, tree, data.CheckInterrupts, output);
            var seeds = new SeededRandom(prm.Seed);
            var inBag = !prm.Bootstrap && samples < rows ? new bool[rows] : null;
            for (int t = 0; t < prm.NEstimators; t++)
            {
                var rng = new SeededRandom(seeds.NextUInt64());
                if (inBag is not null) Subset(inBag, samples, rng);
                int[]? chosen = features < cols || prm.BootstrapFeatures ? Features(cols, features, prm.BootstrapFeatures, rng) : null;
                grower.Grow(rng.NextUInt64(), inBag, chosen);
            }
            output.TrimExcess();
            return new TrainedModel(new ForestPredictor(output, data.Task));
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>Exactly <paramref name="count"/> rows in the bag, drawn without replacement.</summary>
    private static void Subset(bool[] inBag, int count, SeededRandom rng)
    {
        Array.Clear(inBag);
        var order = Enumerable.Range(0, inBag.Length).ToArray();
        for (int i = 0; i < count; i++)
        {
            int j = i + rng.NextInt(order.Length - i);
            (order[i], order[j]) = (order[j], order[i]);
            inBag[order[i]] = true;
        }
    }

    /// <summary>The tree's features: <paramref name="count"/> drawn without replacement, or with replacement when
    /// bootstrap_features (a feature drawn twice is the same candidate, so the distinct ones are kept).</summary>
    private static int[] Features(int cols, int count, bool withReplacement, SeededRandom rng)
    {
        if (withReplacement) return Enumerable.Range(0, count).Select(_ => rng.NextInt(cols)).Distinct().Order().ToArray();
        var order = Enumerable.Range(0, cols).ToArray();
        for (int i = 0; i < count; i++)
        {
            int j = i + rng.NextInt(cols - i);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order[..count].Order().ToArray();
    }
}
