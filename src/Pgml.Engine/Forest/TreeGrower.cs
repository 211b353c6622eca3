using Pgml.Engine.Algorithms;
using System.Runtime.InteropServices;

namespace Pgml.Engine.Forest;

/// <summary>
/// Grows CART trees on the training rows of a native float32 matrix, one at a time, into a
/// <see cref="NativeForest"/>. The rows are never copied: a tree works on an int32 array of row indices (its
/// in-bag rows, each once, with the bootstrap count as the row's weight, like scikit-learn's sample_weight), which each
/// split partitions in place, so a node is a range of that array. Scratch memory is native and sized by the row count
/// (about 30 bytes a row), shared by all trees.
/// </summary>
/// <remarks>
/// Splits follow scikit-learn 1.2's definitions. The best splitter (random_forest) sorts the node's values of each
/// candidate feature and tries every boundary between values more than 1e-7 apart (float32, like scikit-learn's
/// FEATURE_THRESHOLD), the random splitter (extra_trees) draws one threshold uniformly between the node's minimum and
/// maximum; the candidate features are drawn without replacement until max_features have been visited, features found
/// constant in the node counting as visited but not ending the search before one non-constant feature was seen, and
/// known-constant features are not drawn again below. Stopping rules: max_depth, min_samples_split, min_samples_leaf,
/// min_weight_leaf, a pure node (impurity &lt;= double epsilon), min_impurity_decrease, max_leaf_nodes (best-first).
///
/// Thresholds are stored as float32 but chosen in double (the midpoint of two neighbouring float32 values, or the
/// uniform draw); each is rounded DOWN to the largest float32 not above the double. For any float32 x, x &lt;= the double
/// exactly when x &lt;= the rounded-down float32, so the float32 comparison at prediction sends every row, training or
/// new, the same way as the double threshold did in training (and as scikit-learn's double threshold does).
/// </remarks>
internal sealed unsafe class TreeGrower : IDisposable
{
    private const float FeatureThreshold = 1e-7f;
    private const double Epsilon = 2.220446049250313e-16;   // scikit-learn's EPSILON, numpy's finfo(double).eps
    private const long CheckEvery = 100_000;

    private readonly float* _x;
    private readonly int _cols;
    private readonly float* _labels;
    private readonly long _rows;
    private readonly int _classes;          // 0 for regression
    private readonly bool _random;          // extra trees: one random threshold per feature
    private readonly ResolvedForestParameters _p;
    private readonly Action _checkInterrupts;
    private readonly NativeForest _out;

    // Native scratch, one slot per training row.
    private readonly int* _samples;     // the tree's rows; a node is a range
    private readonly double* _weight;   // by row: bootstrap count, or a given weight (0 = not in the tree)
    private readonly ulong* _sort;      // (float32 sort key << 32) | position in the node
    private readonly ulong* _sortTmp;   // the radix sort's other buffer
    private readonly int* _tmp;         // right-hand rows during a stable partition
    private readonly float* _nodeY;     // by position: the node's targets (regression) ...
    private readonly int* _nodeClass;   // ... or classes (classification)
    private readonly double* _nodeW;    // by position: the node's weights
    private readonly float* _xf;        // by position: one feature's values (extra trees)

    private int[] _features;
    private readonly double[] _xlnx;    // x ln x for integer weights (entropy)
    private readonly double[] _total, _left, _right, _scanLeft, _scanRight;
    private readonly float[] _leafValue;
    private SeededRandom _rng = new(0);   // replaced by each tree's own stream in Grow
    private long _processed, _lastCheck;
    private bool _fractionalWeights;   // this tree's weights were given (Grow with weights), not counts
    private double _rootWeight;
    private int _treeSamples;

