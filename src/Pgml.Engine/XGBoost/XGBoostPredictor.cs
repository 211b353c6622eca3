using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;
using Pgml.Engine.Trees;

namespace Pgml.Engine.XGBoost;

/// <summary>
/// An XGBoost model behind <see cref="IPredictor"/>: the C# tree evaluator, with binary outputs widened to both
/// classes' probabilities (binary:logitraw's margin and binary:hinge's 0/1 turned into them).
/// </summary>
internal sealed class XGBoostPredictor : IPredictor
{
    private readonly TreeEnsemble _trees;
    private readonly float[] _raw;
    private readonly bool _binary, _margin;

    public XGBoostPredictor(TreeEnsemble trees, TaskKind task)
    {
        _trees = trees;
        _raw = new float[Math.Max(1, trees.NumOutputs)];
        Kind = task == TaskKind.Classification ? PredictionKind.Probabilities : PredictionKind.Value;
        _binary = Kind == PredictionKind.Probabilities && trees.NumOutputs == 1;
        _margin = trees.Objective == "binary:logitraw";
        if (task is not (TaskKind.Classification or TaskKind.Regression))
            throw new ModelFormatException($"an XGBoost model cannot serve the task {TaskNames.Name(task)}");
        if ((task == TaskKind.Classification) != (trees.Objective.StartsWith("binary:", StringComparison.Ordinal) || trees.Objective.StartsWith("multi:", StringComparison.Ordinal)))
            throw new ModelFormatException($"an XGBoost model with objective {trees.Objective} cannot serve {TaskNames.Name(task)}");
    }

    public TreeEnsemble Trees => _trees;
    public int NumFeatures => _trees.NumFeatures;
    public int NumOutputs => _binary ? 2 : _trees.NumOutputs;
    public PredictionKind Kind { get; }

    public void Predict(ReadOnlySpan<float> features, Span<float> output)
    {
        if (!_binary)
        {
            _trees.Predict(features, output);
            return;
        }
        _trees.Predict(features, _raw);
        float p1 = _margin ? 1f / (1f + MathF.Exp(-_raw[0])) : _raw[0];
        output[0] = 1 - p1;
        output[1] = p1;
    }

    public byte[] ToBytes() => _trees.ToCompiled();
}
