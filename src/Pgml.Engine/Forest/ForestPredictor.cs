using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;
using Pgml.Engine.Data;

namespace Pgml.Engine.Forest;

/// <summary>
/// A random_forest or extra_trees model behind <see cref="IPredictor"/>: every tree walked in a tight loop over one
/// contiguous node array, the leaves' values averaged in double like scikit-learn's predict / predict_proba
/// (regression: the mean of the trees' means; classification: the mean of the trees' class probabilities).
/// </summary>
/// <remarks>
/// Format "forest", version 1 (inside pgml's envelope, ModelBinary.cs), the forest's fields as separate arrays
/// (N nodes, T trees, K outputs: 1 for regression, the class count for classification):
///   i32 task (TaskKind: Regression or Classification), i32 NumFeatures (>= 1), i32 K,
///   i32[T + 1] TreeStarts (0, strictly increasing, last = N),
///   i32[N] Feature (-1 = leaf), f32[N] Threshold, i32[N] Left, i32[N] Right (both -1 for a leaf),
///   i32[N] LeafOffset (-1 = internal), f32[L] LeafValues (L a multiple of K).
/// Loading checks every rule <see cref="NativeForest"/> states: features &lt; NumFeatures, children inside their tree
/// and after their parent (no cycle, every walk ends), each non-root node the child of exactly one node, leaf offsets
/// in range, thresholds not NaN, leaf values finite (probabilities in [0, 1]). Writing and loading go field by field
/// between the model's bytes and the native node array, without intermediate arrays.
/// </remarks>
internal sealed unsafe class ForestPredictor : IPredictor, IDisposable
{
    public const string Format = "forest";
    public const uint Version = 1;

    private readonly NativeForest _forest;
    private readonly int[] _treeStarts;
    private readonly double[] _sums;
    private readonly TaskKind _task;

    /// <summary>Serves <paramref name="forest"/>, which it owns from now on (its native memory lives as long as this).</summary>
    public ForestPredictor(NativeForest forest, TaskKind task)
    {
        Validate(forest, task);
        _forest = forest;
        _task = task;
        _treeStarts = forest.TreeStarts.ToArray();
        NumFeatures = forest.NumFeatures;
        NumOutputs = forest.NumOutputs;
        Kind = task == TaskKind.Classification ? PredictionKind.Probabilities : PredictionKind.Value;
        _sums = new double[NumOutputs];
    }

    public int NumFeatures { get; }
    public int NumOutputs { get; }
    public PredictionKind Kind { get; }
    public int NumTrees => _treeStarts.Length - 1;
    public int NumNodes => _forest.NumNodes;

    public void Predict(ReadOnlySpan<float> features, Span<float> output)
    {
        if (features.Length < NumFeatures) throw new ArgumentException($"the model needs {NumFeatures} features, got {features.Length}", nameof(features));
        if (output.Length < NumOutputs) throw new ArgumentException($"the model produces {NumOutputs} values, the output span holds {output.Length}", nameof(output));
        // Validation guarantees every index below is in range, so the walk reads without bounds checks.
        ForestNode* nodes = _forest.Nodes.Pointer;
        float* leaves = _forest.LeafValues.Pointer;
        ref float x = ref MemoryMarshal.GetReference(features);
        int trees = _treeStarts.Length - 1, k = NumOutputs;
        double single = 0;
        Span<double> sums = _sums;
        if (k > 1) sums.Clear();
        for (int t = 0; t < trees; t++)
        {
            ForestNode* n = nodes + _treeStarts[t];
            while (n->Feature >= 0)
                n = nodes + (Unsafe.Add(ref x, n->Feature) <= n->Threshold ? n->Left : n->Right);
            float* values = leaves + n->Left;
            if (k == 1) single += values[0];
            else
                for (int c = 0; c < k; c++) sums[c] += values[c];
        }
        if (k == 1) output[0] = (float)(single / trees);
        else
            for (int c = 0; c < k; c++) output[c] = (float)(sums[c] / trees);
        GC.KeepAlive(this);   // the native arrays are freed by the forest's finalizer only after this returns
    }