    public TreeGrower(float* x, int cols, float* labels, long rows, int classes, bool randomSplits, ResolvedForestParameters p,
        Action checkInterrupts, NativeForest output)
    {
        _x = x;
        _cols = cols;
        _labels = labels;
        _rows = rows;
        _classes = classes;
        _random = randomSplits;
        _p = p;
        _checkInterrupts = checkInterrupts;
        _out = output;
        nuint n = (nuint)rows;
        _samples = (int*)NativeMemory.Alloc(n, sizeof(int));
        _weight = (double*)NativeMemory.Alloc(n, sizeof(double));
        _tmp = (int*)NativeMemory.Alloc(n, sizeof(int));
        _nodeW = (double*)NativeMemory.Alloc(n, sizeof(double));
        if (classes > 0) _nodeClass = (int*)NativeMemory.Alloc(n, sizeof(int));
        else _nodeY = (float*)NativeMemory.Alloc(n, sizeof(float));
        if (randomSplits) _xf = (float*)NativeMemory.Alloc(n, sizeof(float));
        else
        {
            _sort = (ulong*)NativeMemory.Alloc(n, sizeof(ulong));
            _sortTmp = (ulong*)NativeMemory.Alloc(n, sizeof(ulong));
        }
        _features = new int[cols];
        int k = Math.Max(classes, 1);
        _total = new double[k];
        _left = new double[k];
        _right = new double[k];
        _scanLeft = new double[k];
        _scanRight = new double[k];
        _leafValue = new float[k];
        if (classes > 0 && p.Criterion == ForestCriterion.Entropy)
        {
            // Weights are integers (bootstrap counts), so every class count is an integer up to the rows drawn.
            long maxWeight = p.SamplesPerTree ?? rows;
            _xlnx = new double[maxWeight + 1];
            for (long i = 1; i <= maxWeight; i++) _xlnx[i] = i * Math.Log(i);
        }
        else _xlnx = [];
    }

    /// <summary>Grows one tree with its own random stream and appends it to the output.</summary>
    /// <param name="inBag">The rows this tree is grown on, each once (gradient boosting's subsample, drawn without
    /// replacement); empty: the bootstrap of <see cref="ResolvedForestParameters.SamplesPerTree"/>, or every row.</param>
    /// <param name="features">The features this tree may split on (bagging's per-estimator subset); null: all.</param>
    public void Grow(ulong seed, ReadOnlySpan<bool> inBag = default, int[]? features = null)
    {
        _rng = new SeededRandom(seed);
        _checkInterrupts();
        _fractionalWeights = false;
        if (inBag.IsEmpty) DrawSamples();
        else UseSamples(inBag);
        if (features is not null) _features = [.. features];
        else
        {
            if (_features.Length != _cols) _features = new int[_cols];
            for (int f = 0; f < _cols; f++) _features[f] = f;
        }
        if (_p.MaxLeafNodes is int maxLeaves) GrowBestFirst(maxLeaves);
        else GrowDepthFirst();
        _out.EndTree();
    }

    /// <summary>Bootstrap: SamplesPerTree draws with replacement, each drawn row once with its count as weight.</summary>
    private void DrawSamples()
    {
        if (_p.SamplesPerTree is long draws)
        {
            new Span<double>(_weight, (int)_rows).Clear();
            for (long d = 0; d < draws; d++) _weight[_rng.Next(0, (int)_rows)]++;
        }
        else new Span<double>(_weight, (int)_rows).Fill(1);
        int m = 0;
        double total = 0;
        for (int r = 0; r < _rows; r++)
            if (_weight[r] > 0)
            {
                _samples[m++] = r;
                total += _weight[r];
            }
        _treeSamples = m;
        _rootWeight = total;
        _processed += _rows;
    }

    /// <summary>Grows one tree on rows weighted by <paramref name="weights"/> (scikit-learn's sample_weight: AdaBoost's
    /// boosting weights, or resampling counts); rows of weight 0 are left out. Gini and squared error only: entropy's
    /// table needs integer weights.</summary>
    public void Grow(ulong seed, ReadOnlySpan<double> weights)
    {
        if (weights.Length != _rows) throw new ArgumentException("weights needs one value per training row");
        if (_classes > 0 && _p.Criterion == ForestCriterion.Entropy) throw new InvalidOperationException("entropy needs integer weights");
        _rng = new SeededRandom(seed);
        _checkInterrupts();
        _fractionalWeights = true;
        int m = 0;
        double total = 0;
        for (int r = 0; r < _rows; r++)
        {
            _weight[r] = weights[r];
            if (weights[r] > 0)
            {
                _samples[m++] = r;
                total += weights[r];
            }
        }
        _treeSamples = m;
        _rootWeight = total;
        _processed += _rows;
        if (_features.Length != _cols) _features = new int[_cols];
        for (int f = 0; f < _cols; f++) _features[f] = f;
        if (_p.MaxLeafNodes is int maxLeaves) GrowBestFirst(maxLeaves);
        else GrowDepthFirst();
        _out.EndTree();
    }

