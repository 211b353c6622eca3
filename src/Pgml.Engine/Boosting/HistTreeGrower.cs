using System.Runtime.InteropServices;
using Pgml.Engine.Forest;

namespace Pgml.Engine.Boosting;

/// <summary>The shape of hist_gradient_boosting's trees (scikit-learn's TreeGrower arguments).</summary>
internal sealed record HistTreeShape(int MaxLeafNodes, int? MaxDepth, int MinSamplesLeaf, double L2Regularization);

/// <summary>
/// Grows one tree of hist_gradient_boosting on binned rows, as scikit-learn 1.2's TreeGrower does: best-first (the
/// splittable leaf of largest gain is split next) until max_leaf_nodes leaves, from histograms of the gradients and
/// hessians per feature and bin. A node's split is the bin boundary of largest gain
/// G_L² / (H_L + λ) + G_R² / (H_R + λ) − G² / (H + λ) (strictly above 0, features and bins scanned in order, the first
/// of equal gains kept), with at least min_samples_leaf rows and a hessian sum of 1e-3 on each side. The smaller
/// child's histogram is built from its rows, the larger one's is the parent's minus it (scikit-learn's subtraction).
/// Leaves are −learning_rate × G / (H + λ + 1e-15); the tree is appended to a <see cref="NativeForest"/> with the real
/// thresholds (rounded down to float32, see <see cref="TreeGrower.RoundDown"/>), nodes numbered in preorder.
/// </summary>
internal sealed unsafe class HistTreeGrower : IDisposable
{
    private const double MinHessianToSplit = 1e-3;

    private readonly HistBinner _bins;
    private readonly HistTreeShape _shape;
    private readonly int _features, _maxBins;
    private readonly int* _partition;     // the rows, a node is a range
    private readonly int* _scratch;
    private readonly Action _checkInterrupts;

    public HistTreeGrower(HistBinner bins, HistTreeShape shape, Action checkInterrupts)
    {
        _bins = bins;
        _shape = shape;
        _features = bins.Features;
        _maxBins = Enumerable.Range(0, _features).Select(bins.BinsOf).DefaultIfEmpty(1).Max();
        _partition = (int*)NativeMemory.Alloc((nuint)bins.Rows, sizeof(int));
        _scratch = (int*)NativeMemory.Alloc((nuint)bins.Rows, sizeof(int));
        _checkInterrupts = checkInterrupts;
    }

    private struct Bin
    {
        public double G, H;
        public int Count;
    }

    private sealed class Node
    {
        public int Start, End, Depth;
        public double G, H, Value;
        public Bin[]? Histogram;   // features × bins
        public double Gain = -1;
        public int Feature, BinThreshold, LeftCount;
        public double LeftG, LeftH;
        public Node? Left, Right;
        public int Count => End - Start;
    }

    /// <summary>Grows a tree on the rows' gradients and hessians (by row of the binner, float32 as scikit-learn keeps
    /// them); <paramref name="constantHessian"/> (squared error) means every hessian is 1. Appends it to
    /// <paramref name="output"/> and writes each row's leaf value offset into <paramref name="leafOf"/>.</summary>
    public void Grow(float* gradients, float* hessians, bool constantHessian, double learningRate, NativeForest output, int* leafOf)
    {
        _checkInterrupts();
        int n = _bins.Rows;
        for (int i = 0; i < n; i++) _partition[i] = i;
        var root = new Node { Start = 0, End = n, Depth = 0 };
        for (int i = 0; i < n; i++)
        {
            root.G += gradients[i];
            root.H += constantHessian ? 1 : hessians[i];
        }
        // scikit-learn starts the root at value 0: a tree that cannot split adds nothing, and the root's gain has no
        // −G²/(H + λ) term (the same constant for each of its candidate splits)
        root.Value = 0;
        var leaves = new List<Node>();
        var heap = new PriorityQueue<Node, (double, long)>();
        long order = 0;
        void Consider(Node node)
        {
            if (node.Histogram is not null) FindSplit(node);
            if (node.Gain <= 0) leaves.Add(node);
            else heap.Enqueue(node, (-node.Gain, order++));
        }
        if (n >= 2 * _shape.MinSamplesLeaf && root.H >= MinHessianToSplit)
        {
            root.Histogram = BuildHistogram(root, gradients, hessians, constantHessian);
            Consider(root);
        }
        else leaves.Add(root);

        int leafCount = 1;
        while (heap.TryDequeue(out var node, out _))
        {
            _checkInterrupts();
            var (left, right) = Split(node);
            leafCount++;
            if (leafCount == _shape.MaxLeafNodes)
            {
                leaves.Add(left);
                leaves.Add(right);
                while (heap.TryDequeue(out var rest, out _)) leaves.Add(rest);
                node.Histogram = null;
                break;
            }
            bool deep = _shape.MaxDepth is int d && left.Depth >= d;
            bool splitLeft = !deep && left.Count >= 2 * _shape.MinSamplesLeaf;
            bool splitRight = !deep && right.Count >= 2 * _shape.MinSamplesLeaf;
            if (splitLeft || splitRight)
            {
                // the smaller child from its rows, the other by subtraction from the parent
                bool leftSmaller = left.Count < right.Count;
                var small = leftSmaller ? left : right;
                var large = leftSmaller ? right : left;
                small.Histogram = BuildHistogram(small, gradients, hessians, constantHessian);
                large.Histogram = Subtract(node.Histogram!, small.Histogram);
            }
            node.Histogram = null;
            if (splitLeft) Consider(left); else leaves.Add(left);
            if (splitRight) Consider(right); else leaves.Add(right);
        }
        foreach (var leaf in leaves) leaf.Histogram = null;
        Write(root, learningRate, output, leafOf);
    }