    /// <summary>The forest as separate arrays, the way the format stores it (for tests and inspection).</summary>
    public ForestLayout ToLayout()
    {
        var nodes = _forest.Nodes.AsSpan();
        var layout = new ForestLayout
        {
            NumFeatures = NumFeatures,
            NumOutputs = NumOutputs,
            TreeStarts = _treeStarts,
            Feature = new int[nodes.Length],
            Threshold = new float[nodes.Length],
            Left = new int[nodes.Length],
            Right = new int[nodes.Length],
            LeafOffset = new int[nodes.Length],
            LeafValues = _forest.LeafValues.AsSpan().ToArray(),
        };
        Copy(nodes, layout.Feature, FeatureOf);
        Copy(nodes, layout.Threshold, ThresholdOf);
        Copy(nodes, layout.Left, LeftOf);
        Copy(nodes, layout.Right, RightOf);
        Copy(nodes, layout.LeafOffset, LeafOffsetOf);
        return layout;
    }

    // The format's fields of a node (a leaf's value offset is its own field there).
    private static int FeatureOf(ForestNode n) => n.Feature;
    private static float ThresholdOf(ForestNode n) => n.Threshold;
    private static int LeftOf(ForestNode n) => n.IsLeaf ? -1 : n.Left;
    private static int RightOf(ForestNode n) => n.Right;
    private static int LeafOffsetOf(ForestNode n) => n.IsLeaf ? n.Left : -1;

    private static void Copy<T>(ReadOnlySpan<ForestNode> nodes, Span<T> to, Func<ForestNode, T> field)
    {
        for (int i = 0; i < nodes.Length; i++) to[i] = field(nodes[i]);
    }

    private ModelWriter Write() =>
        WriteNodes(new ModelWriter(Format, Version).Int32((int)_task).Int32(NumFeatures).Int32(NumOutputs), _forest);

    /// <summary>The forest's tree table, node fields and leaf values, as format "forest" lays them out after its header
    /// (also the tail of format "boosted_trees").</summary>
    internal static ModelWriter WriteNodes(ModelWriter w, NativeForest forest)
    {
        var nodes = forest.Nodes.AsSpan();
        int n = nodes.Length;
        w.Ints(forest.TreeStarts);
        // each field is filled in place in the writer's buffer, before the next one is reserved (which may move it)
        Copy(nodes, w.Array<int>(n), FeatureOf);
        Copy(nodes, w.Array<float>(n), ThresholdOf);
        Copy(nodes, w.Array<int>(n), LeftOf);
        Copy(nodes, w.Array<int>(n), RightOf);
        Copy(nodes, w.Array<int>(n), LeafOffsetOf);
        return w.Floats(forest.LeafValues.AsSpan());
    }

    public byte[] ToBytes() => Write().ToBytes();

    public NativeList<byte> ToNativeBytes() => Write().ToNative();

    /// <summary>Frees the nodes now (after training has stored the model) instead of at the next collection.</summary>
    public void Dispose() => _forest.Dispose();

    public static IPredictor Load(ref ModelReader reader)
    {
        if (reader.Version != Version) throw ModelFormats.UnknownVersion(Format, reader.Version, Version);
        var task = (TaskKind)reader.Int32("task", (int)TaskKind.Regression, (int)TaskKind.Classification);
        int features = reader.Int32("feature count", 1, int.MaxValue);
        int outputs = reader.Int32("output count", 1, int.MaxValue);
        var forest = ReadNodes(ref reader, features, outputs);
        try
        {
            return new ForestPredictor(forest, task);
        }
        catch
        {
            forest.Dispose();
            throw;
        }
    }

    /// <summary>Reads what <see cref="WriteNodes"/> wrote into a new native forest (the caller validates and owns it).</summary>
    internal static NativeForest ReadNodes(ref ModelReader reader, int features, int outputs)
    {
        var starts = reader.Values<int>();
        if (starts.Length < 2) throw ModelReader.Bad($"a forest needs at least one tree, the tree table has {starts.Length} entries");
        if (starts[0] != 0) throw ModelReader.Bad($"the forest's tree table starts at {starts[0]}, not 0");
        long n = starts[^1];   // ValidateNodes checks the rest of the table once the nodes are read
        var feature = reader.Values<int>(n, "forest node features");
        var threshold = reader.Values<float>(n, "forest node thresholds");
        var left = reader.Values<int>(n, "forest left children");
        var right = reader.Values<int>(n, "forest right children");
        var leafOffset = reader.Values<int>(n, "forest leaf offsets");
        var leafValues = reader.Values<float>();
        var forest = new NativeForest(features, outputs);
        try
        {
            var nodes = forest.Nodes.Append((int)n);
            for (int i = 0; i < n; i++)
            {
                bool leaf = feature[i] < 0;
                if (leaf ? feature[i] != -1 || left[i] != -1 || right[i] != -1 : leafOffset[i] != -1)
                    throw ModelReader.Bad(leaf ? $"forest leaf {i} has children" : $"forest node {i} is internal but has leaf values");
                nodes[i] = leaf ? ForestNode.NewLeaf(leafOffset[i]) : new ForestNode(feature[i], threshold[i], left[i], right[i]);
            }
            forest.LeafValues.AddRange(leafValues);
            foreach (int end in starts[1..]) forest.EndTreeAt(end);
            forest.TrimExcess();
            return forest;
        }
        catch
        {
            forest.Dispose();
            throw;
        }
    }

