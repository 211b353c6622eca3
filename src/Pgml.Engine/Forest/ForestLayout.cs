namespace Pgml.Engine.Forest;

/// <summary>
/// Every tree of a forest flattened into shared arrays, the form training produces, the model format stores and the
/// predictor evaluates. Tree t's nodes are [TreeStarts[t], TreeStarts[t + 1]) and its root is the first of them. An
/// internal node i sends a row left when row[Feature[i]] &lt;= Threshold[i] (float32 compare) to Left[i], else to
/// Right[i], both &gt; i and inside the tree (so walking a tree always ends); a leaf has Feature = Left = Right = -1 and
/// its NumOutputs values at LeafValues[LeafOffset[i] ..]: the mean target (regression) or the class probabilities
/// (classification). Internal nodes have LeafOffset = -1.
/// </summary>
public sealed class ForestLayout
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

/// <summary>Collects trees as they are grown into the arrays of a <see cref="ForestLayout"/>.</summary>
internal sealed class ForestLayoutBuilder(int numFeatures, int numOutputs)
{
    private readonly List<int> _treeStarts = [0];
    private readonly List<int> _feature = [], _left = [], _right = [], _leafOffset = [];
    private readonly List<float> _threshold = [], _leafValues = [];

    public int Count => _feature.Count;
    public int TreeStart => _treeStarts[^1];

    /// <summary>A new node, a leaf until <see cref="SetSplit"/>; returns its global index.</summary>
    public int AddNode()
    {
        if (_feature.Count == int.MaxValue - 1)
            throw new InvalidDataException("the forest has more than 2^31 nodes", "Use fewer or smaller trees (n_estimators, max_depth, min_samples_leaf, max_leaf_nodes).");
        _feature.Add(-1);
        _threshold.Add(0f);
        _left.Add(-1);
        _right.Add(-1);
        _leafOffset.Add(-1);
        return _feature.Count - 1;
    }

    public void SetSplit(int node, int feature, float threshold)
    {
        _feature[node] = feature;
        _threshold[node] = threshold;
    }

    public void SetChild(int parent, int child, bool isLeft)
    {
        if (isLeft) _left[parent] = child;
        else _right[parent] = child;
    }

    public void SetLeaf(int node, ReadOnlySpan<float> values)
    {
        if ((long)_leafValues.Count + values.Length > Array.MaxLength)
            throw new InvalidDataException("the forest's leaf values exceed 2^31 numbers", "Use fewer or smaller trees (n_estimators, max_depth, min_samples_leaf, max_leaf_nodes).");
        _leafOffset[node] = _leafValues.Count;
        foreach (float v in values) _leafValues.Add(v);
    }

    public void EndTree() => _treeStarts.Add(_feature.Count);

    public ForestLayout Build() => new()
    {
        NumFeatures = numFeatures,
        NumOutputs = numOutputs,
        TreeStarts = [.. _treeStarts],
        Feature = [.. _feature],
        Threshold = [.. _threshold],
        Left = [.. _left],
        Right = [.. _right],
        LeafOffset = [.. _leafOffset],
        LeafValues = [.. _leafValues],
    };
}
