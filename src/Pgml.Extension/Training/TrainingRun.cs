using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Pgml.Engine;
using Pgml.Engine.Data;
using Pgml.Engine.Metrics;
using Pgml.Engine.Models;
using Pgml.Engine.Algorithms;
using Pgml.Engine.XGBoost;
using Pgml.Extension.Catalog;
using Pgml.Extension.Interop;
using SamplingKind = Pgml.Engine.Sampling;

namespace Pgml.Extension.Training;

internal sealed record TrainingOutcome(long ModelId, bool Deployed);

/// <summary>The arguments of one training run, checked by the SQL function.</summary>
internal sealed record TrainingRequest(
    Project Project, string Algorithm, string Hyperparams, string RelationName, IReadOnlyList<string> YColumns,
    double TestSize, string Sampling, bool AutomaticDeploy, long? ReuseSnapshot, string Preprocess,
    string? Search, string SearchParams, string SearchArgs, bool Materialize, bool ReusedSnapshotMaterialized);

/// <summary>
/// One call of pgml.train / pgml.train_joint, inside the caller's transaction: snapshot row, rows read into native
/// memory, split, preprocessing fitted on the training rows, optional search, fit (one estimator per target), score
/// on the held-out rows, model and files stored, automatic deployment. An error anywhere rolls all of it back.
/// </summary>
internal sealed unsafe class TrainingRun(TrainingRequest request)
{
    private readonly TaskKind _task = TaskNames.Parse(request.Project.Task)
        ?? throw new PgmlException(SqlState.FeatureNotSupported, $"the task {request.Project.Task} is not supported by pgml");
    private Project Project => request.Project;
    private bool Supervised => _task is TaskKind.Regression or TaskKind.Classification;

