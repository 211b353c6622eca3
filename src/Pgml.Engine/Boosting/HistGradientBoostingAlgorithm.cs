using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Boosting;

/// <summary>
/// hist_gradient_boosting: scikit-learn's HistGradientBoostingRegressor (squared error) and
/// HistGradientBoostingClassifier (log loss), trained by <see cref="HistGradientBoostingTrainer"/> and served by
/// <see cref="BoostedTreesPredictor"/> (format boosted_trees, thresholds on raw values).
/// </summary>
internal sealed class HistGradientBoostingAlgorithm : IAlgorithm
{
    public string Name => HistGradientBoostingParameters.Name;
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Regression, TaskKind.Classification];

    /// <summary>scikit-learn's learns where missing values go; pgml's does not yet, so they are refused (impute, or use
    /// xgboost / lightgbm, which learn it).</summary>
    public bool AcceptsMissingValues => false;

    public void Validate(string hyperparamsJson, TaskKind task) => HistGradientBoostingParameters.Parse(hyperparamsJson, task);

    public TrainedModel Train(string hyperparamsJson, TrainingSet data) =>
        new(HistGradientBoostingTrainer.Train(HistGradientBoostingParameters.Parse(hyperparamsJson, data.Task), data));
}