    /// <summary>Every rule of <see cref="NativeForest"/>, so no walk can leave the arrays or loop.</summary>
    private static void Validate(NativeForest forest, TaskKind task)
    {
        if (task is not (TaskKind.Regression or TaskKind.Classification))
            throw new ModelFormatException($"a forest cannot serve the task {TaskNames.Name(task)}");
        if (task == TaskKind.Regression ? forest.NumOutputs != 1 : forest.NumOutputs < 2)
            throw ModelReader.Bad($"a {TaskNames.Name(task)} forest with {forest.NumOutputs} outputs");
        ValidateNodes(forest);
        foreach (float v in forest.LeafValues.AsSpan())
            if (task == TaskKind.Classification && v is < 0 or > 1)
                throw ModelReader.Bad($"forest leaf value {v} is not a probability");
    }

    /// <summary>The structural rules (features, children, reachability, leaf offsets) and finite leaf values.</summary>
    internal static void ValidateNodes(NativeForest forest)
    {
        if (forest.NumFeatures < 1) throw ModelReader.Bad($"forest feature count {forest.NumFeatures}");
        if (forest.NumOutputs < 1) throw ModelReader.Bad($"forest output count {forest.NumOutputs}");
        var nodes = forest.Nodes.AsSpan();
        var starts = forest.TreeStarts;
        var leafValues = forest.LeafValues.AsSpan();
        int n = nodes.Length, k = forest.NumOutputs, values = leafValues.Length;
        if (starts.Length < 2 || starts[0] != 0 || starts[^1] != n)
            throw ModelReader.Bad($"the forest's tree table does not cover its {n} nodes");
        if (values % k != 0) throw ModelReader.Bad($"{values} leaf values is not a multiple of {k} outputs");
        var parents = new NativeList<byte>(n);
        try
        {
            var parentCount = parents.Append(n);
            parentCount.Clear();
            for (int t = 0; t + 1 < starts.Length; t++)
            {
                int start = starts[t], end = starts[t + 1];
                if (end <= start) throw ModelReader.Bad($"forest tree {t} is empty or out of order");
                for (int i = start; i < end; i++)
                {
                    var node = nodes[i];
                    if (node.IsLeaf)
                    {
                        if (node.Feature != -1 || node.Right != -1) throw ModelReader.Bad($"forest leaf {i} has children");
                        if (node.Left < 0 || node.Left > values - k || node.Left % k != 0)
                            throw ModelReader.Bad($"forest leaf {i} has value offset {node.Left} outside its {values} values");
                        continue;
                    }
                    if (node.Feature >= forest.NumFeatures) throw ModelReader.Bad($"forest node {i} tests feature {node.Feature} of {forest.NumFeatures}");
                    if (float.IsNaN(node.Threshold)) throw ModelReader.Bad($"forest node {i} has a NaN threshold");
                    foreach (int child in (ReadOnlySpan<int>)[node.Left, node.Right])
                    {
                        if (child <= i || child >= end) throw ModelReader.Bad($"forest node {i} has child {child} outside {i + 1}..{end - 1}");
                        if (parentCount[child]++ != 0) throw ModelReader.Bad($"forest node {child} has two parents");
                    }
                }
                for (int i = start + 1; i < end; i++)
                    if (parentCount[i] != 1) throw ModelReader.Bad($"forest node {i} is not reachable from its tree's root");
            }
        }
        finally
        {
            parents.Dispose();
        }
        foreach (float v in leafValues)
            if (!float.IsFinite(v)) throw ModelReader.Bad($"forest leaf value {v} is not a finite number");
    }
}
