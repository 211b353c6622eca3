using System.Text.Json;
using System.Text.Json.Nodes;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Search;
using Pgml.Engine.Trees;

namespace Pgml.Engine.XGBoost;

/// <summary>xgboost: gradient-boosted trees trained by Debian's libxgboost, served by the C# evaluator.</summary>
internal class XGBoostAlgorithm : IAlgorithm
{
    /// <summary>The library's own model, stored beside pgml's compiled trees (XGBoost loads it as is).</summary>
    public const string NativeFile = "estimator.json";

    public virtual string Name => "xgboost";
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Regression, TaskKind.Classification];
    public bool AcceptsMissingValues => true;

    public void Validate(string hyperparamsJson, TaskKind task) => XGBoostParameters.Parse(Rewrite(hyperparamsJson), ToXGBoostTask(task));

    public TrainedModel Train(string hyperparamsJson, TrainingSet data)
    {
        var task = ToXGBoostTask(data.Task);
        var parameters = XGBoostParameters.Parse(Rewrite(hyperparamsJson), task);
        byte[] json = XGBoostTrainer.Train(data.Features, data.AllLabels, data.TrainRows, task, data.NumClasses, parameters, data.CheckInterrupts);
        return new TrainedModel(FromNativeFile(json, data.Task), [new ModelFile(NativeFile, json)]);
    }

    string? IAlgorithm.NativeFile => NativeFile;

    public string? NativeFileDescription => "XGBoost JSON";

    /// <summary>Cross-validation loads the training rows into XGBoost once and slices one DMatrix per fold.</summary>
    public virtual ICandidateEvaluator CreateCandidateEvaluator(TrainingSet data) =>
        new XGBoostCandidateEvaluator(data.Features, data.AllLabels, data.TrainRows, ToXGBoostTask(data.Task), data.NumClasses);

    public IPredictor FromNativeFile(byte[] data, TaskKind task) => new XGBoostPredictor(TreeEnsemble.FromXGBoostJson(data), task);

    /// <summary>Hyperparameters as XGBoost should see them (the random forest variant changes them).</summary>
    protected virtual string? Rewrite(string? hyperparamsJson) => hyperparamsJson;

    public static XGBoostTask ToXGBoostTask(TaskKind task) => task switch
    {
        TaskKind.Regression => XGBoostTask.Regression,
        TaskKind.Classification => XGBoostTask.Classification,
        _ => throw new UnsupportedException($"xgboost does not support {TaskNames.Name(task)}"),
    };
}

/// <summary>
/// xgboost_random_forest: XGBoost's random forest mode, as XGBRFRegressor / XGBRFClassifier set it up: one boosting
/// round of n_estimators parallel trees (num_parallel_tree), learning_rate 1, subsample 0.8, colsample_bynode 0.8,
/// reg_lambda 1e-5, unless the hyperparameters say otherwise.
/// </summary>
internal sealed class XGBoostRandomForestAlgorithm : XGBoostAlgorithm
{
    public override string Name => "xgboost_random_forest";

    /// <summary>The generic evaluator: it trains through <see cref="Rewrite"/>, which sets up the forest.</summary>
    public override ICandidateEvaluator CreateCandidateEvaluator(TrainingSet data) => new AlgorithmCandidateEvaluator(this, data);

    private static readonly (string Key, string[] Aliases, double Value)[] Defaults =
    [
        ("eta", ["learning_rate"], 1.0),
        ("subsample", [], 0.8),
        ("colsample_bynode", [], 0.8),
        ("lambda", ["reg_lambda"], 1e-5),
    ];

    protected override string? Rewrite(string? hyperparamsJson)
    {
        JsonObject o;
        try
        {
            o = JsonNode.Parse(string.IsNullOrWhiteSpace(hyperparamsJson) ? "{}" : hyperparamsJson) as JsonObject
                ?? throw new InvalidParameterException("xgboost_random_forest hyperparameters must be a JSON object", "Pass e.g. '{\"n_estimators\": 100}'.");
            _ = o.Count;   // the properties are read lazily: a key given twice throws here, not at first use
        }
        catch (Exception e) when (e is JsonException or ArgumentException)   // ArgumentException: a key given twice
        {
            throw new InvalidParameterException($"xgboost_random_forest hyperparameters are not valid JSON: {e.Message}", "Pass e.g. '{\"n_estimators\": 100}'.");
        }
        if (o.ContainsKey("num_parallel_tree"))
            throw new InvalidParameterException("xgboost_random_forest sets num_parallel_tree from n_estimators",
                "Pass n_estimators (the number of trees in the forest) instead of num_parallel_tree.");
        if (o.ContainsKey("num_boost_round"))
            throw new InvalidParameterException("xgboost_random_forest trains a single boosting round",
                "Pass n_estimators (the number of trees in the forest) instead of num_boost_round.");
        var trees = o["n_estimators"]?.DeepClone() ?? JsonValue.Create(XGBoostParameters.DefaultNEstimators);
        // the forest is one uninterruptible round: its size is bounded here, under the name the user gave it
        if (trees is JsonValue v && v.TryGetValue(out double count) && count > XGBoostParameters.MaxParallelTrees)
            throw new InvalidParameterException(
                $"xgboost_random_forest hyperparameter \"n_estimators\" must be at most {XGBoostParameters.MaxParallelTrees}; got {v.ToJsonString()}",
                $"Set \"n_estimators\" to at most {XGBoostParameters.MaxParallelTrees} (the forest is one boosting round, which cannot be cancelled), or use the random_forest algorithm, which can be cancelled between trees.");
        o.Remove("n_estimators");
        o["num_parallel_tree"] = trees;
        o["n_estimators"] = 1;
        foreach (var (key, aliases, value) in Defaults)
            if (!o.ContainsKey(key) && !aliases.Any(o.ContainsKey))
                o[key] = value;
        return o.ToJsonString();
    }
}