    private double Value(double g, double h) => -g / (h + _shape.L2Regularization + 1e-15);

    private Bin[] BuildHistogram(Node node, float* gradients, float* hessians, bool constantHessian)
    {
        var hist = new Bin[_features * _maxBins];
        int n = _bins.Rows;
        for (int f = 0; f < _features; f++)
        {
            byte* column = _bins.Binned + (long)f * n;
            int offset = f * _maxBins;
            for (int i = node.Start; i < node.End; i++)
            {
                int r = _partition[i];
                ref var b = ref hist[offset + column[r]];
                b.G += gradients[r];
                b.H += constantHessian ? 1 : hessians[r];
                b.Count++;
            }
        }
        return hist;
    }

    private static Bin[] Subtract(Bin[] parent, Bin[] child)
    {
        var hist = new Bin[parent.Length];
        for (int i = 0; i < hist.Length; i++)
        {
            hist[i].G = parent[i].G - child[i].G;
            hist[i].H = parent[i].H - child[i].H;
            hist[i].Count = parent[i].Count - child[i].Count;
        }
        return hist;
    }

    /// <summary>scikit-learn's left-to-right scan of each feature's bins (no missing values here).</summary>
    private void FindSplit(Node node)
    {
        var hist = node.Histogram!;
        double current = node.G * node.Value;
        int minLeaf = _shape.MinSamplesLeaf, n = node.Count;
        node.Gain = -1;
        for (int f = 0; f < _features; f++)
        {
            int offset = f * _maxBins, end = _bins.BinsOf(f) - 1;
            double gL = 0, hL = 0;
            int nL = 0;
            for (int b = 0; b < end; b++)
            {
                ref var bin = ref hist[offset + b];
                nL += bin.Count;
                hL += bin.H;
                gL += bin.G;
                int nR = n - nL;
                double hR = node.H - hL, gR = node.G - gL;
                if (nL < minLeaf) continue;
                if (nR < minLeaf) break;
                if (hL < MinHessianToSplit) continue;
                if (hR < MinHessianToSplit) break;
                double gain = current - gL * Value(gL, hL) - gR * Value(gR, hR);
                if (gain > node.Gain && gain > 0)
                {
                    node.Gain = gain;
                    node.Feature = f;
                    node.BinThreshold = b;
                    node.LeftCount = nL;
                    node.LeftG = gL;
                    node.LeftH = hL;
                }
            }
        }
    }

    /// <summary>Partitions the node's rows (stable) by its split and makes its two children.</summary>
    private (Node, Node) Split(Node node)
    {
        byte* column = _bins.Binned + (long)node.Feature * _bins.Rows;
        int nL = 0, nR = 0;
        for (int i = node.Start; i < node.End; i++)
        {
            int r = _partition[i];
            if (column[r] <= node.BinThreshold) _partition[node.Start + nL++] = r;
            else _scratch[nR++] = r;
        }
        new ReadOnlySpan<int>(_scratch, nR).CopyTo(new Span<int>(_partition + node.Start + nL, nR));
        if (nL != node.LeftCount) throw new InvalidOperationException($"hist split put {nL} rows left, the histogram counted {node.LeftCount}");
        int middle = node.Start + nL;
        node.Left = new Node { Start = node.Start, End = middle, Depth = node.Depth + 1, G = node.LeftG, H = node.LeftH };
        node.Right = new Node { Start = middle, End = node.End, Depth = node.Depth + 1, G = node.G - node.LeftG, H = node.H - node.LeftH };
        node.Left.Value = Value(node.Left.G, node.Left.H);
        node.Right.Value = Value(node.Right.G, node.Right.H);
        return (node.Left, node.Right);
    }

    /// <summary>Appends the tree in preorder: splits with their real thresholds, leaves with learning_rate × value.</summary>
    private void Write(Node root, double learningRate, NativeForest output, int* leafOf)
    {
        var stack = new Stack<(Node Node, int Parent, bool IsLeft)>();
        stack.Push((root, -1, false));
        Span<float> value = stackalloc float[1];
        while (stack.Count > 0)
        {
            var (node, parent, isLeft) = stack.Pop();
            int index = output.AddNode();
            if (parent >= 0) output.SetChild(parent, index, isLeft);
            if (node.Left is null)
            {
                value[0] = (float)(learningRate * node.Value);
                int offset = (int)output.LeafValues.Count;
                output.SetLeaf(index, value);
                for (int i = node.Start; i < node.End; i++) leafOf[_partition[i]] = offset;
                continue;
            }
            output.SetSplit(index, node.Feature, TreeGrower.RoundDown(_bins.Thresholds[node.Feature][node.BinThreshold]));
            stack.Push((node.Right!, index, false));
            stack.Push((node.Left, index, true));
        }
        output.EndTree();
    }

    public void Dispose()
    {
        NativeMemory.Free(_partition);
        NativeMemory.Free(_scratch);
    }
}
