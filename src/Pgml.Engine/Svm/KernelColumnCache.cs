using System.Runtime.InteropServices;

namespace Pgml.Engine.Svm;

/// <summary>
/// The kernel matrix of a training problem's points, served one column at a time: K(x_b, x_t) for every point t,
/// computed on demand and kept in a least-recently-used cache of float32 columns in native memory whose size is bounded
/// by scikit-learn's cache_size (MB). Points are rows of the training matrix, picked by <c>rows</c> (a class pair's
/// rows for SVC, every training row for SVR), so no copy of the data is made.
/// </summary>
/// <remarks>
/// Columns are stored as float32 like libsvm's cache (its Qfloat); the solver's gradients and multipliers are double.
/// At least two columns are always kept (the solver holds the two it is updating), even when cache_size is smaller.
/// </remarks>
internal sealed unsafe class KernelColumnCache : IDisposable
{
    private readonly float* _x;
    private readonly int _features;
    private readonly int[] _rows;
    private readonly SvmKernel _kernel;
    private float* _columns;
    private readonly int _slots;
    private readonly int[] _slotOf;     // point -> slot, -1 when not cached
    private readonly int[] _pointOf;    // slot -> point, -1 when free
    private readonly int[] _prev, _next; // LRU list of slots: _head is the most recently used
    private int _head = -1, _tail = -1, _used;

    public KernelColumnCache(float* x, int features, int[] rows, SvmKernel kernel, double cacheMegabytes)
    {
        _x = x;
        _features = features;
        _rows = rows;
        _kernel = kernel;
        int n = rows.Length;
        Points = n;
        long columnBytes = (long)n * sizeof(float);
        long budget = (long)Math.Min(cacheMegabytes * (1 << 20), long.MaxValue / 2);
        _slots = (int)Math.Clamp(budget / columnBytes, 2, n);
        _columns = (float*)NativeMemory.Alloc((nuint)_slots * (nuint)n, sizeof(float));
        _slotOf = new int[n];
        Array.Fill(_slotOf, -1);
        _pointOf = new int[_slots];
        _prev = new int[_slots];
        _next = new int[_slots];
        Diagonal = new double[n];
        for (int t = 0; t < n; t++) Diagonal[t] = _kernel.Eval(Row(t), Row(t), features);
    }

    private const int BlockSize = 256;

    public int Points { get; }

    /// <summary>K(x_t, x_t) in double.</summary>
    public double[] Diagonal { get; }

    /// <summary>Columns computed so far (cache misses), for tests and diagnostics.</summary>
    public long Misses { get; private set; }

    public long CachedBytes => (long)_slots * Points * sizeof(float);

    private float* Row(int t) => _x + (long)_rows[t] * _features;

    /// <summary>
    /// K(x_point, ·), valid until two more distinct columns are asked for (so the previous column stays valid while the
    /// next one is fetched).
    /// </summary>
    public float* Column(int point)
    {
        int slot = _slotOf[point];
        if (slot >= 0)
        {
            MoveToHead(slot);
            return _columns + (long)slot * Points;
        }
        if (_used < _slots) slot = _used++;
        else
        {
            slot = _tail;
            Unlink(slot);
            _slotOf[_pointOf[slot]] = -1;
        }
        _pointOf[slot] = point;
        _slotOf[point] = slot;
        LinkHead(slot);
        float* column = _columns + (long)slot * Points;
        float* xb = Row(point);
        // in blocks, so the outer function (exp for rbf) runs vectorised over a small double buffer
        Span<double> block = stackalloc double[BlockSize];
        for (int start = 0; start < Points; start += BlockSize)
        {
            int count = Math.Min(BlockSize, Points - start);
            for (int t = 0; t < count; t++) block[t] = _kernel.Inner(xb, Row(start + t), _features);
            _kernel.Finish(block[..count]);
            for (int t = 0; t < count; t++) column[start + t] = (float)block[t];
        }
        Misses++;
        return column;
    }

    private void MoveToHead(int slot)
    {
        if (slot == _head) return;
        Unlink(slot);
        LinkHead(slot);
    }

    private void Unlink(int slot)
    {
        int p = _prev[slot], n = _next[slot];
        if (p >= 0) _next[p] = n; else _head = n;
        if (n >= 0) _prev[n] = p; else _tail = p;
    }

    private void LinkHead(int slot)
    {
        _prev[slot] = -1;
        _next[slot] = _head;
        if (_head >= 0) _prev[_head] = slot;
        _head = slot;
        if (_tail < 0) _tail = slot;
    }

    public void Dispose()
    {
        if (_columns != null) NativeMemory.Free(_columns);
        _columns = null;
    }
}