    public TrainingOutcome Execute()
    {
        var relation = Relation.Resolve(request.RelationName);
        var labels = request.YColumns.Select(relation.Column).ToList();
        var features = relation.Columns.Where(c => !request.YColumns.Contains(c.Name)).ToList();
        CheckTypes(relation, labels, features);
        var algorithm = AlgorithmRegistry.Find(request.Algorithm, _task);
        algorithm.Validate(request.Hyperparams, _task);   // bad hyperparams fail before reading rows
        var search = Engine.Search.SearchSpec.Parse(request.Search, request.Hyperparams, request.SearchParams, request.SearchArgs);
        foreach (var notice in search.Notices) Pg.Notice(notice);

        long snapshotId = request.ReuseSnapshot ?? Snapshots.Create(relation.QualifiedName, request.YColumns, request.TestSize,
            request.Sampling, Relation.ColumnsJson(labels.Concat(features), request.YColumns));
        if (request.Materialize && request.ReuseSnapshot is null)
            Snapshots.Materialize(snapshotId, relation.QualifiedName, labels.Concat(features).OrderBy(c => c.Position).Select(c => c.Quoted));
        if ((request.Materialize && request.ReuseSnapshot is null) || request.ReusedSnapshotMaterialized)
        {
            // read the snapshot's own copy of the rows
            relation = Relation.Resolve(Snapshot.MaterializedTableOf(snapshotId));
            labels = request.YColumns.Select(relation.Column).ToList();
            features = relation.Columns.Where(c => !request.YColumns.Contains(c.Name)).ToList();
        }
        using var data = RowReader.Read(relation, labels, features);
        long rows = data.Features.Rows;
        if (rows == 0)
            throw new PgmlException(SqlState.DataException, $"{relation.QualifiedName} has no rows to train on",
                "Insert rows first, or train on another relation.");
        var y = data.Labels;
        for (int t = 0; t < labels.Count; t++) CheckNoNullLabels(y, t, labels[t].Name);
        var (classes, classLabels) = _task == TaskKind.Classification ? EncodeClasses(data) : ([], null);
        CheckFinite(data);

        var plan = Splitter.Plan(rows, request.TestSize, ParseSampling(request.Sampling), Supervised ? LabelColumn(y, 0) : default,
            seed: (int)(snapshotId % int.MaxValue));
        data.Features.Permute(plan.Order);
        y.Permute(plan.Order);
        Snapshots.Complete(snapshotId, rows);

        var preprocessing = FeaturePreprocessing.Fit(data, plan.TrainRows, request.Preprocess, Supervised ? LabelColumn(y, 0) : default);
        var x = preprocessing.Transformed ?? data.Features;
        try
        {
            if (!algorithm.AcceptsMissingValues) CheckNoMissing(x, data, preprocessing.Transformed is not null);
            var fit = Stopwatch.StartNew();
            string hyperparams = request.Hyperparams;
            string? searchResults = null;
            if (search.RunsSearch)
            {
                // cross-validation over the training rows; the best candidate is then refit on all of them below
                if (preprocessing.UsesTargetEncoding && search.Cv >= 2)
                    Pg.Notice("Target encoding is fitted on the whole training split before cross-validation, so each fold's " +
                              "scores include its own labels through the target means and are optimistic; the test-split metrics are not affected.");
                var result = SearchTrainingRows(search, algorithm, x, y, plan.TrainRows, classes.Length, snapshotId);
                hyperparams = result.BestParams;
                searchResults = result.ToJson();
            }
            var models = new TrainedModel[Math.Max(1, labels.Count)];
            for (int t = 0; t < models.Length; t++)
            {
                var target = Supervised ? LabelColumn(y, t) : default;
                fixed (float* labelsOfTarget = target)
                    models[t] = algorithm.Train(hyperparams, new TrainingSet(x, labelsOfTarget, plan.TrainRows, _task, classes.Length, Pg.CheckForInterrupts));
            }
            fit.Stop();

            var score = Stopwatch.StartNew();
            var scored = ModelScorer.Score(models.Select(m => m.Predictor).ToArray(), x, Supervised ? y.Data : null, Math.Max(1, y.Columns),
                plan.TrainRows, _task, classes.Length, Pg.CheckForInterrupts, seed: (int)(snapshotId % int.MaxValue));
            var metrics = scored.Metrics;
            foreach (var (k, v) in models[0].Metrics) metrics[k] = v;
            score.Stop();
            metrics["fit_time"] = fit.Elapsed.TotalSeconds;
            metrics["score_time"] = score.Elapsed.TotalSeconds;
            var confusion = scored.ConfusionMatrix is { } cm ? (cm, scored.NumClasses) : ((long[], int)?)null;

            var metadata = new ModelMetadata(request.Algorithm, _task, data.FeatureColumns.Select(Info).ToArray(),
                request.YColumns, classes, classLabels, labels.Count > 0 ? labels[0].PgType : "");
            long modelId = Models.Insert(new NewModel(Project.Id, snapshotId, metadata.NumFeatures, request.Algorithm, hyperparams,
                MetricsJson(metrics, searchResults, confusion), SearchName(search), request.SearchParams, request.SearchArgs));
            for (int t = 0; t < models.Length; t++)
            {
                foreach (var file in models[t].NativeFiles)
                    Files.Save(modelId, file.Path, file.Data, t);
                using var bytes = models[t].Predictor.ToNativeBytes();
                // a model in native memory (a forest: hundreds of MB) is not needed once its bytes exist; free it
                // before PostgreSQL makes its own copies of the bytes while inserting them
                (models[t].Predictor as IDisposable)?.Dispose();
                Files.Save(modelId, Files.CompiledPath, bytes, t);
            }
            Files.Save(modelId, ModelMetadata.FileName, metadata.ToJson());
            if (preprocessing.Json is { } pipelineJson)
                Files.Save(modelId, Files.PipelinePath, pipelineJson);
            bool deployed = request.AutomaticDeploy ? AutoDeploy(modelId, metrics) : NoDeploy();
            return new TrainingOutcome(modelId, deployed);
        }
        finally
        {
            preprocessing.Transformed?.Dispose();
        }
    }

    /// <summary>The search that ran, as pgml.models.search records it (search_params alone imply a grid).</summary>
    private static string? SearchName(Engine.Search.SearchSpec spec) => spec.Kind switch
    {
        Engine.Search.SearchKind.Grid => "grid",
        Engine.Search.SearchKind.Random => "random",
        _ => null,
    };

    private static FeatureColumnInfo Info(FeatureColumn c) => new(c.Column.Name,
        c.Kind switch { ColumnKind.Array => FeatureColumnKind.Array, ColumnKind.Text => FeatureColumnKind.Text, _ => FeatureColumnKind.Number },
        c.Width, c.Column.PgType);

    /// <summary>Target <paramref name="t"/> of every row (labels are row-major, one float per target).</summary>
    private static Span<float> LabelColumn(NativeMatrix y, int t)
    {
        if (y.Columns == 1) return new Span<float>(y.Data, checked((int)y.Rows));
        // several targets: gather the column (managed, one float per row; only for train_joint)
        var column = new float[y.Rows];
        for (long r = 0; r < y.Rows; r++) column[r] = y[r, t];
        return column;
    }