    private void UseSamples(ReadOnlySpan<bool> inBag)
    {
        if (inBag.Length != _rows) throw new ArgumentException("inBag needs one value per training row");
        int m = 0;
        for (int r = 0; r < _rows; r++)
        {
            _weight[r] = inBag[r] ? 1 : 0;
            if (inBag[r]) _samples[m++] = r;
        }
        _treeSamples = m;
        _rootWeight = m;
        _processed += _rows;
    }

    private readonly record struct Pending(int Start, int End, int Depth, int Parent, bool IsLeft, int Constants);

    private void GrowDepthFirst()
    {
        var stack = new Stack<Pending>();
        stack.Push(new Pending(0, _treeSamples, 0, -1, false, 0));
        while (stack.Count > 0)
        {
            var (start, end, depth, parent, isLeft, constants) = stack.Pop();
            int node = _out.AddNode();
            if (parent >= 0) _out.SetChild(parent, node, isLeft);
            var split = Evaluate(start, end, depth, ref constants);
            if (split.Position < 0)
            {
                SetLeafValue(node);
                continue;
            }
            _out.SetSplit(node, split.Feature, split.Threshold);
            // Right first so the left child is grown first: nodes are numbered in preorder, like scikit-learn's.
            stack.Push(new Pending(split.Position, end, depth + 1, node, false, constants));
            stack.Push(new Pending(start, split.Position, depth + 1, node, true, constants));
            CheckProgress();
        }
    }

    private sealed record Frontier(int Node, int Start, int End, int Depth, Split Split, float[] Value);

    /// <summary>max_leaf_nodes: expand the pending node whose split improves impurity most, until the leaves run out.</summary>
    private void GrowBestFirst(int maxLeaves)
    {
        var frontier = new PriorityQueue<Frontier, (double, long)>();
        long order = 0;
        Frontier Add(int start, int end, int depth)
        {
            int node = _out.AddNode();
            int constants = 0;   // no inheritance: nodes are not expanded in a stack order
            var split = Evaluate(start, end, depth, ref constants);
            return new Frontier(node, start, end, depth, split, [.. _leafValue.AsSpan(0, Math.Max(_classes, 1))]);
        }
        void Push(Frontier f) => frontier.Enqueue(f, (f.Split.Position < 0 ? 0 : -f.Split.Improvement, order++));

        Push(Add(0, _treeSamples, 0));
        int splitsLeft = maxLeaves - 1;
        while (frontier.TryDequeue(out var f, out _))
        {
            if (f.Split.Position < 0 || splitsLeft <= 0)
            {
                _out.SetLeaf(f.Node, f.Value);
                continue;
            }
            splitsLeft--;
            _out.SetSplit(f.Node, f.Split.Feature, f.Split.Threshold);
            var left = Add(f.Start, f.Split.Position, f.Depth + 1);
            _out.SetChild(f.Node, left.Node, true);
            var right = Add(f.Split.Position, f.End, f.Depth + 1);
            _out.SetChild(f.Node, right.Node, false);
            Push(left);
            Push(right);
            CheckProgress();
        }
    }

    /// <param name="Position">Where the node's range is cut (its rows are already partitioned there), or -1 for a leaf.</param>
    private readonly record struct Split(int Position, int Feature, float Threshold, double Improvement);

    private static readonly Split Leaf = new(-1, -1, 0, 0);

    /// <summary>
    /// The node's statistics (left in _total and _leafValue), the stopping rules, and the best split, whose rows are
    /// partitioned in place; -1 when the node stays a leaf.
    /// </summary>
    private Split Evaluate(int start, int end, int depth, ref int constants)
    {
        int m = end - start;
        double weight = GatherNode(start, end);
        double impurity = Impurity(_total, _sumSq, weight);
        FillLeafValue(weight);
        if (depth >= _p.MaxDepth || m < _p.MinSamplesSplit || m < 2 * _p.MinSamplesLeaf || weight < 2 * _p.MinWeightLeaf || impurity <= Epsilon)
            return Leaf;
        var best = _random ? FindRandomSplit(start, end, weight, ref constants) : FindBestSplit(start, end, weight, ref constants);
        if (best.Feature < 0) return Leaf;
        int position = Partition(start, end, best.Feature, best.Threshold, best.LeftCount);
        double improvement = Improvement(weight, impurity);
        if (improvement + Epsilon < _p.MinImpurityDecrease) return Leaf;   // the rows stay partitioned; harmless for a leaf
        return new Split(position, best.Feature, best.Threshold, improvement);
    }

