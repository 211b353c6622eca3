using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pgml.Engine.Trees;

/// <summary>
/// A gradient-boosted tree ensemble evaluated in C#, bit-identical to XGBoost 1.7's CPU predictor in float32.
/// Immutable and thread-safe after construction; prediction allocates nothing and never throws for NaN (missing)
/// features.
/// </summary>
/// <remarks>
/// multi:softmax is evaluated like multi:softprob: <see cref="Predict"/> returns the K class probabilities, not
/// XGBoost's argmax class index, so callers get probabilities from either objective and can take the argmax.
/// binary:hinge returns XGBoost's 0/1 output; binary:logitraw returns the raw margin.
/// </remarks>
public sealed class TreeEnsemble
{
    // Trees are walked four at a time so the four independent dependency chains of loads overlap in the CPU.
    private const int Interleave = 4;

    private readonly TreeNode[] _nodes;
    private readonly int[] _roots;
    private readonly int[] _depths;
    private readonly int[] _groups;
    private readonly int[] _blockSteps;
    private readonly float _baseMargin;
    private readonly TreeObjectiveKind _kind;

    private TreeEnsemble(XGBoostTreeFlattener.Result r)
    {
        _nodes = r.Nodes;
        _roots = r.Roots;
        _depths = r.Depths;
        _groups = r.Groups;
        _baseMargin = r.BaseMargin;
        _kind = r.Kind;
        Objective = r.Objective;
        NumFeatures = r.NumFeatures;
        NumOutputs = r.NumOutputs;
        // A block walks as many levels as its deepest tree; shallower trees sit on their self-looping leaves.
        _blockSteps = new int[_roots.Length / Interleave];
        for (int b = 0; b < _blockSteps.Length; b++)
            for (int j = 0; j < Interleave; j++)
                _blockSteps[b] = Math.Max(_blockSteps[b], _depths[b * Interleave + j]);
    }

    /// <summary>Parses the JSON that XGBoost 1.7 saves (Booster.Save()). Throws <see cref="ModelFormatException"/> for anything unusable.</summary>
    public static TreeEnsemble FromXGBoostJson(ReadOnlySpan<byte> json) =>
        new(XGBoostTreeFlattener.Flatten(XGBoostJsonParser.Parse(json)));

    /// <summary>Features the model expects; the feature span passed to prediction must be at least this long.</summary>
    public int NumFeatures { get; }

    /// <summary>Values per prediction: 1 for regression and binary objectives, the class count for multi:*.</summary>
    public int NumOutputs { get; }

    /// <summary>XGBoost's objective name, e.g. "binary:logistic".</summary>
    public string Objective { get; }

    public int NumTrees => _roots.Length;

    /// <summary>Raw margins (XGBoost's output_margin): the base margin plus each tree's leaf, in tree order, in float32.</summary>
    public void PredictMargin(ReadOnlySpan<float> features, Span<float> margins)
    {
        if (features.Length < NumFeatures) ThrowFeaturesTooShort(features.Length);
        if (margins.Length < NumOutputs) ThrowOutputTooShort(margins.Length);
        if (NumOutputs == 1) margins[0] = SingleMargin(features);
        else GroupMargins(features, margins);
    }

    /// <summary>The objective's prediction (probability, mean, ...) exactly as XGBoost's predict returns it, except multi:softmax (see remarks).</summary>
    public void Predict(ReadOnlySpan<float> features, Span<float> output)
    {
        PredictMargin(features, output);
        TreeObjective.Transform(_kind, output[..NumOutputs]);
    }

