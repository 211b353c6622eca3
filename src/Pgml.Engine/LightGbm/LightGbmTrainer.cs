using Pgml.Engine.Data;
using Pgml.Engine.Threads;

namespace Pgml.Engine.LightGbm;

/// <summary>Trains gradient-boosted trees with lib_lightgbm (gbdt only).</summary>
internal static unsafe class LightGbmTrainer
{
    /// <summary>
    /// Trains on the first <paramref name="trainRows"/> rows of <paramref name="features"/> (NaN = missing) and returns
    /// the model in LightGBM's own text format (what LGBM_BoosterSaveModelToString writes; LightGBM in Python, R or C
    /// loads it as is), UTF-8 without a terminating NUL.
    /// </summary>
    /// <param name="labels">One per feature row (at least the first trainRows are used). For classification, class
    /// indices 0 .. numClasses - 1 as floats.</param>
    /// <param name="numClasses">Ignored for regression.</param>
    /// <param name="checkInterrupts">Called after every boosting iteration; may throw to cancel (every native handle is
    /// freed). An iteration itself cannot be interrupted, so cancellation waits for the current one to finish.</param>
    /// <remarks>
    /// LightGBM bins the rows into its own Dataset when it is created, so the NativeMatrix is read once and not
    /// referenced afterwards. When LightGBM reports that no tree can split any more, training stops early (LightGBM has
    /// then dropped that iteration's trees; further iterations would add none either).
    /// </remarks>
    public static byte[] Train(NativeMatrix features, ReadOnlySpan<float> labels, long trainRows, LightGbmTask task, int numClasses,
        LightGbmParameters p, Action checkInterrupts)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(checkInterrupts);
        if (p.Task != task)
            throw new ArgumentException($"parameters were parsed for {p.Task}, training {task}", nameof(p));
        // LightGBM takes the row count as int32.
        if (trainRows < 1 || trainRows > features.Rows || trainRows > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(trainRows), trainRows, $"must be within 1..{Math.Min(features.Rows, int.MaxValue)}");
        if (features.Columns < 1)
            throw new ArgumentException("the feature matrix has no columns", nameof(features));
        if (labels.Length < trainRows)
            throw new ArgumentException($"{labels.Length} labels for {trainRows} training rows", nameof(labels));
        var trainLabels = labels[..(int)trainRows];

        // Resolve first: a bad objective should fail before any native work.
        string parameters = p.ToTrainingString(numClasses);
        CheckLabels(trainLabels, task, numClasses);

        nint dataset = 0, booster = 0;
        try
        {
            dataset = LightGbmNative.CreateDataset(features.Data, (int)trainRows, features.Columns, parameters);
            LightGbmNative.SetLabels(dataset, trainLabels);
            booster = LightGbmNative.CreateBooster(dataset, parameters);
            for (int iteration = 0; iteration < p.NumIterations; iteration++)
            {
                bool finished = LightGbmNative.UpdateOneIter(booster, iteration);
                checkInterrupts();
                if (finished) break;
            }

            // The binned rows are no longer needed; release them before serialising the model.
            LightGbmNative.FreeDataset(dataset);
            dataset = 0;
            return LightGbmNative.SaveModelToString(booster);
        }
        finally
        {
            LightGbmNative.FreeBooster(booster);
            LightGbmNative.FreeDataset(dataset);
            OpenMp.ReleaseThreads();   // no idle OpenMP worker outlives the training
        }
    }

    private static void CheckLabels(ReadOnlySpan<float> labels, LightGbmTask task, int numClasses)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            float y = labels[i];
            // Callers reject NULL labels and map classes to indices; anything else here is a caller bug.
            if (float.IsNaN(y))
                throw new ArgumentException($"label of row {i} is NaN", nameof(labels));
            // An infinite label is the user's data. LightGBM 4.7 trains on it and writes infinite or NaN leaves.
            if (float.IsInfinity(y))
                throw new InvalidDataException($"the label of training row {i + 1} is {(y > 0 ? "" : "-")}Infinity",
                    "LightGBM needs finite labels: filter or cap the infinite values.");
            if (task == LightGbmTask.Classification && (y < 0 || y >= numClasses || MathF.Floor(y) != y))
                throw new ArgumentException($"label of row {i} is {y}, expected a class index in 0..{numClasses - 1}", nameof(labels));
        }
    }
}
