using System.Runtime.CompilerServices;
using Pgml.Engine.Algorithms;

namespace Pgml.Engine.Neighbors;

/// <summary>
/// A KD tree over float32 rows, searched exactly for the k nearest rows to a query, without allocating.
/// </summary>
/// <remarks>
/// <para>Shape (as scikit-learn's KDTree): a complete binary tree of <see cref="Levels"/> levels, node i's children are
/// 2i + 1 and 2i + 2, and each node owns a contiguous range of the rows as stored: the root all n rows, a node's left child
/// the first half of its range (floor), the right child the rest. Levels = 1 + floor(log2(max(1, (n - 1) / leaf_size))),
/// so a leaf holds at most about leaf_size rows and at least one. The shape depends only on n and leaf_size, so a model
/// stores no nodes: only the rows in tree order and each row's original index.</para>
/// <para>Training (<see cref="Build"/>) orders the rows: each internal node splits its range at the median of the
/// feature with the largest spread (max - min) in the range (a linear-time selection). Loading recomputes each node's
/// bounding box (min and max of every feature) in one pass over the rows (bottom-up), so the search is exact whatever
/// order the stored rows are in.</para>
/// <para>Search: depth first, the nearer child first, a preallocated max-heap of the k best (distance, original row)
/// pairs and a preallocated stack of nodes with their boxes' lower bounds; a node whose box is farther than the current
/// k-th distance is skipped, and a row's distance sum stops early once it exceeds it. Distances are computed in double
/// from the float32 values, the box bound with the same operations in the same order as a row's distance, so rounding
/// can never make the bound exceed the distance of a row inside the box, and the neighbours are exactly those of a
/// brute-force scan. Ties at equal distance go to the lower original row number (the earlier training row), so the
/// result does not depend on the tree.</para>
/// </remarks>
internal sealed class KdTree
{
    private readonly float[] _lo, _hi;
    private readonly int[] _start, _end;

    private KdTree(int features, int leafSize, float[] data, int[] original, float[]? lo = null, float[]? hi = null)
    {
        Rows = original.Length;
        Features = features;
        LeafSize = leafSize;
        Data = data;
        Original = original;
        Levels = LevelsFor(Rows, leafSize);
        Nodes = (1 << Levels) - 1;
        FirstLeaf = Nodes / 2;
        _start = new int[Nodes];
        _end = new int[Nodes];
        _end[0] = Rows;
        for (int i = 0; i < FirstLeaf; i++)
        {
            int mid = _start[i] + (_end[i] - _start[i]) / 2;
            _start[2 * i + 1] = _start[i];
            _end[2 * i + 1] = mid;
            _start[2 * i + 2] = mid;
            _end[2 * i + 2] = _end[i];
        }
        _lo = lo ?? new float[(long)Nodes * features];
        _hi = hi ?? new float[(long)Nodes * features];
        if (lo is null) ComputeBounds();
    }

    public int Rows { get; }
    public int Features { get; }
    public int LeafSize { get; }
    public int Levels { get; }
    public int Nodes { get; }
    public int FirstLeaf { get; }

    /// <summary>The rows in tree order, row-major.</summary>
    public float[] Data { get; }

    /// <summary>Each stored row's index among the training rows.</summary>
    public int[] Original { get; }

    public static int LevelsFor(int rows, int leafSize)
    {
        double ratio = Math.Max(1.0, (rows - 1) / (double)leafSize);
        return Math.Min(30, (int)Math.Log2(ratio) + 1);
    }

    /// <summary>Rows in tree order that the caller read back (a stored model); throws <see cref="ModelFormatException"/>
    /// for values that are not finite or an original index list that is not a permutation.</summary>
    public static KdTree FromStored(int features, int leafSize, float[] data, int[] original)
    {
        var seen = new bool[original.Length];
        foreach (int o in original)
        {
            if ((uint)o >= (uint)original.Length || seen[o]) throw ModelReader.Bad("knn's row order is not a permutation of its rows");
            seen[o] = true;
        }
        foreach (float v in data)
            if (!float.IsFinite(v)) throw ModelReader.Bad("knn's stored rows hold a value that is not finite");
        return new KdTree(features, leafSize, data, original);
    }