    private float SingleMargin(ReadOnlySpan<float> features)
    {
        ref TreeNode nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref float f = ref MemoryMarshal.GetReference(features);
        ref int roots = ref MemoryMarshal.GetArrayDataReference(_roots);
        int[] blockSteps = _blockSteps;
        float sum = _baseMargin;
        int t = 0;
        for (int b = 0; b < blockSteps.Length; b++, t += Interleave)
        {
            int i0 = Unsafe.Add(ref roots, t), i1 = Unsafe.Add(ref roots, t + 1);
            int i2 = Unsafe.Add(ref roots, t + 2), i3 = Unsafe.Add(ref roots, t + 3);
            for (int s = blockSteps[b]; s > 0; s--)
            {
                i0 = TreeNode.Step(ref nodes, ref f, i0);
                i1 = TreeNode.Step(ref nodes, ref f, i1);
                i2 = TreeNode.Step(ref nodes, ref f, i2);
                i3 = TreeNode.Step(ref nodes, ref f, i3);
            }
            // Added one at a time in tree order: float addition is not associative and XGBoost adds tree by tree.
            sum += Unsafe.Add(ref nodes, i0).LeafValue;
            sum += Unsafe.Add(ref nodes, i1).LeafValue;
            sum += Unsafe.Add(ref nodes, i2).LeafValue;
            sum += Unsafe.Add(ref nodes, i3).LeafValue;
        }
        int[] depths = _depths;
        for (; t < depths.Length; t++)
        {
            int i = Unsafe.Add(ref roots, t);
            for (int s = depths[t]; s > 0; s--) i = TreeNode.Step(ref nodes, ref f, i);
            sum += Unsafe.Add(ref nodes, i).LeafValue;
        }
        return sum;
    }

    private void GroupMargins(ReadOnlySpan<float> features, Span<float> margins)
    {
        ref TreeNode nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref float f = ref MemoryMarshal.GetReference(features);
        ref float m = ref MemoryMarshal.GetReference(margins);
        ref int roots = ref MemoryMarshal.GetArrayDataReference(_roots);
        ref int groups = ref MemoryMarshal.GetArrayDataReference(_groups);
        margins[..NumOutputs].Fill(_baseMargin);
        int[] blockSteps = _blockSteps;
        int t = 0;
        for (int b = 0; b < blockSteps.Length; b++, t += Interleave)
        {
            int i0 = Unsafe.Add(ref roots, t), i1 = Unsafe.Add(ref roots, t + 1);
            int i2 = Unsafe.Add(ref roots, t + 2), i3 = Unsafe.Add(ref roots, t + 3);
            for (int s = blockSteps[b]; s > 0; s--)
            {
                i0 = TreeNode.Step(ref nodes, ref f, i0);
                i1 = TreeNode.Step(ref nodes, ref f, i1);
                i2 = TreeNode.Step(ref nodes, ref f, i2);
                i3 = TreeNode.Step(ref nodes, ref f, i3);
            }
            Unsafe.Add(ref m, Unsafe.Add(ref groups, t)) += Unsafe.Add(ref nodes, i0).LeafValue;
            Unsafe.Add(ref m, Unsafe.Add(ref groups, t + 1)) += Unsafe.Add(ref nodes, i1).LeafValue;
            Unsafe.Add(ref m, Unsafe.Add(ref groups, t + 2)) += Unsafe.Add(ref nodes, i2).LeafValue;
            Unsafe.Add(ref m, Unsafe.Add(ref groups, t + 3)) += Unsafe.Add(ref nodes, i3).LeafValue;
        }
        int[] depths = _depths;
        for (; t < depths.Length; t++)
        {
            int i = Unsafe.Add(ref roots, t);
            for (int s = depths[t]; s > 0; s--) i = TreeNode.Step(ref nodes, ref f, i);
            Unsafe.Add(ref m, Unsafe.Add(ref groups, t)) += Unsafe.Add(ref nodes, i).LeafValue;
        }
    }

    private void ThrowFeaturesTooShort(int length) =>
        throw new ArgumentException($"the model needs {NumFeatures} features, got {length}", "features");

    private void ThrowOutputTooShort(int length) =>
        throw new ArgumentException($"the model produces {NumOutputs} values, the output span holds {length}");
}
