using System.Globalization;
using Pgml.Engine.Data;
using Pgml.Engine.Threads;

namespace Pgml.Engine.XGBoost;

public enum XGBoostTask { Regression, Classification }

/// <summary>Trains gradient-boosted trees with libxgboost.</summary>
internal static unsafe class XGBoostTrainer
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

        // Resolve first: a bad objective or a round too large to wait for should fail before any native work.
        string objective = p.ResolveObjective(numClasses);
        p.CheckRoundCost(trainRows);
        CheckLabels(trainLabels, task, numClasses);

        nint dmatrix = 0;
        Booster? booster = null;
        try
        {
            // XGBoost builds its own copy of the rows, so pointing it into our buffer is safe and costs no copy here.
            XGBoostNative.Check(
                XGBoostNative.XGDMatrixCreateFromMat_omp(features.Data, (ulong)trainRows, (ulong)features.Columns, float.NaN, &dmatrix, p.Threads),
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
            // after the user's keys: nthread 0 (XGBoost's "all cores") becomes the cap, and no nthread the cap too
            booster.SetParam("nthread", p.Threads.ToString(CultureInfo.InvariantCulture));

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
            OpenMp.ReleaseThreads();   // no idle OpenMP worker outlives the training
        }
    }

    /// <summary>
    /// Trains on the rows <paramref name="rows"/> (indices into <paramref name="data"/>, in that order) and returns the
    /// model in XGBoost's JSON format. Configures the booster exactly as the overload above, so a fit on rows
    /// 0..n-1 here equals Train(features, labels, n, ...). Used by cross-validation; nothing leaks on an exception.
    /// </summary>
    /// <param name="checkInterrupts">Called after every boosting round; may throw to cancel.</param>
    public static byte[] Train(XGBoostTrainingData data, ReadOnlySpan<long> rows, XGBoostParameters p, Action checkInterrupts)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(checkInterrupts);
        if (p.Task != data.Task)
            throw new ArgumentException($"parameters were parsed for {p.Task}, training {data.Task}", nameof(p));

        string objective = p.ResolveObjective(data.NumClasses);
        p.CheckRoundCost(rows.Length);
        nint dmatrix = data.Matrix(rows);   // owned by data: not freed here
        Booster? booster = null;
        try
        {
            booster = Booster.Create(dmatrix);
            data.OpenHandles++;
            // Keep in step with Train above (a test checks both give the same model).
            booster.SetParam("objective", objective);
            foreach (var (name, value) in DefaultParameters)
                booster.SetParam(name, value);
            if (objective.StartsWith("multi:", StringComparison.Ordinal))
                booster.SetParam("num_class", data.NumClasses.ToString(CultureInfo.InvariantCulture));
            foreach (var (name, value) in p.BoosterParameters)
                booster.SetParam(name, value);
            // after the user's keys: nthread 0 (XGBoost's "all cores") becomes the cap, and no nthread the cap too
            booster.SetParam("nthread", p.Threads.ToString(CultureInfo.InvariantCulture));

            for (int round = 0; round < p.NEstimators; round++)
            {
                XGBoostNative.Check(XGBoostNative.XGBoosterUpdateOneIter(booster.Handle, round, dmatrix), $"training round {round + 1}");
                checkInterrupts();
            }
            return booster.Save();
        }
        finally
        {
            if (booster is not null)
            {
                booster.Dispose();
                data.OpenHandles--;
            }
            OpenMp.ReleaseThreads();
        }
    }

    internal static void CheckSubsetLabels(ReadOnlySpan<float> labels, XGBoostTask task, int numClasses) => CheckLabels(labels, task, numClasses);

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

// ---- Training on row subsets (hyperparameter search) ----

/// <summary>
/// The first <see cref="Rows"/> rows of a data set (features and labels) loaded into libxgboost once, so that many
/// fits on row subsets (cross-validation folds) slice this DMatrix instead of reading the NativeMatrix again.
/// Not thread-safe: one fit at a time. Dispose frees every native handle it owns.
/// </summary>
internal sealed unsafe class XGBoostTrainingData : IDisposable
{
    private nint _full;
    // The last slice and its rows: a search fits every candidate on one fold before moving on, so the slice (and the
    // histogram index XGBoost caches inside it) is built once per fold, not once per fit.
    private nint _slice;
    private int[]? _sliceRows;

