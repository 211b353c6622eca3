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
    private readonly TreeNode[] _nodes;
    private readonly float[] _leafValues;
    private readonly int[] _roots;
    private readonly int[] _depths;
    private readonly int[] _groups;
    // Levels to walk for each block of 8 trees, then for the block of 4 that may follow: a block walks as many levels
    // as its deepest tree while shallower trees sit on their self-looping leaves.
    private readonly int[] _steps8;
    private readonly int _steps4;
    private readonly float _baseMargin;
    private readonly TreeObjectiveKind _kind;

    private TreeEnsemble(XGBoostTreeFlattener.Result r)
    {
        _nodes = r.Nodes;
        _leafValues = r.LeafValues;
        _roots = r.Roots;
        _depths = r.Depths;
        _groups = r.Groups;
        _baseMargin = r.BaseMargin;
        _kind = r.Kind;
        Objective = r.Objective;
        NumFeatures = r.NumFeatures;
        NumOutputs = r.NumOutputs;
        _steps8 = new int[_roots.Length / 8];
        for (int b = 0; b < _steps8.Length; b++) _steps8[b] = _depths.AsSpan(b * 8, 8).ToArray().Max();
        int rest = _steps8.Length * 8;
        _steps4 = _roots.Length - rest >= 4 ? _depths.AsSpan(rest, 4).ToArray().Max() : 0;
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
        if (NumOutputs == 1)
        {
            // A register accumulator: no store-to-load round trip per tree.
            var sink = new SumSink { Sum = _baseMargin };
            Walk(features, ref sink);
            margins[0] = sink.Sum;
        }
        else
        {
            margins[..NumOutputs].Fill(_baseMargin);
            var sink = new GroupSink(margins, _groups);
            Walk(features, ref sink);
        }
    }

    /// <summary>The objective's prediction (probability, mean, ...) exactly as XGBoost's predict returns it, except multi:softmax (see remarks).</summary>
    public void Predict(ReadOnlySpan<float> features, Span<float> output)
    {
        PredictMargin(features, output);
        TreeObjective.Transform(_kind, output[..NumOutputs]);
    }

    /// <summary>
    /// Walks every tree and hands its leaf to the sink in tree order (float addition is not associative, and XGBoost
    /// adds tree by tree). Trees go eight at a time: their eight independent chains of dependent loads overlap in the
    /// CPU, which is where the speed comes from; a single tree's walk is one long latency chain.
    /// </summary>
    private void Walk<TSink>(ReadOnlySpan<float> features, ref TSink sink) where TSink : ILeafSink, allows ref struct
    {
        ref TreeNode nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref float leaves = ref MemoryMarshal.GetArrayDataReference(_leafValues);
        ref float f = ref MemoryMarshal.GetReference(features);
        ref uint roots = ref Unsafe.As<int, uint>(ref MemoryMarshal.GetArrayDataReference(_roots));
        int[] steps8 = _steps8;
        nuint t = 0;
        for (int b = 0; b < steps8.Length; b++, t += 8)
        {
            uint i0 = Unsafe.Add(ref roots, t), i1 = Unsafe.Add(ref roots, t + 1);
            uint i2 = Unsafe.Add(ref roots, t + 2), i3 = Unsafe.Add(ref roots, t + 3);
            uint i4 = Unsafe.Add(ref roots, t + 4), i5 = Unsafe.Add(ref roots, t + 5);
            uint i6 = Unsafe.Add(ref roots, t + 6), i7 = Unsafe.Add(ref roots, t + 7);
            for (int s = steps8[b]; s > 0; s--)
            {
                i0 = TreeNode.Step(ref nodes, ref f, i0);
                i1 = TreeNode.Step(ref nodes, ref f, i1);
                i2 = TreeNode.Step(ref nodes, ref f, i2);
                i3 = TreeNode.Step(ref nodes, ref f, i3);
                i4 = TreeNode.Step(ref nodes, ref f, i4);
                i5 = TreeNode.Step(ref nodes, ref f, i5);
                i6 = TreeNode.Step(ref nodes, ref f, i6);
                i7 = TreeNode.Step(ref nodes, ref f, i7);
            }
            sink.Add(t, Unsafe.Add(ref leaves, (nuint)i0));
            sink.Add(t + 1, Unsafe.Add(ref leaves, (nuint)i1));
            sink.Add(t + 2, Unsafe.Add(ref leaves, (nuint)i2));
            sink.Add(t + 3, Unsafe.Add(ref leaves, (nuint)i3));
            sink.Add(t + 4, Unsafe.Add(ref leaves, (nuint)i4));
            sink.Add(t + 5, Unsafe.Add(ref leaves, (nuint)i5));
            sink.Add(t + 6, Unsafe.Add(ref leaves, (nuint)i6));
            sink.Add(t + 7, Unsafe.Add(ref leaves, (nuint)i7));
        }
        int n = _roots.Length;
        if ((nuint)n - t >= 4)
        {
            uint i0 = Unsafe.Add(ref roots, t), i1 = Unsafe.Add(ref roots, t + 1);
            uint i2 = Unsafe.Add(ref roots, t + 2), i3 = Unsafe.Add(ref roots, t + 3);
            for (int s = _steps4; s > 0; s--)
            {
                i0 = TreeNode.Step(ref nodes, ref f, i0);
                i1 = TreeNode.Step(ref nodes, ref f, i1);
                i2 = TreeNode.Step(ref nodes, ref f, i2);
                i3 = TreeNode.Step(ref nodes, ref f, i3);
            }
            sink.Add(t, Unsafe.Add(ref leaves, (nuint)i0));
            sink.Add(t + 1, Unsafe.Add(ref leaves, (nuint)i1));
            sink.Add(t + 2, Unsafe.Add(ref leaves, (nuint)i2));
            sink.Add(t + 3, Unsafe.Add(ref leaves, (nuint)i3));
            t += 4;
        }
        int[] depths = _depths;
        for (; t < (nuint)n; t++)
        {
            uint i = Unsafe.Add(ref roots, t);
            for (int s = depths[t]; s > 0; s--) i = TreeNode.Step(ref nodes, ref f, i);
            sink.Add(t, Unsafe.Add(ref leaves, (nuint)i));
        }
    }

    // Sinks are generic arguments (not delegates) so the JIT specializes and inlines the walk for each.
    private interface ILeafSink
    {
        void Add(nuint tree, float leaf);
    }

    private struct SumSink : ILeafSink
    {
        public float Sum;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(nuint tree, float leaf) => Sum += leaf;
    }

    private readonly ref struct GroupSink(Span<float> margins, int[] groups) : ILeafSink
    {
        private readonly Span<float> _margins = margins;
        private readonly int[] _groups = groups;

        // Groups were validated against NumOutputs at load and margins is at least NumOutputs long.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(nuint tree, float leaf) =>
            Unsafe.Add(ref MemoryMarshal.GetReference(_margins), Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_groups), tree)) += leaf;
    }

    private void ThrowFeaturesTooShort(int length) =>
        throw new ArgumentException($"the model needs {NumFeatures} features, got {length}", "features");

    private void ThrowOutputTooShort(int length) =>
        throw new ArgumentException($"the model produces {NumOutputs} values, the output span holds {length}");
}
