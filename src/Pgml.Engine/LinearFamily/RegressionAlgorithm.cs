using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;
using static Pgml.Engine.Linear.LinearHyperparameters;

namespace Pgml.Engine.LinearFamily;

/// <summary>
/// What the family's regression-only algorithms share: their one task, no missing values, and the parse of their
/// table with the linear family's refusals (<see cref="Refuse"/> adds an algorithm's own).
/// </summary>
internal abstract class RegressionAlgorithm : IAlgorithm
{
    public abstract string Name { get; }
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Regression];
    public bool AcceptsMissingValues => false;

    protected abstract IReadOnlyList<HyperparameterSpec> Specs { get; }

    public void Validate(string hyperparamsJson, TaskKind task) => Parse(hyperparamsJson, task);

    public abstract TrainedModel Train(string hyperparamsJson, TrainingSet data);

    protected Hyperparameters Parse(string? json, TaskKind task)
    {
        if (task != TaskKind.Regression) throw TaskNotSupported(Name, task);
        var p = Linear.LinearHyperparameters.Parse(json, Name, Specs);
        Refuse(p);
        return p;
    }

    /// <summary>Refusals of values the algorithm does not implement, after the table's checks.</summary>
    protected virtual void Refuse(Hyperparameters p) { }

    /// <summary>normalize (deprecated in scikit-learn 1.2, default false): true is refused.</summary>
    protected void RefuseNormalize(Hyperparameters p)
    {
        if (p.Boolean("normalize"))
            throw new UnsupportedException($"{Name} does not implement normalize = true in pgml (deprecated in scikit-learn 1.2)",
                "Remove normalize, and scale the features with preprocess => '{\"column\": {\"scale\": \"standard\"}}' if needed.");
    }
}