    /// <param name="rows">How many leading rows of <paramref name="features"/> fits may use (the training split).</param>
    /// <param name="labels">At least <paramref name="rows"/> labels; for classification, class indices as floats.</param>
    public XGBoostTrainingData(NativeMatrix features, ReadOnlySpan<float> labels, long rows, XGBoostTask task, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(features);
        // XGDMatrixSliceDMatrix takes int row indices.
        if (rows < 1 || rows > features.Rows || rows > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"must be within 1..{Math.Min(features.Rows, int.MaxValue)}");
        if (labels.Length < rows)
            throw new ArgumentException($"{labels.Length} labels for {rows} rows", nameof(labels));
        var used = labels[..(int)rows];
        XGBoostTrainer.CheckSubsetLabels(used, task, numClasses);

        Rows = rows;
        Task = task;
        NumClasses = numClasses;
        nint full = 0;
        try
        {
            // XGBoost copies the rows, with as many threads as a training may use.
            XGBoostNative.Check(
                XGBoostNative.XGDMatrixCreateFromMat_omp(features.Data, (ulong)rows, (ulong)features.Columns, float.NaN, &full, ThreadBudget.Max),
                "XGDMatrixCreateFromMat");
            fixed (float* l = used)
                XGBoostNative.Check(XGBoostNative.XGDMatrixSetFloatInfo(full, "label", l, (ulong)rows), "XGDMatrixSetFloatInfo(label)");
            _full = full;
            full = 0;
        }
        finally
        {
            if (full != 0) XGBoostNative.XGDMatrixFree(full);
        }
    }

    public long Rows { get; }
    public XGBoostTask Task { get; }
    public int NumClasses { get; }

    /// <summary>Native handles alive besides the full matrix (cached slice, boosters in training); for leak tests.</summary>
    internal int OpenHandles { get; set; }

    /// <summary>
    /// A DMatrix of exactly <paramref name="rows"/> (in that order), owned by this object: the full matrix when the rows
    /// are 0..Rows-1, else a slice that stays valid until the next call or Dispose.
    /// </summary>
    internal nint Matrix(ReadOnlySpan<long> rows)
    {
        if (_full == 0) throw new ObjectDisposedException(nameof(XGBoostTrainingData));
        if (rows.IsEmpty) throw new ArgumentException("no rows to train on", nameof(rows));

        bool identity = rows.Length == Rows;
        for (int i = 0; i < rows.Length; i++)
        {
            if ((ulong)rows[i] >= (ulong)Rows)
                throw new ArgumentOutOfRangeException(nameof(rows), rows[i], $"row index outside 0..{Rows - 1}");
            identity &= rows[i] == i;
        }
        if (identity) return _full;
        if (_sliceRows is not null && SameRows(_sliceRows, rows)) return _slice;

        FreeSlice();
        var indices = new int[rows.Length];
        for (int i = 0; i < indices.Length; i++) indices[i] = (int)rows[i];
        nint slice;
        fixed (int* p = indices)
            XGBoostNative.Check(XGBoostNative.XGDMatrixSliceDMatrix(_full, p, (ulong)indices.Length, &slice), "XGDMatrixSliceDMatrix");
        _slice = slice;
        _sliceRows = indices;
        OpenHandles++;
        return slice;
    }

    private static bool SameRows(int[] cached, ReadOnlySpan<long> rows)
    {
        if (cached.Length != rows.Length) return false;
        for (int i = 0; i < cached.Length; i++)
            if (cached[i] != rows[i]) return false;
        return true;
    }

    private void FreeSlice()
    {
        if (_slice == 0) return;
        XGBoostNative.XGDMatrixFree(_slice);
        _slice = 0;
        _sliceRows = null;
        OpenHandles--;
    }

    public void Dispose()
    {
        FreeSlice();
        if (_full != 0)
        {
            XGBoostNative.XGDMatrixFree(_full);
            _full = 0;
        }
        OpenMp.ReleaseThreads();
    }
}
