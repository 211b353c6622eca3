using System.Runtime.InteropServices;

namespace Pgml.Engine.Data;

/// <summary>
/// A dense row-major float32 matrix in native memory (never on the managed heap, so a large training set costs no
/// GC work and is returned to the OS when disposed). Missing values are NaN. Rows can be appended in batches; the
/// buffer grows geometrically.
/// </summary>
public sealed unsafe class NativeMatrix : IDisposable
{
    private static long s_liveBytes;
    private float* _data;
    private long _capacityRows;
    private long _bytes;   // this matrix's share of s_liveBytes

    public NativeMatrix(int columns, long initialRows = 1024)
    {
        if (columns < 0) throw new ArgumentOutOfRangeException(nameof(columns));
        Columns = columns;
        _capacityRows = Math.Max(1, initialRows);
        Account(BytesFor(_capacityRows));
        try
        {
            _data = (float*)NativeMemory.Alloc((nuint)(_capacityRows * Math.Max(1, columns)), sizeof(float));
        }
        catch
        {
            Account(0);
            GC.SuppressFinalize(this);
            throw;
        }
    }

    /// <summary>
    /// The bytes all live matrices of this process may hold together: a training set (its rows, the preprocessed
    /// copy, cross-validation folds) that would need more fails with <see cref="ResourceLimitException"/> as it
    /// grows past it, before it exhausts the machine. Unlimited unless set (the extension sets it per training).
    /// </summary>
    public static long BudgetBytes { get; set; } = long.MaxValue;

    /// <summary>The bytes the live matrices hold now (their capacity).</summary>
    public static long LiveBytes => Interlocked.Read(ref s_liveBytes);

    private long BytesFor(long rows) => rows * Math.Max(1, Columns) * sizeof(float);

    /// <summary>Moves this matrix's share of the budget to <paramref name="bytes"/>, refusing growth past the budget.</summary>
    private void Account(long bytes)
    {
        long delta = bytes - _bytes;
        long total = Interlocked.Add(ref s_liveBytes, delta);
        if (delta > 0 && total > BudgetBytes)
        {
            Interlocked.Add(ref s_liveBytes, -delta);
            throw new ResourceLimitException(
                $"the training data needs more memory than its budget: {Mib(total)} MiB in matrices, {Mib(BudgetBytes)} MiB allowed",
                BudgetBytes);
        }
        _bytes = bytes;
    }

    private static long Mib(long bytes) => (bytes + (1 << 20) - 1) >> 20;

    public int Columns { get; }
    public long Rows { get; private set; }
    public float* Data => _data != null ? _data : throw new ObjectDisposedException(nameof(NativeMatrix));
    public long SizeInBytes => Rows * Columns * sizeof(float);

    public Span<float> Row(long row)
    {
        if ((ulong)row >= (ulong)Rows) throw new ArgumentOutOfRangeException(nameof(row));
        return new Span<float>(Data + row * Columns, Columns);
    }

    public ref float this[long row, int column] => ref Data[row * Columns + column];

    /// <summary>Makes room for <paramref name="rows"/> more rows and returns a pointer to the first of them.</summary>
    public float* Reserve(long rows)
    {
        long needed = Rows + rows;
        if (needed > _capacityRows)
        {
            long cap = Math.Max(needed, _capacityRows * 2);
            if (BytesFor(cap) + LiveBytes - _bytes > BudgetBytes && BytesFor(needed) + LiveBytes - _bytes <= BudgetBytes)
                cap = needed;   // near the budget: grow to what is needed rather than double past it
            long before = _bytes;
            Account(BytesFor(cap));
            try
            {
                _data = (float*)NativeMemory.Realloc(Data, (nuint)(cap * Math.Max(1, Columns) * sizeof(float)));
            }
            catch
            {
                Account(before);   // the old buffer is still there, with its old size
                throw;
            }
            _capacityRows = cap;
        }
        return _data + Rows * Columns;
    }

    /// <summary>Marks <paramref name="rows"/> rows written after <see cref="Reserve"/> as part of the matrix.</summary>
    public void Commit(long rows)
    {
        if (rows < 0 || Rows + rows > _capacityRows) throw new ArgumentOutOfRangeException(nameof(rows));
        Rows += rows;
    }

    public void AppendRow(ReadOnlySpan<float> values)
    {
        if (values.Length != Columns) throw new ArgumentException($"expected {Columns} values, got {values.Length}");
        values.CopyTo(new Span<float>(Reserve(1), Columns));
        Commit(1);
    }

    /// <summary>
    /// Reorders the rows in place so that row i of the result is row <paramref name="order"/>[i] of the input
    /// (cycle-following; needs one spare row, not a second matrix).
    /// </summary>
    public void Permute(ReadOnlySpan<long> order)
    {
        if (order.Length != Rows) throw new ArgumentException("permutation length must equal the row count");
        var done = new bool[Rows];
        var tmp = new float[Columns];
        for (long start = 0; start < Rows; start++)
        {
            if (done[start] || order[(int)start] == start) { done[start] = true; continue; }
            Row(start).CopyTo(tmp);
            long i = start;
            while (true)
            {
                done[i] = true;
                long src = order[(int)i];
                if (src == start) { tmp.CopyTo(Row(i)); break; }
                Row(src).CopyTo(Row(i));
                i = src;
            }
        }
    }

    public void Dispose()
    {
        if (_data != null)
        {
            NativeMemory.Free(_data);
            _data = null;
            Interlocked.Add(ref s_liveBytes, -_bytes);
            _bytes = 0;
        }
        GC.SuppressFinalize(this);
    }

    ~NativeMatrix()
    {
        if (_data != null)
        {
            NativeMemory.Free(_data);
            Interlocked.Add(ref s_liveBytes, -_bytes);
        }
    }
}
