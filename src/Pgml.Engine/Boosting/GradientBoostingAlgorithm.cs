using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Boosting;

/// <summary>
/// gradient_boosting_trees: scikit-learn's GradientBoostingRegressor (squared error) and GradientBoostingClassifier
/// (log loss, binary or multinomial), trained by <see cref="GradientBoostingTrainer"/> on pgml's CART grower and served
/// by <see cref="BoostedTreesPredictor"/>. Several targets (train_joint) are one model per target, as PostgresML's
/// MultiOutputRegressor wrapping does.
/// </summary>
internal sealed class GradientBoostingAlgorithm : IAlgorithm
{
    public string Name => GradientBoostingParameters.Name;
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Regression, TaskKind.Classification];

    /// <summary>scikit-learn 1.2's GradientBoosting refuses NaN; so does pgml (impute first, or use hist_gradient_boosting-like xgboost / lightgbm).</summary>
    public bool AcceptsMissingValues => false;

    public void Validate(string hyperparamsJson, TaskKind task) => GradientBoostingParameters.Parse(hyperparamsJson, task);

    public TrainedModel Train(string hyperparamsJson, TrainingSet data) =>
        new(GradientBoostingTrainer.Train(GradientBoostingParameters.Parse(hyperparamsJson, data.Task), data));
}