    private Engine.Search.SearchResult SearchTrainingRows(Engine.Search.SearchSpec spec, IAlgorithm algorithm, NativeMatrix x, NativeMatrix y,
        long trainRows, int numClasses, long snapshotId)
    {
        if (y.Columns > 1)
            throw new PgmlException(SqlState.FeatureNotSupported, "search with several targets (train_joint) is not supported",
                "Search on one target with pgml.train, then train_joint with the best hyperparams.");
        int seed = (int)(snapshotId % int.MaxValue);
        if (algorithm is XGBoostAlgorithm && algorithm.Name == "xgboost")
        {
            // XGBoost slices one DMatrix per fold instead of copying rows
            using var xgb = new Engine.Search.XGBoostCandidateEvaluator(x, LabelColumn(y, 0), trainRows, XGBoostAlgorithm.ToXGBoostTask(_task), numClasses);
            return Engine.Search.SearchRunner.Run(spec, xgb, trainRows, x.Rows - trainRows, seed, Pg.CheckForInterrupts);
        }
        var evaluator = new AlgorithmCandidateEvaluator(algorithm, x, Supervised ? y.Data : null, _task, numClasses);
        return Engine.Search.SearchRunner.Run(spec, evaluator, trainRows, x.Rows - trainRows, seed, Pg.CheckForInterrupts);
    }

    /// <summary>Algorithms built on distances or dot products cannot place a NaN: name the column and the cure.</summary>
    private static void CheckNoMissing(NativeMatrix x, TrainingData data, bool preprocessed)
    {
        for (long r = 0; r < x.Rows; r++)
        {
            var row = x.Row(r);
            for (int i = 0; i < row.Length; i++)
            {
                if (!float.IsNaN(row[i])) continue;
                string where = preprocessed ? $"feature {i + 1} after preprocessing" : $"feature column \"{data.FeatureColumns.Last(c => c.Offset <= i).Column.Name}\"";
                throw new PgmlException(SqlState.NullValueNotAllowed,
                    $"{where} has a missing value (NULL or NaN), which this algorithm cannot train on",
                    "Impute it with preprocess, e.g. preprocess => '{\"column\": {\"impute\": \"mean\"}}', filter the rows in a VIEW, " +
                    "or use xgboost or lightgbm, which learn where missing values go.");
            }
            if ((r & 65535) == 65535) Pg.CheckForInterrupts();
        }
    }