    /// <summary>Copies the node's targets and weights next to each other (by position) and sums them into _total.</summary>
    private double GatherNode(int start, int end)
    {
        Array.Clear(_total);
        double weight = 0;
        if (_classes > 0)
        {
            for (int i = start; i < end; i++)
            {
                int r = _samples[i];
                double w = _weight[r];
                int c = (int)_labels[r];
                _nodeW[i] = w;
                _nodeClass[i] = c;
                _total[c] += w;
                weight += w;
            }
        }
        else
        {
            double sum = 0, sumSq = 0;
            for (int i = start; i < end; i++)
            {
                int r = _samples[i];
                double w = _weight[r];
                float y = _labels[r];
                _nodeW[i] = w;
                _nodeY[i] = y;
                weight += w;
                sum += w * (double)y;
                sumSq += w * (double)y * y;
            }
            _total[0] = sum;
            _sumSq = sumSq;
        }
        _processed += end - start;
        return weight;
    }

    private double _sumSq, _leftSumSq;

    private void FillLeafValue(double weight)
    {
        if (_classes > 0)
            for (int k = 0; k < _classes; k++) _leafValue[k] = (float)(_total[k] / weight);
        else _leafValue[0] = (float)(_total[0] / weight);
    }

    private void SetLeafValue(int node) => _out.SetLeaf(node, _leafValue.AsSpan(0, Math.Max(_classes, 1)));

    /// <summary>Gini, entropy (bits) or variance of a node: class counts, or the weighted target sum and sum of squares.</summary>
    private double Impurity(double[] sums, double sumSq, double weight)
    {
        if (_classes == 0)
        {
            double mean = sums[0] / weight;
            return sumSq / weight - mean * mean;
        }
        double result = _p.Criterion == ForestCriterion.Gini ? 1 : 0;
        for (int k = 0; k < _classes; k++)
        {
            double p = sums[k] / weight;
            if (_p.Criterion == ForestCriterion.Gini) result -= p * p;
            else if (p > 0) result -= p * Math.Log2(p);
        }
        return result;
    }

    private struct Candidate
    {
        public int Feature;
        public float Threshold;
        public int LeftCount;
        public double Proxy;
    }

    // --- random_forest: every boundary of the sorted values --------------------------------------------------------

    private Candidate FindBestSplit(int start, int end, double weight, ref int constants)
    {
        var best = new Candidate { Feature = -1, Proxy = double.NegativeInfinity };
        int m = end - start;
        ulong* sort = _sort + start;
        int* samples = _samples + start;
        var picker = new FeaturePicker(_features, constants, _p.MaxFeatures);
        while (picker.Next(_rng, out int f))
        {
            float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
            float* column = _x + f;
            for (int i = 0; i < m; i++)
            {
                float v = column[(long)samples[i] * _cols];
                if (v < lo) lo = v;
                if (v > hi) hi = v;
                sort[i] = ((ulong)SortKey(v) << 32) | (uint)i;
            }
            _processed += m;
            if (hi <= lo + FeatureThreshold)
            {
                picker.FoundConstant();
                continue;
            }
            picker.Accept();
            SortByKey(sort, m);
            if (_classes > 0) ScanClasses(start, m, weight, f, ref best);
            else ScanTargets(start, m, weight, f, ref best);
            CheckProgress();
        }
        constants = picker.Constants;
        return best;
    }

