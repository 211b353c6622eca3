using System.Runtime.InteropServices;
using Pgml.Engine.Data;

namespace Pgml.Engine.Forest;

/// <summary>
/// One node of a forest, 16 bytes. An internal node sends a row left when row[Feature] &lt;= Threshold (float32
/// compare) to Left, else to Right, both node indices after it in its tree; a leaf has Feature = -1, Right = -1 and
/// Left = the offset of its NumOutputs values in the forest's leaf values.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct ForestNode(int Feature, float Threshold, int Left, int Right)
{
    public bool IsLeaf => Feature < 0;

    public static ForestNode NewLeaf(int leafOffset) => new(-1, 0f, leafOffset, -1);
}

/// <summary>
/// Every tree of a forest in one node array and one leaf-value array, both in native memory: a forest grown on a
/// million rows has millions of nodes (9.5M, 171 MB, for 10 fully grown regression trees on 750k rows), which would
/// not fit beside the model's bytes under a backend's managed heap limit. Tree t's nodes are
/// [TreeStarts[t], TreeStarts[t + 1]) and its root is the first of them. Training appends trees into it, the predictor
/// walks it, the model format stores it; nodes are numbered in preorder (depth-first growth), like scikit-learn's.
/// </summary>
internal sealed class NativeForest(int numFeatures, int numOutputs) : IDisposable
{
    private readonly List<int> _treeStarts = [0];

    public int NumFeatures { get; } = numFeatures;
    public int NumOutputs { get; } = numOutputs;
    public NativeList<ForestNode> Nodes { get; } = new(1 << 16);
    public NativeList<float> LeafValues { get; } = new(1 << 16);

    public int NumTrees => _treeStarts.Count - 1;
    public int NumNodes => (int)Nodes.Count;
    public ReadOnlySpan<int> TreeStarts => CollectionsMarshal.AsSpan(_treeStarts);

    /// <summary>A new node, a leaf without values until <see cref="SetSplit"/> or <see cref="SetLeaf"/>; returns its index.</summary>
    public int AddNode()
    {
        if (Nodes.Count == int.MaxValue - 1)
            throw new InvalidDataException("the forest has more than 2^31 nodes", "Use fewer or smaller trees (n_estimators, max_depth, min_samples_leaf, max_leaf_nodes).");
        Nodes.Add(ForestNode.NewLeaf(-1));
        return NumNodes - 1;
    }

    public void SetSplit(int node, int feature, float threshold) => Nodes[node] = Nodes[node] with { Feature = feature, Threshold = threshold };

    public void SetChild(int parent, int child, bool isLeft) =>
        Nodes[parent] = isLeft ? Nodes[parent] with { Left = child } : Nodes[parent] with { Right = child };

    public void SetLeaf(int node, ReadOnlySpan<float> values)
    {
        if (LeafValues.Count + values.Length > int.MaxValue)
            throw new InvalidDataException("the forest's leaf values exceed 2^31 numbers", "Use fewer or smaller trees (n_estimators, max_depth, min_samples_leaf, max_leaf_nodes).");
        Nodes[node] = ForestNode.NewLeaf((int)LeafValues.Count);
        LeafValues.AddRange(values);
    }

    /// <summary>Ends the tree being appended: the nodes added since the last call are its nodes.</summary>
    public void EndTree() => EndTreeAt(NumNodes);

    /// <summary>Ends a tree at a given node (loading a stored forest, whose nodes are added all at once).</summary>
    internal void EndTreeAt(int end) => _treeStarts.Add(end);

    /// <summary>Removes the last tree, its nodes and leaf values (AdaBoost drops a tree whose error ends the boosting).</summary>
    public void DropLastTree()
    {
        if (NumTrees == 0) throw new InvalidOperationException("the forest has no tree to drop");
        int start = _treeStarts[^2];
        int values = (int)LeafValues.Count;
        for (int i = start; i < NumNodes; i++)
            if (Nodes[i].IsLeaf) values = Math.Min(values, Nodes[i].Left);
        Nodes.Truncate(start);
        LeafValues.Truncate(values);
        _treeStarts.RemoveAt(_treeStarts.Count - 1);
    }

    /// <summary>After the last tree: gives the unused capacity back.</summary>
    public void TrimExcess()
    {
        Nodes.TrimExcess();
        LeafValues.TrimExcess();
    }

    public void Dispose()
    {
        Nodes.Dispose();
        LeafValues.Dispose();
    }
}

/// <summary>
/// A forest as separate managed arrays, one per field, the way model format "forest" v1 lays them out: for tests and
/// inspection of small forests (<see cref="ForestPredictor.ToLayout"/>); internal nodes have LeafOffset = -1, leaves
/// Feature = Left = Right = -1.
/// </summary>
internal sealed class ForestLayout
{
    public required int NumFeatures { get; init; }
    public required int NumOutputs { get; init; }
    public required int[] TreeStarts { get; init; }
    public required int[] Feature { get; init; }
    public required float[] Threshold { get; init; }
    public required int[] Left { get; init; }
    public required int[] Right { get; init; }
    public required int[] LeafOffset { get; init; }
    public required float[] LeafValues { get; init; }

    public int NumTrees => TreeStarts.Length - 1;
    public int NumNodes => Feature.Length;
}