    /// <summary>Orders the training rows into a KD tree and copies them out (float32, tree order).</summary>
    public static unsafe KdTree Build(TrainingSet set, int leafSize)
    {
        int n = checked((int)set.TrainRows), d = set.NumFeatures;
        float* x = set.Features.Data;
        for (long i = 0; i < (long)n * d; i++)
            if (!float.IsFinite(x[i]))
                throw new InvalidDataException(
                    $"knn cannot use training row {i / d + 1}: feature {i % d + 1} is {(float.IsNaN(x[i]) ? "missing (NaN)" : "infinite")}",
                    "knn measures distances between rows and does not accept missing values: impute them (preprocess) or drop those rows.");

        var perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        int levels = LevelsFor(n, leafSize);
        int nodes = (1 << levels) - 1, firstLeaf = nodes / 2;
        var start = new int[nodes];
        var end = new int[nodes];
        end[0] = n;
        var keys = new float[n];
        var lo = new float[d];
        var hi = new float[d];
        long sinceCheck = 0;
        for (int node = 0; node < firstLeaf; node++)
        {
            int s = start[node], e = end[node], mid = s + (e - s) / 2;
            // about every 100,000 rows partitioned
            if ((sinceCheck += e - s) >= 100_000)
            {
                set.CheckInterrupts();
                sinceCheck = 0;
            }
            start[2 * node + 1] = s;
            end[2 * node + 1] = mid;
            start[2 * node + 2] = mid;
            end[2 * node + 2] = e;
            // the feature of largest spread in the range
            Array.Fill(lo, float.PositiveInfinity);
            Array.Fill(hi, float.NegativeInfinity);
            for (int i = s; i < e; i++)
            {
                float* row = x + (long)perm[i] * d;
                for (int j = 0; j < d; j++)
                {
                    float v = row[j];
                    if (v < lo[j]) lo[j] = v;
                    if (v > hi[j]) hi[j] = v;
                }
            }
            int dim = 0;
            double best = -1;
            for (int j = 0; j < d; j++)
            {
                double spread = (double)hi[j] - lo[j];
                if (spread > best)
                {
                    best = spread;
                    dim = j;
                }
            }
            for (int i = s; i < e; i++) keys[i] = x[(long)perm[i] * d + dim];
            Select(keys, perm, s, e, mid);
        }
        set.CheckInterrupts();
        var data = new float[(long)n * d];
        fixed (float* dst = data)
            for (int i = 0; i < n; i++)
                Buffer.MemoryCopy(x + (long)perm[i] * d, dst + (long)i * d, (long)d * sizeof(float), (long)d * sizeof(float));
        return new KdTree(d, leafSize, data, perm);
    }

    /// <summary>Reorders keys[lo..hi) (and perm alongside) so that keys[nth] is the value a sort would put there, with
    /// nothing greater before it and nothing smaller after it. Three-way partitions, so equal keys cost nothing.</summary>
    private static void Select(float[] keys, int[] perm, int lo, int hi, int nth)
    {
        while (hi - lo > 1)
        {
            float a = keys[lo], b = keys[lo + (hi - lo) / 2], c = keys[hi - 1];
            float pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
            int lt = lo, i = lo, gt = hi;
            while (i < gt)
            {
                float v = keys[i];
                if (v < pivot) Swap(keys, perm, lt++, i++);
                else if (v > pivot) Swap(keys, perm, i, --gt);
                else i++;
            }
            if (nth < lt) hi = lt;
            else if (nth >= gt) lo = gt;
            else return;
        }
    }

