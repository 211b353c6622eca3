using System.Globalization;
using Pgml.Engine.Data;

namespace Pgml.Engine.XGBoost;

public enum XGBoostTask { Regression, Classification }

/// <summary>Trains gradient-boosted trees with libxgboost.</summary>
public static unsafe class XGBoostTrainer
{
    /// <summary>Parameters pgml sets before the user's own (which win).</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> DefaultParameters =
    [
        new("tree_method", "hist"),
        new("verbosity", "0"),
    ];

    /// <summary>
    /// Trains on the first <paramref name="trainRows"/> rows of <paramref name="features"/> (NaN = missing) and
    /// returns the model in XGBoost's JSON format.
    /// </summary>
    /// <param name="labels">One per feature row (at least the first trainRows are used). For classification, class
    /// indices 0 .. numClasses - 1 as floats.</param>
    /// <param name="numClasses">Ignored for regression.</param>
    /// <param name="checkInterrupts">Called after every boosting round; may throw to cancel (nothing leaks). A round
    /// itself cannot be interrupted, so cancellation waits for the current round to finish.</param>
    public static byte[] Train(NativeMatrix features, ReadOnlySpan<float> labels, long trainRows, XGBoostTask task, int numClasses,
        XGBoostParameters p, Action checkInterrupts)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(checkInterrupts);
        if (p.Task != task)
            throw new ArgumentException($"parameters were parsed for {p.Task}, training {task}", nameof(p));
        if (trainRows < 1 || trainRows > features.Rows)
            throw new ArgumentOutOfRangeException(nameof(trainRows), trainRows, $"must be within 1..{features.Rows}");
        if (labels.Length < trainRows)
            throw new ArgumentException($"{labels.Length} labels for {trainRows} training rows", nameof(labels));
        var trainLabels = labels[..(int)trainRows];

        // Resolve first: a bad objective should fail before any native work.
        string objective = p.ResolveObjective(numClasses);
        CheckLabels(trainLabels, task, numClasses);

        nint dmatrix = 0;
        Booster? booster = null;
        try
        {
            // XGBoost builds its own copy of the rows, so pointing it into our buffer is safe and costs no copy here.
            XGBoostNative.Check(
                XGBoostNative.XGDMatrixCreateFromMat_omp(features.Data, (ulong)trainRows, (ulong)features.Columns, float.NaN, &dmatrix, p.NThread ?? 0),
                "XGDMatrixCreateFromMat");
            fixed (float* l = trainLabels)
                XGBoostNative.Check(XGBoostNative.XGDMatrixSetFloatInfo(dmatrix, "label", l, (ulong)trainRows), "XGDMatrixSetFloatInfo(label)");

            booster = Booster.Create(dmatrix);
            booster.SetParam("objective", objective);
            // pgml's defaults, overridden by the user's keys below: histogram trees (XGBoost 2.0's default; far
            // faster and leaner than 1.7's "exact") and no chatter on the server's stderr.
            foreach (var (name, value) in DefaultParameters)
                booster.SetParam(name, value);
            if (objective.StartsWith("multi:", StringComparison.Ordinal))
                booster.SetParam("num_class", numClasses.ToString(CultureInfo.InvariantCulture));
            foreach (var (name, value) in p.BoosterParameters)
                booster.SetParam(name, value);

            for (int round = 0; round < p.NEstimators; round++)
            {
                XGBoostNative.Check(XGBoostNative.XGBoosterUpdateOneIter(booster.Handle, round, dmatrix), $"training round {round + 1}");
                checkInterrupts();
            }

            // The training rows are no longer needed; release them before serialising the model.
            XGBoostNative.XGDMatrixFree(dmatrix);
            dmatrix = 0;
            return booster.Save();
        }
        finally
        {
            booster?.Dispose();
            if (dmatrix != 0) XGBoostNative.XGDMatrixFree(dmatrix);
        }
    }

    private static void CheckLabels(ReadOnlySpan<float> labels, XGBoostTask task, int numClasses)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            float y = labels[i];
            // Callers reject NULL labels and map classes to indices; anything else here is a caller bug.
            if (float.IsNaN(y))
                throw new ArgumentException($"label of row {i} is NaN", nameof(labels));
            if (task == XGBoostTask.Classification && (y < 0 || y >= numClasses || MathF.Floor(y) != y))
                throw new ArgumentException($"label of row {i} is {y}, expected a class index in 0..{numClasses - 1}", nameof(labels));
        }
    }
}
