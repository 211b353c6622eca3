using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Forest;

/// <summary>Trains a forest on a <see cref="TrainingSet"/>: checks the rows, then grows the trees one after another.</summary>
internal static unsafe class ForestTrainer
{
    public static NativeForest Train(string algorithm, ForestParameters parameters, TrainingSet data, bool randomSplits)
    {
        if (data.TrainRows > int.MaxValue - 1)
            throw new InvalidDataException($"{algorithm} trains on at most {int.MaxValue - 1} rows, got {data.TrainRows}",
                "Train on a sample of the rows (e.g. a view with TABLESAMPLE).");
        if (data.NumFeatures < 1)
            throw new InvalidDataException($"{algorithm} needs at least one feature", "Add a feature column.");
        var p = parameters.Resolve(algorithm, data.TrainRows, data.NumFeatures, data.Task);
        CheckRows(algorithm, data);
        int classes = data.Task == TaskKind.Classification ? data.NumClasses : 0;
        var output = new NativeForest(data.NumFeatures, Math.Max(classes, 1));
        try
        {
            using var grower = new TreeGrower(data.Features.Data, data.NumFeatures, data.LabelPointer, data.TrainRows, classes,
                randomSplits, p, data.CheckInterrupts, output);
            // One seed per tree from the forest's stream: tree t is the same whatever the number of trees after it.
            var seeds = new SeededRandom(parameters.Seed);
            for (int t = 0; t < parameters.NEstimators; t++) grower.Grow(seeds.NextUInt64());
            output.TrimExcess();
            return output;
        }
        catch
        {
            output.Dispose();   // an interrupted or failed training frees its nodes now, not at the next collection
            throw;
        }
    }

    /// <summary>scikit-learn's forests refuse NaN and infinity (no missing-value support in 1.2), and so does pgml.</summary>
    internal static void CheckRows(string algorithm, TrainingSet data)
    {
        float* x = data.Features.Data;
        int cols = data.NumFeatures;
        for (long r = 0; r < data.TrainRows; r++)
        {
            if ((r & 0xFFFF) == 0xFFFF) data.CheckInterrupts();
            for (int c = 0; c < cols; c++)
                if (!float.IsFinite(x[r * cols + c]))
                    throw new InvalidDataException(
                        $"{algorithm} cannot train on {(float.IsNaN(x[r * cols + c]) ? "a missing value (NULL or NaN)" : "an infinite value")}: training row {r + 1}, feature {c + 1}",
                        "Impute missing values (preprocess => '{\"col\": {\"impute\": \"mean\"}}') or filter the rows; xgboost and lightgbm accept missing values.");
        }
        var labels = data.TrainLabels;
        for (int r = 0; r < labels.Length; r++)
        {
            float y = labels[r];
            bool ok = data.Task == TaskKind.Classification
                ? y >= 0 && y < data.NumClasses && y == MathF.Floor(y)
                : float.IsFinite(y);
            if (!ok)
                throw new InvalidDataException($"{algorithm}: training row {r + 1} has the label {y}, which is not " +
                    (data.Task == TaskKind.Classification ? $"a class index in 0..{data.NumClasses - 1}" : "a finite number"),
                    "Filter the rows or fix the labels.");
        }
    }
}