    private static void Swap(float[] keys, int[] perm, int i, int j)
    {
        (keys[i], keys[j]) = (keys[j], keys[i]);
        (perm[i], perm[j]) = (perm[j], perm[i]);
    }

    private void ComputeBounds()
    {
        int d = Features;
        for (int node = Nodes - 1; node >= 0; node--)
        {
            var lo = _lo.AsSpan(node * d, d);
            var hi = _hi.AsSpan(node * d, d);
            if (node >= FirstLeaf)
            {
                lo.Fill(float.PositiveInfinity);
                hi.Fill(float.NegativeInfinity);
                for (int i = _start[node]; i < _end[node]; i++)
                {
                    var row = Data.AsSpan(i * d, d);
                    for (int j = 0; j < d; j++)
                    {
                        lo[j] = Math.Min(lo[j], row[j]);
                        hi[j] = Math.Max(hi[j], row[j]);
                    }
                }
            }
            else
            {
                int l = 2 * node + 1, r = l + 1;
                for (int j = 0; j < d; j++)
                {
                    lo[j] = Math.Min(_lo[l * d + j], _lo[r * d + j]);
                    hi[j] = Math.Max(_hi[l * d + j], _hi[r * d + j]);
                }
            }
        }
    }

    /// <summary>The preallocated buffers of one search: reuse one per predictor (not thread-safe).</summary>
    public sealed class Searcher
    {
        private readonly KdTree _tree;
        private readonly bool _euclidean;
        private readonly double[] _query;
        private readonly double[] _heapDist;
        private readonly int[] _heapPos;
        private readonly int[] _stackNode;
        private readonly double[] _stackBound;

        public Searcher(KdTree tree, int k, KnnMetric metric)
        {
            if (k < 1 || k > tree.Rows) throw new ArgumentOutOfRangeException(nameof(k));
            _tree = tree;
            K = k;
            _euclidean = metric == KnnMetric.Euclidean;
            _query = new double[tree.Features];
            _heapDist = new double[k];
            _heapPos = new int[k];
            _stackNode = new int[tree.Levels + 2];
            _stackBound = new double[tree.Levels + 2];
        }

        public int K { get; }

        /// <summary>Row distances computed by searches so far (a measure of how much of the data a search reads).</summary>
        public long DistanceEvaluations { get; private set; }

        /// <summary>After <see cref="Search"/>: the neighbours' positions in tree order, nearest first.</summary>
        public ReadOnlySpan<int> Positions => _heapPos;

        /// <summary>After <see cref="Search"/>: the neighbours' reduced distances (squared for euclidean), nearest first.</summary>
        public ReadOnlySpan<double> ReducedDistances => _heapDist;