    private void ScanTargets(int start, int m, double weight, int f, ref Candidate best)
    {
        ulong* sort = _sort + start;
        float* y = _nodeY + start;
        double* w = _nodeW + start;
        double total = _total[0], wL = 0, sL = 0;
        int minLeaf = _p.MinSamplesLeaf;
        double minWeight = _p.MinWeightLeaf;
        float next = FromSortKey((uint)(sort[0] >> 32));
        for (int i = 0; i < m - 1; i++)
        {
            int j = (int)(uint)sort[i];
            float v = next;
            next = FromSortKey((uint)(sort[i + 1] >> 32));
            wL += w[j];
            sL += w[j] * (double)y[j];
            if (next <= v + FeatureThreshold) continue;
            int nL = i + 1;
            if (nL < minLeaf || m - nL < minLeaf) continue;
            double wR = weight - wL;
            if (wL < minWeight || wR < minWeight) continue;
            if (!(wR > 0 && wL > 0)) continue;   // see ScanClasses
            double sR = total - sL;
            // weighted variance decrease up to terms that are the same for every split of the node
            double proxy = sL * sL / wL + sR * sR / wR;
            if (proxy > best.Proxy) best = new Candidate { Feature = f, Threshold = Midpoint(v, next), LeftCount = nL, Proxy = proxy };
        }
    }

    private void ScanClasses(int start, int m, double weight, int f, ref Candidate best)
    {
        ulong* sort = _sort + start;
        int* cls = _nodeClass + start;
        double* w = _nodeW + start;
        double[] left = _scanLeft, right = _scanRight;
        Array.Clear(left);
        Array.Copy(_total, right, _classes);
        bool gini = _p.Criterion == ForestCriterion.Gini;
        // Gini: sum of squared counts per side. Entropy: sum of c ln c per side (weights are integers, so a table).
        double aL = 0, aR = 0, wL = 0;
        for (int k = 0; k < _classes; k++) aR += gini ? right[k] * right[k] : _xlnx[(long)right[k]];
        int minLeaf = _p.MinSamplesLeaf;
        double minWeight = _p.MinWeightLeaf;
        float next = FromSortKey((uint)(sort[0] >> 32));
        for (int i = 0; i < m - 1; i++)
        {
            int j = (int)(uint)sort[i];
            float v = next;
            next = FromSortKey((uint)(sort[i + 1] >> 32));
            int c = cls[j];
            double wj = w[j], a = left[c], b = right[c];
            if (gini)
            {
                aL += wj * (2 * a + wj);
                aR += wj * (wj - 2 * b);
            }
            else
            {
                aL += _xlnx[(long)(a + wj)] - _xlnx[(long)a];
                aR += _xlnx[(long)(b - wj)] - _xlnx[(long)b];
            }
            left[c] = a + wj;
            right[c] = b - wj;
            wL += wj;
            if (next <= v + FeatureThreshold) continue;
            int nL = i + 1;
            if (nL < minLeaf || m - nL < minLeaf) continue;
            double wR = weight - wL;
            if (wL < minWeight || wR < minWeight) continue;
            // a side whose weight rounds to 0 (given weights of 1e-18 beside 1e-2) is no split: its x / 0 would be an
            // infinite gain (scikit-learn's 0 × NaN compares false and skips it the same way)
            if (!(wR > 0 && wL > 0)) continue;
            if (_fractionalWeights && gini)
            {
                // Given weights span many magnitudes (AdaBoost's: 1e-18 to 1e-2): the running sums of squares lose
                // what a side of tiny weight has, and aR / wR would turn that rounding into a large bogus gain.
                // Summed again from the side's class weights, as scikit-learn does; integer weights are exact either way.
                aL = aR = 0;
                for (int k = 0; k < _classes; k++)
                {
                    aL += left[k] * left[k];
                    aR += right[k] * right[k];
                }
            }
            // -(wL * impurityL + wR * impurityR) up to terms that are the same for every split of the node
            double proxy = gini ? aL / wL + aR / wR : aL + aR - wL * Math.Log(wL) - wR * Math.Log(wR);
            if (proxy > best.Proxy) best = new Candidate { Feature = f, Threshold = Midpoint(v, next), LeftCount = nL, Proxy = proxy };
        }
    }

