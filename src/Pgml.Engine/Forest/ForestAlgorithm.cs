using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Forest;

/// <summary>
/// random_forest and extra_trees: scikit-learn's RandomForest / ExtraTrees Regressor and Classifier (1.2), trained and
/// served in C#. They differ in two defaults and one rule: random forests bootstrap the rows and search every
/// threshold of each candidate feature, extra trees use every row and try one random threshold per candidate feature.
/// </summary>
internal abstract class ForestAlgorithm : IAlgorithm
{
    public abstract string Name { get; }
    protected abstract bool RandomSplits { get; }
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Regression, TaskKind.Classification];

    /// <summary>scikit-learn 1.2's forests refuse NaN; so does pgml (impute first).</summary>
    public bool AcceptsMissingValues => false;

    public void Validate(string hyperparamsJson, TaskKind task) => ForestParameters.Parse(hyperparamsJson, Name, task, RandomSplits);

    public TrainedModel Train(string hyperparamsJson, TrainingSet data)
    {
        var parameters = ForestParameters.Parse(hyperparamsJson, Name, data.Task, RandomSplits);
        var layout = ForestTrainer.Train(Name, parameters, data, RandomSplits);
        return new TrainedModel(new ForestPredictor(layout, data.Task));
    }
}

/// <summary>random_forest: bootstrap samples (bootstrap = true), the best threshold of max_features random features per node.</summary>
internal sealed class RandomForestAlgorithm : ForestAlgorithm
{
    public override string Name => "random_forest";
    protected override bool RandomSplits => false;
}

/// <summary>extra_trees: every row (bootstrap = false), one uniform random threshold per candidate feature.</summary>
internal sealed class ExtraTreesAlgorithm : ForestAlgorithm
{
    public override string Name => "extra_trees";
    protected override bool RandomSplits => true;
}
