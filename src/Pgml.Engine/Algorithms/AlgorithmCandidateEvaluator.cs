using Pgml.Engine.Data;
using Pgml.Engine.Search;

namespace Pgml.Engine.Algorithms;

/// <summary>
/// Cross-validation for any <see cref="IAlgorithm"/>: each fold's training rows, then its validation rows, are copied
/// into one scratch native matrix (the size of the training split at most), trained on and scored with the task's
/// target metric. XGBoost has its own evaluator that slices one DMatrix instead of copying.
/// </summary>
internal sealed unsafe class AlgorithmCandidateEvaluator : ICandidateEvaluator
{
    private readonly IAlgorithm _algorithm;
    private readonly NativeMatrix _x;
    private readonly float* _labels;
    private readonly TaskKind _task;
    private readonly int _numClasses;

    /// <param name="labels">One label per row of <paramref name="x"/> (null for unsupervised tasks).</param>
    public AlgorithmCandidateEvaluator(IAlgorithm algorithm, NativeMatrix x, float* labels, TaskKind task, int numClasses)
    {
        _algorithm = algorithm;
        _x = x;
        _labels = labels;
        _task = task;
        _numClasses = numClasses;
        Metric = TaskNames.TargetMetric(task);
    }

    /// <summary>Cross-validation over <paramref name="data"/>'s rows (its features and labels must outlive this).</summary>
    public AlgorithmCandidateEvaluator(IAlgorithm algorithm, TrainingSet data)
        : this(algorithm, data.Features, data.LabelPointer, data.Task, data.NumClasses) { }

    public string Metric { get; }


    public void Validate(string hyperparamsJson) => _algorithm.Validate(hyperparamsJson, _task);

    /// <summary>Copies rows (and their labels, from <paramref name="at"/> on) to the end of the fold's matrix.</summary>
    private void Append(NativeMatrix fold, float[]? foldLabels, ReadOnlySpan<long> rows, long at)
    {
        foreach (long r in rows)
        {
            fold.AppendRow(_x.Row(r));
            if (foldLabels is not null) foldLabels[at++] = _labels[r];
        }
    }

    public double FitAndScore(string hyperparamsJson, ReadOnlySpan<long> trainRows, ReadOnlySpan<long> validationRows, Action checkInterrupts)
    {
        long n = trainRows.Length + validationRows.Length;
        using var fold = new NativeMatrix(_x.Columns, n);
        var foldLabels = _labels == null ? null : new float[n];
        Append(fold, foldLabels, trainRows, 0);
        Append(fold, foldLabels, validationRows, trainRows.Length);
        fixed (float* y = foldLabels)
        {
            var set = new TrainingSet(fold, y, trainRows.Length, _task, _numClasses, checkInterrupts);
            var model = _algorithm.Train(hyperparamsJson, set);
            if (_task == TaskKind.Decomposition)
                return model.Metrics.GetValueOrDefault(Metric, double.NaN);
            var score = ModelScorer.Score([model.Predictor], fold, y, 1, trainRows.Length, _task, _numClasses, checkInterrupts);
            return score.Metrics.GetValueOrDefault(Metric, double.NaN);
        }
    }
}
