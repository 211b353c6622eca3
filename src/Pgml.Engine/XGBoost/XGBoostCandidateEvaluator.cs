using Pgml.Engine.Data;
using Pgml.Engine.Metrics;
using Pgml.Engine.Trees;
using Pgml.Engine.Search;

namespace Pgml.Engine.XGBoost;

/// <summary>
/// Scores XGBoost hyperparameters: trains with libxgboost on a row subset and scores the held-out rows with the C#
/// tree evaluator that serves predictions (bit-identical to XGBoost), using the task's target metric (r2 or f1).
/// The training rows are loaded into XGBoost once; each fold's subset is a slice of that DMatrix, never a copy of
/// the NativeMatrix. Not thread-safe. Dispose to free the native data.
/// </summary>
internal sealed class XGBoostCandidateEvaluator : ICandidateEvaluator, IDisposable
{
    private readonly NativeMatrix _features;
    private readonly float[] _labels;
    private readonly XGBoostTask _task;
    private readonly int _numClasses;
    private readonly XGBoostTrainingData _data;

    /// <param name="features">All rows (training split then test split), NaN = missing. Not owned; must outlive this.</param>
    /// <param name="labels">One per feature row; for classification class indices 0..numClasses-1 as floats.</param>
    /// <param name="trainRows">Rows 0..trainRows-1 are the ones fits may train on (the training split).</param>
    /// <param name="numClasses">Ignored for regression.</param>
    public XGBoostCandidateEvaluator(NativeMatrix features, ReadOnlySpan<float> labels, long trainRows, XGBoostTask task, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (labels.Length < features.Rows)
            throw new ArgumentException($"{labels.Length} labels for {features.Rows} rows", nameof(labels));
        _features = features;
        // A copy of the labels (4 bytes a row) so validation can read them after the caller's span is gone.
        _labels = labels[..checked((int)features.Rows)].ToArray();
        _task = task;
        _numClasses = task == XGBoostTask.Classification ? numClasses : 0;
        _data = new XGBoostTrainingData(features, _labels, trainRows, task, _numClasses);
    }

    public string Metric => TaskNames.TargetMetric(_task == XGBoostTask.Regression ? TaskKind.Regression : TaskKind.Classification);

    internal XGBoostTrainingData Data => _data;

    public void Validate(string hyperparamsJson) =>
        XGBoostParameters.Parse(hyperparamsJson, _task).ResolveObjective(_numClasses);

    public double FitAndScore(string hyperparamsJson, ReadOnlySpan<long> trainRows, ReadOnlySpan<long> validationRows, Action checkInterrupts)
    {
        byte[] model = Fit(hyperparamsJson, trainRows, checkInterrupts);
        return Score(TreeEnsemble.FromXGBoostJson(model), validationRows, checkInterrupts);
    }

    /// <summary>The model (XGBoost JSON) of a fit on <paramref name="trainRows"/>.</summary>
    internal byte[] Fit(string hyperparamsJson, ReadOnlySpan<long> trainRows, Action checkInterrupts)
    {
        var p = XGBoostParameters.Parse(hyperparamsJson, _task);
        try
        {
            return XGBoostTrainer.Train(_data, trainRows, p, checkInterrupts);
        }
        catch (XGBoostException e)
        {
            // Nearly always a value XGBoost rejects at SetParam or in the first round; name the combination.
            throw new InvalidParameterException(
                $"XGBoost rejected the search candidate {hyperparamsJson}: {e.Message}",
                "Fix or remove that value in search_params (or hyperparams).");
        }
    }

    /// <summary>The target metric of <paramref name="trees"/> on <paramref name="rows"/>.</summary>
    internal double Score(TreeEnsemble trees, ReadOnlySpan<long> rows, Action checkInterrupts)
    {
        int n = rows.Length;
        int width = Math.Max(1, trees.NumOutputs);
        var output = new float[n * (long)width];
        for (int i = 0; i < n; i++)
        {
            trees.Predict(_features.Row(rows[i]), output.AsSpan(i * width, width));
            if ((i & 4095) == 4095) checkInterrupts();
        }

        var metrics = new Dictionary<string, double>();
        if (_task == XGBoostTask.Regression)
        {
            var truth = new float[n];
            for (int i = 0; i < n; i++) truth[i] = _labels[rows[i]];
            RegressionMetrics.Compute(truth, output, metrics);
            return metrics["r2"];
        }

        var classes = new int[n];
        for (int i = 0; i < n; i++) classes[i] = (int)_labels[rows[i]];
        // binary:logitraw outputs margins, which split classes at 0 rather than 0.5 (as pgml.predict does); f1 needs
        // only the predicted class, so map them to 0/1.
        if (trees.Objective == "binary:logitraw")
            for (int i = 0; i < output.Length; i++) output[i] = output[i] > 0 ? 1f : 0f;
        ClassificationMetrics.Compute(classes, output, _numClasses, metrics);
        return metrics["f1"];
    }

    public void Dispose() => _data.Dispose();
}
