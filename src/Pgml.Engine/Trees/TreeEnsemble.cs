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
internal sealed class TreeEnsemble
{
    private readonly TreeNode[] _nodes;
    private readonly float[] _leafValues;
    private readonly TreeGroup[] _groups;
    private readonly float _baseMargin;
    private readonly TreeObjectiveKind _kind;
    // Kept for ToCompiled; the evaluator reads the same node and leaf arrays.
    private readonly XGBoostTreeFlattener.Result _flat;

    /// <summary><paramref name="r"/> must have passed <see cref="XGBoostTreeFlattener.Validate"/>.</summary>
    private TreeEnsemble(XGBoostTreeFlattener.Result r)
    {
        _flat = r;
        _nodes = r.Nodes;
        _leafValues = r.LeafValues;
        _baseMargin = r.BaseMargin;
        _kind = r.Kind;
        Objective = r.Objective;
        NumFeatures = r.NumFeatures;
        NumOutputs = r.NumOutputs;
        NumTrees = r.Roots.Length;
        _groups = new TreeGroup[NumOutputs];
        for (int g = 0; g < NumOutputs; g++)
        {
            var inGroup = Enumerable.Range(0, NumTrees).Where(t => r.Groups[t] == g).ToArray();
            _groups[g] = new TreeGroup([.. inGroup.Select(t => (uint)r.Roots[t])], [.. inGroup.Select(t => r.Depths[t])]);
        }
    }

    /// <summary>Parses the JSON that XGBoost 1.7 saves (Booster.Save()). Throws <see cref="ModelFormatException"/> for anything unusable.</summary>
    public static TreeEnsemble FromXGBoostJson(ReadOnlySpan<byte> json) =>
        new(XGBoostTreeFlattener.Flatten(XGBoostJsonParser.Parse(json)));

    /// <summary>
    /// Loads the compact form <see cref="ToCompiled"/> writes: a copy and a validation pass, no JSON parsing, for a fast
    /// first prediction. Throws <see cref="ModelFormatException"/> for anything corrupt, truncated or from a newer pgml.
    /// </summary>
    public static TreeEnsemble FromCompiled(ReadOnlySpan<byte> bytes) => new(CompiledTreeFormat.Read(bytes));

    /// <summary>The flattened ensemble in pgml's versioned binary format (see CompiledTreeFormat.cs), a cache of the XGBoost JSON.</summary>
    public byte[] ToCompiled() => CompiledTreeFormat.Write(_flat);

    /// <summary>Features the model expects; the feature span passed to prediction must be at least this long.</summary>
    public int NumFeatures { get; }

    /// <summary>Values per prediction: 1 for regression and binary objectives, the class count for multi:*.</summary>
    public int NumOutputs { get; }

    /// <summary>XGBoost's objective name, e.g. "binary:logistic".</summary>
    public string Objective { get; }

    public int NumTrees { get; }

    /// <summary>Raw margins (XGBoost's output_margin): the base margin plus each tree's leaf, in tree order, in float32.</summary>
    public void PredictMargin(ReadOnlySpan<float> features, Span<float> margins)
    {
        if (features.Length < NumFeatures) ThrowFeaturesTooShort(features.Length);
        if (margins.Length < NumOutputs) ThrowOutputTooShort(margins.Length);
        ref TreeNode nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref float leaves = ref MemoryMarshal.GetArrayDataReference(_leafValues);
        ref float f = ref MemoryMarshal.GetReference(features);
        TreeGroup[] groups = _groups;
        for (int g = 0; g < groups.Length; g++)
            margins[g] = groups[g].Sum(ref nodes, ref leaves, ref f, _baseMargin);
    }

    /// <summary>The objective's prediction (probability, mean, ...) exactly as XGBoost's predict returns it, except multi:softmax (see remarks).</summary>
    public void Predict(ReadOnlySpan<float> features, Span<float> output)
    {
        PredictMargin(features, output);
        TreeObjective.Transform(_kind, output[..NumOutputs]);
    }

    private void ThrowFeaturesTooShort(int length) =>
        throw new ArgumentException($"the model needs {NumFeatures} features, got {length}", "features");

    private void ThrowOutputTooShort(int length) =>
        throw new ArgumentException($"the model produces {NumOutputs} values, the output span holds {length}");
}
