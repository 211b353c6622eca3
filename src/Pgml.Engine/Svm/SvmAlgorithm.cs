using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Svm;

/// <summary>
/// svm: kernel support vector machines, scikit-learn's SVR (regression) and SVC (classification, one-vs-one), trained by
/// pgml's own SMO solver (<see cref="SmoSolver"/>) and evaluated in C# (<see cref="SvmPredictor"/>).
/// </summary>
internal sealed class SvmAlgorithm : IAlgorithm
{
    public string Name => "svm";
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Regression, TaskKind.Classification];

    /// <summary>Kernels are built on dot products and distances: missing values must be imputed first.</summary>
    public bool AcceptsMissingValues => false;

    public void Validate(string hyperparamsJson, TaskKind task) => SvmParameters.Parse(hyperparamsJson, task);

    public TrainedModel Train(string hyperparamsJson, TrainingSet data) =>
        new(SvmTrainer.Train(SvmParameters.Parse(hyperparamsJson, data.Task), data, out _));
}