    /// <summary>
    /// Sorts by the upper 32 bits (the value), positions ascending among equal values: a least-significant-digit radix
    /// sort in three 11-bit passes (linear, where the node-by-node sorting of a big tree spends its time), skipping the
    /// passes whose digit is the same everywhere; small nodes use the library's sort of the whole 64 bits (same order).
    /// </summary>
    private void SortByKey(ulong* a, int m)
    {
        if (m < 256)
        {
            new Span<ulong>(a, m).Sort();
            return;
        }
        const int Bits = 11, Buckets = 1 << Bits, Mask = Buckets - 1;
        int* counts = stackalloc int[3 * Buckets];
        new Span<int>(counts, 3 * Buckets).Clear();
        for (int i = 0; i < m; i++)
        {
            uint k = (uint)(a[i] >> 32);
            counts[k & Mask]++;
            counts[Buckets + ((k >> Bits) & Mask)]++;
            counts[2 * Buckets + (k >> (2 * Bits))]++;
        }
        ulong* src = a, dst = _sortTmp;
        for (int pass = 0; pass < 3; pass++)
        {
            int* c = counts + pass * Buckets;
            int shift = 32 + pass * Bits;
            if (c[(int)((src[0] >> shift) & Mask)] == m) continue;   // one digit everywhere: the pass would not move anything
            int sum = 0;
            for (int b = 0; b < Buckets; b++)
            {
                int n = c[b];
                c[b] = sum;
                sum += n;
            }
            for (int i = 0; i < m; i++)
            {
                ulong e = src[i];
                dst[c[(int)((e >> shift) & Mask)]++] = e;
            }
            ulong* swap = src;
            src = dst;
            dst = swap;
        }
        if (src != a) Buffer.MemoryCopy(src, a, (long)m * sizeof(ulong), (long)m * sizeof(ulong));
    }

    /// <summary>Halfway between two neighbouring values (in double), rounded down to float32 (see the remarks).</summary>
    private static float Midpoint(float below, float above)
    {
        double mid = below / 2.0 + above / 2.0;
        if (mid == above || double.IsInfinity(mid)) mid = below;
        return RoundDown(mid);
    }

    /// <summary>The largest float32 that is not above <paramref name="v"/>.</summary>
    internal static float RoundDown(double v)
    {
        float f = (float)v;
        return f > v ? MathF.BitDecrement(f) : f;
    }

    /// <summary>float32 bits reordered so that unsigned order is numeric order (no NaN here).</summary>
    private static uint SortKey(float v)
    {
        uint b = BitConverter.SingleToUInt32Bits(v);
        return (b & 0x8000_0000u) != 0 ? ~b : b | 0x8000_0000u;
    }

    private static float FromSortKey(uint k) =>
        BitConverter.UInt32BitsToSingle((k & 0x8000_0000u) != 0 ? k & 0x7FFF_FFFFu : ~k);

    // --- extra_trees: one uniform threshold per feature ---------------------------------------------------------------

    private Candidate FindRandomSplit(int start, int end, double weight, ref int constants)
    {
        var best = new Candidate { Feature = -1, Proxy = double.NegativeInfinity };
        int m = end - start;
        int* samples = _samples + start;
        float* xf = _xf + start;
        var picker = new FeaturePicker(_features, constants, _p.MaxFeatures);
        while (picker.Next(_rng, out int f))
        {
            float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
            float* column = _x + f;
            for (int i = 0; i < m; i++)
            {
                float v = column[(long)samples[i] * _cols];
                if (v < lo) lo = v;
                if (v > hi) hi = v;
                xf[i] = v;
            }
            _processed += 2L * m;
            if (hi <= lo + FeatureThreshold)
            {
                picker.FoundConstant();
                continue;
            }
            picker.Accept();
            double u = lo + (hi - (double)lo) * _rng.NextDouble();
            if (u >= hi) u = lo;
            float threshold = RoundDown(u);
            var (nL, wL, proxy) = _classes > 0 ? RandomProxyClasses(start, m, weight, threshold) : RandomProxyTargets(start, m, weight, threshold);
            CheckProgress();
            if (nL < _p.MinSamplesLeaf || m - nL < _p.MinSamplesLeaf) continue;
            if (wL < _p.MinWeightLeaf || weight - wL < _p.MinWeightLeaf) continue;
            if (proxy > best.Proxy) best = new Candidate { Feature = f, Threshold = threshold, LeftCount = nL, Proxy = proxy };
        }
        constants = picker.Constants;
        return best;
    }

    private (int, double, double) RandomProxyTargets(int start, int m, double weight, float threshold)
    {
        float* xf = _xf + start, y = _nodeY + start;
        double* w = _nodeW + start;
        int nL = 0;
        double wL = 0, sL = 0;
        for (int i = 0; i < m; i++)
            if (xf[i] <= threshold)
            {
                nL++;
                wL += w[i];
                sL += w[i] * (double)y[i];
            }
        double sR = _total[0] - sL, wR = weight - wL;
        return (nL, wL, nL == 0 || nL == m ? double.NegativeInfinity : sL * sL / wL + sR * sR / wR);
    }