        /// <summary>Finds the k nearest stored rows to <paramref name="x"/> (finite values), sorted nearest first.</summary>
        public unsafe void Search(ReadOnlySpan<float> x)
        {
            var tree = _tree;
            int d = tree.Features, k = K, count = 0, sp = 0;
            var q = _query;
            for (int j = 0; j < d; j++) q[j] = x[j];
            var heapDist = _heapDist;
            var heapPos = _heapPos;
            var original = tree.Original;
            var data = tree.Data;
            long evaluations = 0;
            _stackNode[0] = 0;
            _stackBound[0] = BoxDistance(0);
            sp = 1;
            while (sp > 0)
            {
                sp--;
                int node = _stackNode[sp];
                if (count == k && _stackBound[sp] > heapDist[0]) continue;
                if (node >= tree.FirstLeaf)
                {
                    int end = tree._end[node];
                    fixed (float* rows = data)
                    fixed (double* qp = q)
                    {
                        for (int pos = tree._start[node]; pos < end; pos++)
                        {
                            evaluations++;
                            float* row = rows + (long)pos * d;
                            double dist = 0;
                            // the whole sum, in feature order (the box bound's order); a partial sum past the k-th
                            // distance stops early every 8 features
                            int j = 0;
                            if (_euclidean)
                            {
                                while (j < d)
                                {
                                    int stop = Math.Min(d, j + 8);
                                    for (; j < stop; j++)
                                    {
                                        double diff = row[j] - qp[j];
                                        dist += diff * diff;
                                    }
                                    if (count == k && dist > heapDist[0]) break;
                                }
                            }
                            else
                            {
                                while (j < d)
                                {
                                    int stop = Math.Min(d, j + 8);
                                    for (; j < stop; j++) dist += Math.Abs(row[j] - qp[j]);
                                    if (count == k && dist > heapDist[0]) break;
                                }
                            }
                            if (count < k)
                            {
                                SiftUp(count, dist, pos);
                                count++;
                            }
                            else if (dist < heapDist[0] || (dist == heapDist[0] && original[pos] < original[heapPos[0]]))
                            {
                                SiftDown(count, dist, pos);
                            }
                        }
                    }
                }
                else
                {
                    int l = 2 * node + 1, r = l + 1;
                    double bl = BoxDistance(l), br = BoxDistance(r);
                    double worst = count == k ? heapDist[0] : double.PositiveInfinity;
                    // push the farther child first, so the nearer one is searched first
                    if (bl <= br)
                    {
                        if (br <= worst) Push(ref sp, r, br);
                        if (bl <= worst) Push(ref sp, l, bl);
                    }
                    else
                    {
                        if (bl <= worst) Push(ref sp, l, bl);
                        if (br <= worst) Push(ref sp, r, br);
                    }
                }
            }
            DistanceEvaluations += evaluations;
            // heap sort: nearest first
            for (int n = k - 1; n > 0; n--)
            {
                double topDist = heapDist[0];
                int topPos = heapPos[0];
                SiftDown(n, heapDist[n], heapPos[n]);
                heapDist[n] = topDist;
                heapPos[n] = topPos;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Push(ref int sp, int node, double bound)
        {
            _stackNode[sp] = node;
            _stackBound[sp] = bound;
            sp++;
        }

        /// <summary>The reduced distance from the query to the node's box (0 inside), computed as a row's distance is.</summary>
        private double BoxDistance(int node)
        {
            int d = _tree.Features;
            var lo = _tree._lo.AsSpan(node * d, d);
            var hi = _tree._hi.AsSpan(node * d, d);
            var q = _query;
            double sum = 0;
            for (int j = 0; j < d; j++)
            {
                double v = q[j], diff = 0;
                if (v < lo[j]) diff = lo[j] - v;
                else if (v > hi[j]) diff = v - hi[j];
                sum += _euclidean ? diff * diff : diff;
            }
            return sum;
        }

        /// <summary>Whether (da, row a) ranks after (db, row b): farther, or as far and a later training row.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private bool After(double da, int pa, double db, int pb) =>
            da > db || (da == db && _tree.Original[pa] > _tree.Original[pb]);

        private void SiftUp(int i, double dist, int pos)
        {
            while (i > 0)
            {
                int parent = (i - 1) / 2;
                if (!After(dist, pos, _heapDist[parent], _heapPos[parent])) break;
                _heapDist[i] = _heapDist[parent];
                _heapPos[i] = _heapPos[parent];
                i = parent;
            }
            _heapDist[i] = dist;
            _heapPos[i] = pos;
        }

        /// <summary>Replaces the top of the heap of <paramref name="count"/> entries and restores the order.</summary>
        private void SiftDown(int count, double dist, int pos)
        {
            int i = 0;
            while (true)
            {
                int child = 2 * i + 1;
                if (child >= count) break;
                if (child + 1 < count && After(_heapDist[child + 1], _heapPos[child + 1], _heapDist[child], _heapPos[child])) child++;
                if (!After(_heapDist[child], _heapPos[child], dist, pos)) break;
                _heapDist[i] = _heapDist[child];
                _heapPos[i] = _heapPos[child];
                i = child;
            }
            _heapDist[i] = dist;
            _heapPos[i] = pos;
        }
    }
}
