using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Boosting;

/// <summary>
/// ada_boost: scikit-learn's AdaBoostClassifier (SAMME.R by default, or SAMME; depth-1 trees) and AdaBoostRegressor
/// (AdaBoost.R2, depth-3 trees, weighted median), trained by <see cref="AdaBoostTrainer"/> and served by
/// <see cref="BoostedTreesPredictor"/>. Several targets (train_joint) are one model per target, as PostgresML's
/// MultiOutputRegressor wrapping does.
/// </summary>
internal sealed class AdaBoostAlgorithm : IAlgorithm
{
    public string Name => AdaBoostParameters.Name;
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Regression, TaskKind.Classification];

    /// <summary>scikit-learn 1.2's trees refuse NaN; so does pgml (impute first).</summary>
    public bool AcceptsMissingValues => false;

    public void Validate(string hyperparamsJson, TaskKind task) => AdaBoostParameters.Parse(hyperparamsJson, task);

    public TrainedModel Train(string hyperparamsJson, TrainingSet data) =>
        new(AdaBoostTrainer.Train(AdaBoostParameters.Parse(hyperparamsJson, data.Task), data));
}
