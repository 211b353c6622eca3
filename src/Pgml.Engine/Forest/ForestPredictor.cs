using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Forest;

/// <summary>
/// A random_forest or extra_trees model behind <see cref="IPredictor"/>: every tree walked in a tight loop over one
/// contiguous node array, the leaves' values averaged in double like scikit-learn's predict / predict_proba
/// (regression: the mean of the trees' means; classification: the mean of the trees' class probabilities).
/// </summary>
/// <remarks>
/// Format "forest", version 1 (inside pgml's envelope, ModelBinary.cs), exactly the arrays of a
/// <see cref="ForestLayout"/> (N nodes, T trees, K outputs: 1 for regression, the class count for classification):
///   i32 task (TaskKind: Regression or Classification), i32 NumFeatures (>= 1), i32 K,
///   i32[T + 1] TreeStarts (0, strictly increasing, last = N),
///   i32[N] Feature (-1 = leaf), f32[N] Threshold, i32[N] Left, i32[N] Right, i32[N] LeafOffset (-1 = internal),
///   f32[L] LeafValues (L a multiple of K).
/// Loading checks every rule ForestLayout states: features &lt; NumFeatures, children inside their tree and after
/// their parent (no cycle, every walk ends), each non-root node the child of exactly one node, leaf offsets in range,
/// thresholds not NaN, leaf values finite (probabilities in [0, 1]).
/// </remarks>
public sealed class ForestPredictor : IPredictor
{
    public const string Format = "forest";
    public const uint Version = 1;

    /// <summary>16 bytes; a leaf has Feature = -1 and Left = its offset into the leaf values.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Node(int Feature, float Threshold, int Left, int Right);

    private readonly Node[] _nodes;
    private readonly int[] _treeStarts;
    private readonly float[] _leafValues;
    private readonly double[] _sums;
    private readonly TaskKind _task;

    public ForestPredictor(ForestLayout layout, TaskKind task)
    {
        Validate(layout, task);
        _task = task;
        NumFeatures = layout.NumFeatures;
        NumOutputs = layout.NumOutputs;
        Kind = task == TaskKind.Classification ? PredictionKind.Probabilities : PredictionKind.Value;
        _treeStarts = layout.TreeStarts;
        _leafValues = layout.LeafValues;
        _nodes = new Node[layout.NumNodes];
        for (int i = 0; i < _nodes.Length; i++)
            _nodes[i] = layout.Feature[i] < 0
                ? new Node(-1, 0f, layout.LeafOffset[i], -1)
                : new Node(layout.Feature[i], layout.Threshold[i], layout.Left[i], layout.Right[i]);
        _sums = new double[NumOutputs];
    }

    public int NumFeatures { get; }
    public int NumOutputs { get; }
    public PredictionKind Kind { get; }
    public int NumTrees => _treeStarts.Length - 1;
    public int NumNodes => _nodes.Length;

    public void Predict(ReadOnlySpan<float> features, Span<float> output)
    {
        if (features.Length < NumFeatures) throw new ArgumentException($"the model needs {NumFeatures} features, got {features.Length}", nameof(features));
        if (output.Length < NumOutputs) throw new ArgumentException($"the model produces {NumOutputs} values, the output span holds {output.Length}", nameof(output));
        // Validation guarantees every index below is in range, so the walk reads without bounds checks.
        ref Node nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref float x = ref MemoryMarshal.GetReference(features);
        ref float leaves = ref MemoryMarshal.GetArrayDataReference(_leafValues);
        ref int starts = ref MemoryMarshal.GetArrayDataReference(_treeStarts);
        int trees = _treeStarts.Length - 1, k = NumOutputs;
        double single = 0;
        Span<double> sums = _sums;
        if (k > 1) sums.Clear();
        for (int t = 0; t < trees; t++)
        {
            int i = Unsafe.Add(ref starts, t);
            ref Node n = ref Unsafe.Add(ref nodes, i);
            while (n.Feature >= 0)
            {
                i = Unsafe.Add(ref x, n.Feature) <= n.Threshold ? n.Left : n.Right;
                n = ref Unsafe.Add(ref nodes, i);
            }
            int offset = n.Left;
            if (k == 1) single += Unsafe.Add(ref leaves, offset);
            else
                for (int c = 0; c < k; c++) sums[c] += Unsafe.Add(ref leaves, offset + c);
        }
        if (k == 1) output[0] = (float)(single / trees);
        else
            for (int c = 0; c < k; c++) output[c] = (float)(sums[c] / trees);
    }

    /// <summary>The arrays the model is stored as (see the format above).</summary>
    public ForestLayout ToLayout()
    {
        int n = _nodes.Length;
        var layout = new ForestLayout
        {
            NumFeatures = NumFeatures,
            NumOutputs = NumOutputs,
            TreeStarts = _treeStarts,
            Feature = new int[n],
            Threshold = new float[n],
            Left = new int[n],
            Right = new int[n],
            LeafOffset = new int[n],
            LeafValues = _leafValues,
        };
        for (int i = 0; i < n; i++)
        {
            var node = _nodes[i];
            bool leaf = node.Feature < 0;
            layout.Feature[i] = node.Feature;
            layout.Threshold[i] = node.Threshold;
            layout.Left[i] = leaf ? -1 : node.Left;
            layout.Right[i] = node.Right;
            layout.LeafOffset[i] = leaf ? node.Left : -1;
        }
        return layout;
    }