    private (int, double, double) RandomProxyClasses(int start, int m, double weight, float threshold)
    {
        float* xf = _xf + start;
        int* cls = _nodeClass + start;
        double* w = _nodeW + start;
        double[] left = _scanLeft;
        Array.Clear(left);
        int nL = 0;
        double wL = 0;
        for (int i = 0; i < m; i++)
            if (xf[i] <= threshold)
            {
                nL++;
                wL += w[i];
                left[cls[i]] += w[i];
            }
        if (nL == 0 || nL == m) return (nL, wL, double.NegativeInfinity);
        double wR = weight - wL;
        double aL = 0, aR = 0;
        bool gini = _p.Criterion == ForestCriterion.Gini;
        for (int k = 0; k < _classes; k++)
        {
            double r = _total[k] - left[k];
            aL += gini ? left[k] * left[k] : _xlnx[(long)left[k]];
            aR += gini ? r * r : _xlnx[(long)r];
        }
        return (nL, wL, gini ? aL / wL + aR / wR : aL + aR - wL * Math.Log(wL) - wR * Math.Log(wR));
    }

    // --- after the search --------------------------------------------------------------------------------------------

    /// <summary>
    /// Stable partition of the node's rows by the chosen split (rows keep their relative order, so later gathers read
    /// the matrix in increasing addresses), summing the left side's statistics into _left on the way.
    /// </summary>
    private int Partition(int start, int end, int feature, float threshold, int expectedLeft)
    {
        int nL = 0, nR = 0;
        Array.Clear(_left);
        double leftSumSq = 0, wL = 0;
        float* column = _x + feature;
        for (int i = start; i < end; i++)
        {
            int r = _samples[i];
            if (column[(long)r * _cols] <= threshold)
            {
                _samples[start + nL++] = r;
                double w = _nodeW[i];
                wL += w;
                if (_classes > 0) _left[_nodeClass[i]] += w;
                else
                {
                    double y = _nodeY[i];
                    _left[0] += w * y;
                    leftSumSq += w * y * y;
                }
            }
            else _tmp[nR++] = r;
        }
        new ReadOnlySpan<int>(_tmp, nR).CopyTo(new Span<int>(_samples + start + nL, nR));
        _leftSumSq = leftSumSq;
        _leftWeight = wL;
        _processed += end - start;
        if (nL != expectedLeft)
            throw new InvalidOperationException($"forest split of {end - start} rows put {nL} rows left, the search counted {expectedLeft}");
        return start + nL;
    }

    private double _leftWeight;

    /// <summary>scikit-learn's weighted impurity decrease of the split just partitioned (for min_impurity_decrease and max_leaf_nodes).</summary>
    private double Improvement(double weight, double impurity)
    {
        double wL = _leftWeight, wR = weight - wL;
        if (_p.Criterion == ForestCriterion.FriedmanMse)
        {
            double sL = _left[0], sR = _total[0] - sL;
            double diff = wR * sL - wL * sR;
            return diff * diff / (wL * wR * weight);
        }
        for (int k = 0; k < _right.Length; k++) _right[k] = _total[k] - _left[k];
        double impurityLeft = Impurity(_left, _leftSumSq, wL);
        double impurityRight = Impurity(_right, _sumSq - _leftSumSq, wR);
        return weight / _rootWeight * (impurity - wR / weight * impurityRight - wL / weight * impurityLeft);
    }

    private void CheckProgress()
    {
        if (_processed - _lastCheck < CheckEvery) return;
        _lastCheck = _processed;
        _checkInterrupts();
    }

    public void Dispose()
    {
        NativeMemory.Free(_samples);
        NativeMemory.Free(_weight);
        NativeMemory.Free(_tmp);
        NativeMemory.Free(_nodeW);
        NativeMemory.Free(_nodeClass);
        NativeMemory.Free(_nodeY);
        NativeMemory.Free(_xf);
        NativeMemory.Free(_sort);
        NativeMemory.Free(_sortTmp);
    }
}
