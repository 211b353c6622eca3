using System.Diagnostics;
using System.Globalization;
using Pgml.Engine;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Data;
using Pgml.Engine.Metrics;
using Pgml.Engine.Models;
using Pgml.Engine.Sampling;
using Pgml.Engine.Search;
using Pgml.Engine.Training;
using Pgml.Extension.Catalog;
using Pgml.Extension.Interop;

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
    private bool Supervised => TaskNames.IsSupervised(_task);

    public TrainingOutcome Execute()
    {
        using var limits = TrainingLimits.Apply();   // pgml.max_threads and pgml.max_training_memory, once per training
        var relation = Relation.Resolve(request.RelationName);
        var labels = request.YColumns.Select(relation.Column).ToList();
        var features = relation.Columns.Where(c => !request.YColumns.Contains(c.Name)).ToList();
        CheckTypes(relation, labels, features);
        var algorithm = AlgorithmRegistry.Find(request.Algorithm, _task);
        algorithm.Validate(request.Hyperparams, _task);   // bad hyperparams fail before reading rows
        var search = SearchSpec.Parse(request.Search, request.Hyperparams, request.SearchParams, request.SearchArgs);
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
        for (int t = 0; t < labels.Count; t++) DataChecks.NoNullLabels(y, t, labels[t].Name);
        var encoding = _task == TaskKind.Classification
            ? ClassEncoder.Encode(y, data.VocabularyOrNull(data.LabelColumns[0], isLabel: true), data.LabelColumns[0].Column.Name)
            : new ClassEncoding([], null);
        var classes = encoding.Classes;
        DataChecks.NoInfiniteFeatures(data.Features, data.ColumnOfFeature, Pg.CheckForInterrupts);

        var plan = Splitter.Plan(rows, request.TestSize, TestSamplingNames.Parse(request.Sampling), Supervised ? LabelColumn(y, 0) : default,
            seed: (int)(snapshotId % int.MaxValue));
        data.Features.Permute(plan.Order);
        y.Permute(plan.Order);
        Snapshots.Complete(snapshotId, rows);

        var preprocessing = FeaturePreprocessing.Fit(data, plan.TrainRows, request.Preprocess, Supervised ? LabelColumn(y, 0) : default);
        var x = preprocessing.Transformed ?? data.Features;
        try
        {
            if (!algorithm.AcceptsMissingValues)
                DataChecks.NoMissingFeatures(x, preprocessing.Transformed is not null
                    ? i => $"feature {i + 1} after preprocessing"
                    : i => $"feature column \"{data.ColumnOfFeature(i)}\"", Pg.CheckForInterrupts);
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
                request.YColumns, classes, encoding.Labels, labels.Count > 0 ? labels[0].PgType : "");
            long modelId = Models.Insert(new NewModel(Project.Id, snapshotId, metadata.NumFeatures, request.Algorithm, hyperparams,
                MetricsJson.Write(metrics, searchResults, confusion), SearchName(search), request.SearchParams, request.SearchArgs));
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
    private static string? SearchName(SearchSpec spec) => spec.Kind switch
    {
        SearchKind.Grid => "grid",
        SearchKind.Random => "random",
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

    private unsafe SearchResult SearchTrainingRows(SearchSpec spec, IAlgorithm algorithm, NativeMatrix x, NativeMatrix y,
        long trainRows, int numClasses, long snapshotId)
    {
        if (y.Columns > 1)
            throw new PgmlException(SqlState.FeatureNotSupported, "search with several targets (train_joint) is not supported",
                "Search on one target with pgml.train, then train_joint with the best hyperparams.");
        int seed = (int)(snapshotId % int.MaxValue);
        var evaluator = algorithm.CreateCandidateEvaluator(
            new TrainingSet(x, Supervised ? y.Data : null, trainRows, _task, numClasses, Pg.CheckForInterrupts));
        try
        {
            return SearchRunner.Run(spec, evaluator, trainRows, x.Rows - trainRows, seed, Pg.CheckForInterrupts);
        }
        finally
        {
            (evaluator as IDisposable)?.Dispose();
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

    private string TargetMetric => TaskNames.TargetMetric(_task);

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
        if (!Access.Has(Project.Id, Privilege.Deploy))
        {
            Pg.Notice($"Model {modelId} qualifies for deployment but stays undeployed: this role may train project \"{Project.Name}\" but not deploy it. " +
                      "Its owner can deploy it with pgml.deploy, or grant deploy with pgml.grant_privilege.");
            return false;
        }
        Deployments.Deploy(Project.Id, modelId, "new_score");
        return true;
    }

    private static bool NoDeploy()
    {
        Pg.Notice("Automatic deployment disabled via configuration.");
        return false;
    }
}