    private void CheckTypes(Relation relation, List<Column> labels, List<Column> features)
    {
        if (features.Count == 0)
            throw new PgmlException(SqlState.InvalidParameterValue,
                $"{relation.QualifiedName} has no feature columns besides the label {string.Join(", ", labels.Select(l => $"\"{l.Name}\""))}",
                "Train on a table or view with at least one column besides the label.");
        foreach (var c in features)
            if (!c.IsNumber && !c.IsText && !c.IsNumericArray)
                throw new PgmlException(SqlState.DatatypeMismatch,
                    $"feature column \"{c.Name}\" has type {c.PgType}, which pgml cannot use",
                    "Use numbers, booleans, text or arrays of numbers: convert or exclude this column in a VIEW.");
        foreach (var l in labels)
        {
            bool ok = _task == TaskKind.Classification ? l.IsNumber || l.IsText : l.IsNumber;
            if (!ok)
                throw new PgmlException(SqlState.DatatypeMismatch,
                    $"label column \"{l.Name}\" has type {l.PgType}, which pgml cannot use as a {Project.Task} label",
                    _task == TaskKind.Classification ? "Use a number, boolean or text label." : "Use a numeric label, or the classification task for categories.");
        }
        if (labels.Count > 1 && _task == TaskKind.Classification)
            throw new PgmlException(SqlState.FeatureNotSupported, "several targets (train_joint) are supported for regression only",
                "Train one classification project per label.");
    }

    /// <summary>XGBoost refuses infinite values; say which column has them instead of XGBoost's bare message.</summary>
    private static void CheckFinite(TrainingData data)
    {
        var x = data.Features;
        for (long r = 0; r < x.Rows; r++)
        {
            var row = x.Row(r);
            for (int i = 0; i < row.Length; i++)
            {
                if (!float.IsInfinity(row[i])) continue;
                var column = data.FeatureColumns.Last(c => c.Offset <= i).Column.Name;
                throw new PgmlException(SqlState.DataException, $"feature column \"{column}\" has an infinite value (row {r + 1} as read)",
                    $"Replace infinities with NULL (a missing value) in a VIEW, e.g. NULLIF(NULLIF(\"{column}\", 'Infinity'), '-Infinity').");
            }
        }
    }

    private static void CheckNoNullLabels(NativeMatrix y, int t, string name)
    {
        long nulls = 0;
        for (long r = 0; r < y.Rows; r++)
            if (float.IsNaN(y[r, t])) nulls++;
        if (nulls > 0)
            throw new PgmlException(SqlState.NullValueNotAllowed,
                $"the label column \"{name}\" has {nulls} NULL value{(nulls == 1 ? "" : "s")} (out of {y.Rows} rows)",
                $"Train on a VIEW that filters them out: CREATE VIEW training_data AS SELECT * FROM ... WHERE \"{name}\" IS NOT NULL;");
    }

    /// <summary>
    /// Replaces each label by its class index and returns the classes: numbers and booleans sorted by value, text
    /// sorted by its text (ordinal), so the same labels always give the same class indices.
    /// </summary>
    private static (double[] Classes, string[]? Labels) EncodeClasses(TrainingData data)
    {
        var y = data.Labels;
        var labelColumn = data.LabelColumns[0];
        var vocabulary = data.VocabularyOrNull(labelColumn, isLabel: true);
        string name = labelColumn.Column.Name;
        if (vocabulary is not null)
        {
            var texts = Enumerable.Range(0, vocabulary.Count).Select(i => vocabulary[i]).ToArray();
            // sorted by UTF-8 bytes, the order text features' categories use
            var order = Enumerable.Range(0, texts.Length)
                .OrderBy(i => vocabulary.GetUtf8(i).ToArray(), Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).ToArray();
            var indexOfCode = new int[texts.Length];
            for (int k = 0; k < order.Length; k++) indexOfCode[order[k]] = k;
            RequireTwoClasses(texts.Length, name, texts.FirstOrDefault() ?? "");
            for (long r = 0; r < y.Rows; r++) y[r, 0] = indexOfCode[(int)y[r, 0]];
            return (Enumerable.Range(0, texts.Length).Select(i => (double)i).ToArray(), order.Select(i => texts[i]).ToArray());
        }
        var distinct = new SortedSet<float>();
        for (long r = 0; r < y.Rows; r++)
        {
            // features and labels are float32: integers beyond 2^24 would silently merge into one class
            if (Math.Abs(y[r, 0]) >= 16_777_216f)
                throw new PgmlException("22003",
                    $"the label column \"{name}\" has values at or beyond ±16,777,216, which pgml cannot tell apart exactly (it reads labels as float32)",
                    $"Map the labels to small integers or text in a VIEW, e.g. dense_rank() OVER (ORDER BY \"{name}\"), or cast them to text.");
            distinct.Add(y[r, 0]);
        }
        RequireTwoClasses(distinct.Count, name, distinct.Min.ToString(CultureInfo.InvariantCulture));
        var classes = distinct.ToArray();
        var index = new Dictionary<float, int>(classes.Length);
        for (int i = 0; i < classes.Length; i++) index[classes[i]] = i;
        for (long r = 0; r < y.Rows; r++) y[r, 0] = index[y[r, 0]];
        return (classes.Select(c => (double)c).ToArray(), null);
    }

    private static void RequireTwoClasses(int count, string name, string value)
    {
        if (count < 2)
            throw new PgmlException(SqlState.DataException,
                $"the label column \"{name}\" has a single value ({value}); classification needs at least two classes",
                "Train on rows with more than one label value, or use the regression task.");
    }

    private static SamplingKind ParseSampling(string s) => s switch
    {
        "random" => SamplingKind.Random,
        "last" => SamplingKind.Last,
        "stratified" => SamplingKind.Stratified,
        _ => throw new PgmlException(SqlState.InvalidParameterValue, $"unknown test_sampling \"{s}\"", "Use random, last or stratified."),
    };

    private string TargetMetric => Api.TaskInfo.TargetMetric(Project.Task);

    /// <summary>
    /// PostgresML's rule: deploy when nothing is deployed, or when the new target metric (r2 or f1, higher is better)
    /// is at least the deployed model's, compared as numbers.
    /// </summary>
    private bool AutoDeploy(long modelId, Dictionary<string, double> metrics)
    {
        long? current = Deployments.CurrentModel(Project.Id);
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
        Deployments.Deploy(Project.Id, modelId, "new_score");
        return true;
    }

    private static bool NoDeploy()
    {
        Pg.Notice("Automatic deployment disabled via configuration.");
        return false;
    }

    /// <summary>Metrics as a JSON object; a metric that cannot be computed is null, not an error.</summary>
    private static string MetricsJson(Dictionary<string, double> metrics, string? searchResults, (long[] Counts, int Classes)? confusion)
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
            if (confusion is { } m)
            {
                // rows: true class, columns: predicted class, both in class order
                w.WriteStartArray("confusion_matrix");
                for (int t = 0; t < m.Classes; t++)
                {
                    w.WriteStartArray();
                    for (int p = 0; p < m.Classes; p++) w.WriteNumberValue(m.Counts[t * m.Classes + p]);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
            }
            if (searchResults is not null)
            {
                w.WritePropertyName("search_results");
                w.WriteRawValue(searchResults);
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
