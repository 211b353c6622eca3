using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Svm;

/// <summary>
/// nu_svm: scikit-learn's NuSVR (regression) and NuSVC (classification, one-vs-one), the ν formulation of the kernel
/// SVM: ν bounds the fraction of support vectors and of margin errors instead of C (classification) or ε
/// (regression). Solved by the same SMO solver as svm in its ν mode (<see cref="DualProblem.Nu"/>), stored in svm's
/// format (the fitted model is the same kind of support-vector expansion).
/// </summary>
internal sealed class NuSvmAlgorithm : IAlgorithm
{
    public string Name => "nu_svm";
    public IReadOnlyList<TaskKind> Tasks { get; } = [TaskKind.Regression, TaskKind.Classification];

    /// <summary>Kernels are built on dot products and distances: missing values must be imputed first.</summary>
    public bool AcceptsMissingValues => false;

    public void Validate(string hyperparamsJson, TaskKind task) => SvmParameters.Parse(hyperparamsJson, task, nu: true);

    public TrainedModel Train(string hyperparamsJson, TrainingSet data) =>
        new(SvmTrainer.Train(SvmParameters.Parse(hyperparamsJson, data.Task, nu: true), data, out _));
}
