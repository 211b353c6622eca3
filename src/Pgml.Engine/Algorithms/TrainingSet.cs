using Pgml.Engine.Data;
using Pgml.Engine.Models;

namespace Pgml.Engine.Algorithms;

/// <summary>
/// The rows an algorithm trains on: the first <see cref="TrainRows"/> rows of <see cref="Features"/> (float32,
/// row-major, native memory, NaN = missing). The rows after them are held out and must not be read by training.
/// </summary>
public sealed unsafe class TrainingSet
{
    private readonly float* _labels;

    /// <param name="labels">One per row of <paramref name="features"/> (regression: the target; classification: the class
    /// index 0 .. numClasses - 1 as a float), or null for clustering and decomposition. Not copied: it must outlive training.</param>
    public TrainingSet(NativeMatrix features, float* labels, long trainRows, TaskKind task, int numClasses, Action checkInterrupts)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(checkInterrupts);
        if (trainRows < 1 || trainRows > features.Rows)
            throw new ArgumentOutOfRangeException(nameof(trainRows), trainRows, $"must be within 1..{features.Rows}");
        bool supervised = task is TaskKind.Regression or TaskKind.Classification;
        if (supervised != (labels != null))
            throw new ArgumentException(supervised ? "a supervised task needs labels" : "an unsupervised task takes no labels", nameof(labels));
        if (task == TaskKind.Classification && numClasses < 2)
            throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "classification needs at least 2 classes");
        Features = features;
        _labels = labels;
        TrainRows = trainRows;
        Task = task;
        NumClasses = task == TaskKind.Classification ? numClasses : 0;
        CheckInterrupts = checkInterrupts;
    }

    public NativeMatrix Features { get; }
    public long TrainRows { get; }
    public int NumFeatures => Features.Columns;
    public TaskKind Task { get; }

    /// <summary>Classes for classification (labels are 0 .. NumClasses - 1), 0 otherwise.</summary>
    public int NumClasses { get; }

    /// <summary>Called often enough during training that cancellation is prompt; whatever it throws must propagate.</summary>
    public Action CheckInterrupts { get; }

    public bool HasLabels => _labels != null;
    public float* LabelPointer => _labels;

    /// <summary>The training rows' labels (empty for unsupervised tasks).</summary>
    public ReadOnlySpan<float> TrainLabels => _labels == null ? default : new ReadOnlySpan<float>(_labels, checked((int)TrainRows));

    /// <summary>Every row's label, training and held-out (empty for unsupervised tasks).</summary>
    public ReadOnlySpan<float> AllLabels => _labels == null ? default : new ReadOnlySpan<float>(_labels, checked((int)Features.Rows));

    public ReadOnlySpan<float> Row(long row)
    {
        if ((ulong)row >= (ulong)TrainRows) throw new ArgumentOutOfRangeException(nameof(row), row, "training rows only");
        return Features.Row(row);
    }
}