    public byte[] ToBytes()
    {
        var l = ToLayout();
        return new ModelWriter(Format, Version)
            .Int32((int)_task).Int32(l.NumFeatures).Int32(l.NumOutputs)
            .Ints(l.TreeStarts).Ints(l.Feature).Floats(l.Threshold).Ints(l.Left).Ints(l.Right).Ints(l.LeafOffset)
            .Floats(l.LeafValues)
            .ToBytes();
    }

    public static IPredictor Load(ref ModelReader reader)
    {
        if (reader.Version != Version) throw ModelFormats.UnknownVersion(Format, reader.Version, Version);
        var task = (TaskKind)reader.Int32("task", (int)TaskKind.Regression, (int)TaskKind.Classification);
        int features = reader.Int32("feature count", 1, int.MaxValue);
        int outputs = reader.Int32("output count", 1, int.MaxValue);
        int[] starts = reader.Ints();
        if (starts.Length < 2) throw ModelReader.Bad($"a forest needs at least one tree, the tree table has {starts.Length} entries");
        long n = starts[^1];
        var layout = new ForestLayout
        {
            NumFeatures = features,
            NumOutputs = outputs,
            TreeStarts = starts,
            Feature = reader.Ints(n, "forest node features"),
            Threshold = reader.Floats(n, "forest node thresholds"),
            Left = reader.Ints(n, "forest left children"),
            Right = reader.Ints(n, "forest right children"),
            LeafOffset = reader.Ints(n, "forest leaf offsets"),
            LeafValues = reader.Floats(),
        };
        return new ForestPredictor(layout, task);
    }

    /// <summary>Every rule of <see cref="ForestLayout"/>, so no walk can leave the arrays or loop.</summary>
    private static void Validate(ForestLayout l, TaskKind task)
    {
        if (task is not (TaskKind.Regression or TaskKind.Classification))
            throw new ModelFormatException($"a forest cannot serve the task {TaskNames.Name(task)}");
        if (l.NumFeatures < 1) throw ModelReader.Bad($"forest feature count {l.NumFeatures}");
        if (task == TaskKind.Regression ? l.NumOutputs != 1 : l.NumOutputs < 2)
            throw ModelReader.Bad($"a {TaskNames.Name(task)} forest with {l.NumOutputs} outputs");
        int n = l.Feature.Length, k = l.NumOutputs, values = l.LeafValues.Length;
        if (l.Threshold.Length != n || l.Left.Length != n || l.Right.Length != n || l.LeafOffset.Length != n)
            throw ModelReader.Bad("forest node arrays of different lengths");
        if (l.TreeStarts.Length < 2 || l.TreeStarts[0] != 0 || l.TreeStarts[^1] != n)
            throw ModelReader.Bad($"the forest's tree table does not cover its {n} nodes");
        if (values % k != 0) throw ModelReader.Bad($"{values} leaf values is not a multiple of {k} outputs");
        var parents = new byte[n];
        for (int t = 0; t + 1 < l.TreeStarts.Length; t++)
        {
            int start = l.TreeStarts[t], end = l.TreeStarts[t + 1];
            if (end <= start) throw ModelReader.Bad($"forest tree {t} is empty or out of order");
            for (int i = start; i < end; i++)
            {
                if (l.Feature[i] < 0)
                {
                    if (l.Feature[i] != -1 || l.Left[i] != -1 || l.Right[i] != -1)
                        throw ModelReader.Bad($"forest leaf {i} has children");
                    int offset = l.LeafOffset[i];
                    if (offset < 0 || offset > values - k || offset % k != 0)
                        throw ModelReader.Bad($"forest leaf {i} has value offset {offset} outside its {values} values");
                    continue;
                }
                if (l.Feature[i] >= l.NumFeatures) throw ModelReader.Bad($"forest node {i} tests feature {l.Feature[i]} of {l.NumFeatures}");
                if (float.IsNaN(l.Threshold[i])) throw ModelReader.Bad($"forest node {i} has a NaN threshold");
                if (l.LeafOffset[i] != -1) throw ModelReader.Bad($"forest node {i} is internal but has leaf values");
                foreach (int child in (ReadOnlySpan<int>)[l.Left[i], l.Right[i]])
                {
                    if (child <= i || child >= end) throw ModelReader.Bad($"forest node {i} has child {child} outside {i + 1}..{end - 1}");
                    if (parents[child]++ != 0) throw ModelReader.Bad($"forest node {child} has two parents");
                }
            }
            for (int i = start + 1; i < end; i++)
                if (parents[i] != 1) throw ModelReader.Bad($"forest node {i} is not reachable from its tree's root");
        }
        foreach (float v in l.LeafValues)
            if (!float.IsFinite(v) || (task == TaskKind.Classification && v is < 0 or > 1))
                throw ModelReader.Bad($"forest leaf value {v} is not a {(task == TaskKind.Classification ? "probability" : "finite number")}");
    }
}
