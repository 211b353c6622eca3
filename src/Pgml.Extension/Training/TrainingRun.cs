using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Pgml.Engine;
using Pgml.Engine.Data;
using Pgml.Engine.Metrics;
using Pgml.Engine.Models;
using SamplingKind = Pgml.Engine.Sampling;
using Pgml.Engine.Trees;
using Pgml.Engine.XGBoost;
using Pgml.Extension.Catalog;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Training;

internal sealed record TrainingOutcome(long ModelId, bool Deployed);

/// <summary>
/// One call of pgml.train, inside the caller's transaction: snapshot row, rows read into native memory, split,
/// fit, score on the held-out rows, model and files stored, automatic deployment. An error anywhere rolls all of it
/// back with the transaction.
/// </summary>
internal sealed unsafe class TrainingRun(
    Project project, string algorithm, string hyperparams, string relationName, string yColumn, double testSize,
    string sampling, bool automaticDeploy, long? reuseSnapshot)
{
    private readonly TaskKind _task = project.Task == "classification" ? TaskKind.Classification : TaskKind.Regression;

    public TrainingOutcome Execute()
    {
        var relation = Relation.Resolve(relationName);
        var label = relation.Column(yColumn);
        var features = relation.Columns.Where(c => c.Name != label.Name).ToList();
        CheckTypes(relation, label, features);
        var xgbTask = _task == TaskKind.Classification ? XGBoostTask.Classification : XGBoostTask.Regression;
        var parameters = XGBoostParameters.Parse(hyperparams, xgbTask);   // bad hyperparams fail before reading rows

        // Reusing a snapshot reuses its seed, so models trained on it see the same split (given the same rows).
        long snapshotId = reuseSnapshot
            ?? Snapshots.Create(relation.QualifiedName, label.Name, testSize, sampling, ColumnsJson(label, features));
        var (x, y) = RowReader.Read(relation, label, features);
        using (x)
        using (y)
        {
            long rows = x.Rows;
            if (rows == 0)
                throw new PgmlException(SqlState.DataException, $"{relation.QualifiedName} has no rows to train on",
                    "Insert rows first, or train on another relation.");
            var labels = new Span<float>(LabelPointer(y), checked((int)rows));
            CheckNoNullLabels(labels, label.Name);
            double[] classes = _task == TaskKind.Classification ? EncodeClasses(labels, label.Name) : [];

            var plan = Splitter.Plan(rows, testSize, ParseSampling(sampling), labels, seed: (int)(snapshotId % int.MaxValue));
            x.Permute(plan.Order);
            y.Permute(plan.Order);
            Snapshots.Complete(snapshotId, rows);

            var fit = Stopwatch.StartNew();
            byte[] estimator = XGBoostTrainer.Train(x, labels, plan.TrainRows, xgbTask, classes.Length, parameters, Pg.CheckForInterrupts);
            fit.Stop();

            var score = Stopwatch.StartNew();
            var trees = TreeEnsemble.FromXGBoostJson(estimator);
            var metrics = Score(trees, x, labels, plan.TrainRows, classes.Length);
            score.Stop();
            metrics["fit_time"] = fit.Elapsed.TotalSeconds;
            metrics["score_time"] = score.Elapsed.TotalSeconds;

            var metadata = new ModelMetadata(algorithm, _task, features.Select(f => f.Name).ToArray(), classes, label.PgType);
            long modelId = Models.Insert(new NewModel(project.Id, snapshotId, features.Count, algorithm, hyperparams,
                MetricsJson(metrics), null, "{}", "{}"));
            Files.Save(modelId, Files.EstimatorPath, estimator);
            Files.Save(modelId, Files.CompiledPath, trees.ToCompiled());
            Files.Save(modelId, ModelMetadata.FileName, metadata.ToJson());
            bool deployed = automaticDeploy ? AutoDeploy(modelId, metrics) : NoDeploy();
            return new TrainingOutcome(modelId, deployed);
        }
    }

    private static unsafe float* LabelPointer(NativeMatrix y) => y.Data;

    private void CheckTypes(Relation relation, Column label, List<Column> features)
    {
        if (features.Count == 0)
            throw new PgmlException(SqlState.InvalidParameterValue,
                $"{relation.QualifiedName} has no feature columns besides the label \"{label.Name}\"",
                "Train on a table or view with at least one numeric column besides the label.");
        foreach (var c in features)
        {
            if (!IsNumeric(c))
                throw new PgmlException(SqlState.DatatypeMismatch,
                    $"feature column \"{c.Name}\" has type {c.PgType}, which pgml cannot encode yet",
                    "Use numeric or boolean feature columns: exclude or convert this one in a VIEW (for example a CASE expression or a cast).");
        }
        if (!IsNumeric(label))
            throw new PgmlException(SqlState.DatatypeMismatch,
                $"label column \"{label.Name}\" has type {label.PgType}, which pgml cannot use as a label yet",
                "Use a numeric or boolean label; map text labels to integers in a VIEW.");
    }

    // Numbers and booleans; arrays, text and everything else need encoding, which pgml does not do yet.
    private static bool IsNumeric(Column c) => !c.IsArray && (c.Category == 'N' || c.Category == 'B') && c.PgType != "money" && c.PgType != "oid";

    private static void CheckNoNullLabels(ReadOnlySpan<float> labels, string name)
    {
        long nulls = 0;
        foreach (float v in labels)
            if (float.IsNaN(v)) nulls++;
        if (nulls > 0)
            throw new PgmlException(SqlState.NullValueNotAllowed,
                $"the label column \"{name}\" has {nulls} NULL value{(nulls == 1 ? "" : "s")} (out of {labels.Length} rows)",
                $"Train on a VIEW that filters them out: CREATE VIEW training_data AS SELECT * FROM ... WHERE \"{name}\" IS NOT NULL;");
    }

    /// <summary>Replaces each label by its class index (classes sorted by value) and returns the class values.</summary>
    private static double[] EncodeClasses(Span<float> labels, string name)
    {
        var distinct = new SortedSet<float>();
        foreach (float v in labels) distinct.Add(v);
        if (distinct.Count < 2)
            throw new PgmlException(SqlState.DataException,
                $"the label column \"{name}\" has a single value ({distinct.Min.ToString(CultureInfo.InvariantCulture)}); classification needs at least two classes",
                "Train on rows with more than one label value, or use the regression task.");
        var classes = distinct.ToArray();
        var index = new Dictionary<float, int>(classes.Length);
        for (int i = 0; i < classes.Length; i++) index[classes[i]] = i;
        for (int i = 0; i < labels.Length; i++) labels[i] = index[labels[i]];
        return classes.Select(c => (double)c).ToArray();
    }

    private static SamplingKind ParseSampling(string s) => s switch
    {
        "random" => SamplingKind.Random,
        "last" => SamplingKind.Last,
        "stratified" => SamplingKind.Stratified,
        _ => throw new PgmlException(SqlState.InvalidParameterValue, $"unknown test_sampling \"{s}\"", "Use random, last or stratified."),
    };

    /// <summary>Scores on the held-out rows with the same C# evaluator that serves predictions.</summary>
    private unsafe Dictionary<string, double> Score(TreeEnsemble trees, NativeMatrix x, ReadOnlySpan<float> labels, long trainRows, int numClasses)
    {
        int testRows = checked((int)(x.Rows - trainRows));
        int outputs = Math.Max(1, trees.NumOutputs);
        var predicted = new float[testRows * outputs];
        for (int i = 0; i < testRows; i++)
        {
            trees.Predict(x.Row(trainRows + i), predicted.AsSpan(i * outputs, outputs));
            if ((i & 4095) == 4095) Pg.CheckForInterrupts();
        }
        var truth = labels.Slice((int)trainRows, testRows);
        var metrics = new Dictionary<string, double>();
        if (_task == TaskKind.Regression)
            RegressionMetrics.Compute(truth, predicted, metrics);
        else
        {
            var classes = new int[testRows];
            for (int i = 0; i < testRows; i++) classes[i] = (int)truth[i];
            ClassificationMetrics.Compute(classes, predicted, numClasses, metrics);
        }
        return metrics;
    }

    private string TargetMetric => Api.TaskInfo.TargetMetric(project.Task);

    /// <summary>
    /// PostgresML's rule: deploy when nothing is deployed, or when the new target metric (r2 or f1, higher is better)
    /// is at least the deployed model's, compared as numbers.
    /// </summary>
    private bool AutoDeploy(long modelId, Dictionary<string, double> metrics)
    {
        long? current = Deployments.CurrentModel(project.Id);
        double mine = metrics.GetValueOrDefault(TargetMetric, double.NaN);
        if (current is not null)
        {
            double? theirs = Models.Metric(current.Value, TargetMetric);
            if (double.IsNaN(mine))
            {
                Pg.Notice($"No {TargetMetric} for the new model {modelId}: keeping model {current} deployed.");
                return false;
            }
            if (theirs is { } t && t > mine)
            {
                Pg.Notice(string.Create(CultureInfo.InvariantCulture,
                    $"New model's {TargetMetric} is not better than the deployed model's: new {mine:G6}, deployed {t:G6} (model {current}). Keeping model {current}."));
                return false;
            }
        }
        Deployments.Deploy(project.Id, modelId, "new_score");
        return true;
    }

    private static bool NoDeploy()
    {
        Pg.Notice("Automatic deployment disabled via configuration.");
        return false;
    }

    private static string ColumnsJson(Column label, List<Column> features)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartArray();
            foreach (var c in features.Prepend(label).OrderBy(c => c.Position))
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WriteString("pg_type", c.PgType);
                w.WriteNumber("position", c.Position);
                w.WriteBoolean("label", c.Name == label.Name);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Metrics as a JSON object; a metric that cannot be computed is null, not an error.</summary>
    private static string MetricsJson(Dictionary<string, double> metrics)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            foreach (var (k, v) in metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (double.IsFinite(v)) w.WriteNumber(k, v);
                else w.WriteNull(k);
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
