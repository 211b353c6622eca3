using System.Runtime.InteropServices;

namespace Pgml.Engine.Data;

/// <summary>
/// A growable array of unmanaged values in native memory, for what can be hundreds of megabytes (a forest's nodes, a
/// model's serialized bytes): it costs the garbage collector nothing, does not count against the backend's managed heap
/// limit, and grows with realloc, which for large blocks remaps pages instead of copying them, so growing never holds
/// two copies. Freed by <see cref="Dispose"/>, or by the finalizer when an owner (a cached model) is simply dropped;
/// the capacity is reported to the GC as memory pressure, so a dropped 200 MB forest prompts a collection even in a
/// backend that allocates little managed memory (otherwise its finalizer could wait indefinitely).
/// </summary>
public sealed unsafe class NativeList<T> : IDisposable where T : unmanaged
{
    private T* _items;
    private long _capacity;

    public NativeList(long capacity = 16)
    {
        _capacity = Math.Max(1, capacity);
        _items = (T*)NativeMemory.Alloc((nuint)_capacity, (nuint)sizeof(T));
        ReportCapacity();
    }

    /// <summary>A copy of <paramref name="values"/>, trimmed to their length.</summary>
    public NativeList(ReadOnlySpan<T> values) : this(values.Length)
    {
        values.CopyTo(new Span<T>(_items, values.Length));
        Count = values.Length;
    }

    ~NativeList() => Free();

    public long Count { get; private set; }

    public T* Pointer => _items != null ? _items : throw new ObjectDisposedException(nameof(NativeList<T>));

    public ref T this[long index]
    {
        get
        {
            if ((ulong)index >= (ulong)Count) throw new ArgumentOutOfRangeException(nameof(index));
            return ref Pointer[index];
        }
    }

    /// <summary>The values as a span (at most int.MaxValue of them, the limit of a span).</summary>
    public Span<T> AsSpan() => new(Pointer, checked((int)Count));

    public void Add(T value)
    {
        if (Count == _capacity) Grow(Count + 1);
        Pointer[Count++] = value;
    }

    /// <summary>Appends <paramref name="count"/> uninitialized values and returns them to be filled.</summary>
    public Span<T> Append(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (Count + count > _capacity) Grow(Count + count);
        var span = new Span<T>(Pointer + Count, count);
        Count += count;
        return span;
    }

    public void AddRange(ReadOnlySpan<T> values) => values.CopyTo(Append(values.Length));

    /// <summary>Keeps the first <paramref name="count"/> values (the capacity stays).</summary>
    public void Truncate(long count)
    {
        if (count < 0 || count > Count) throw new ArgumentOutOfRangeException(nameof(count));
        Count = count;
    }

    /// <summary>Returns the unused capacity to the allocator (after the last value is added).</summary>
    public void TrimExcess()
    {
        if (_capacity == Math.Max(1, Count)) return;
        _capacity = Math.Max(1, Count);
        _items = (T*)NativeMemory.Realloc(Pointer, (nuint)(_capacity * sizeof(T)));
        ReportCapacity();
    }

    private void Grow(long needed)
    {
        long capacity = Math.Max(needed, _capacity * 2);
        _items = (T*)NativeMemory.Realloc(Pointer, (nuint)(capacity * sizeof(T)));
        _capacity = capacity;
        ReportCapacity();
    }

    private long _reported;

    private void ReportCapacity()
    {
        long bytes = _items == null ? 0 : _capacity * sizeof(T);
        if (bytes > _reported) GC.AddMemoryPressure(bytes - _reported);
        else if (bytes < _reported) GC.RemoveMemoryPressure(_reported - bytes);
        _reported = bytes;
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        if (_items == null) return;
        NativeMemory.Free(_items);
        _items = null;
        Count = 0;
        ReportCapacity();
    }
}
