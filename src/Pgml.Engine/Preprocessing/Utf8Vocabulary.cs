using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Pgml.Engine.Preprocessing;

/// <summary>
/// The distinct values of a text column, identified by their UTF-8 bytes, each with a dense code 0, 1, 2, ... in
/// order of first addition. An open-addressing hash table (linear probing, FNV-1a) over one byte arena: a lookup
/// hashes and compares the caller's bytes in place, so <see cref="TryGet"/> allocates nothing and no string is made
/// per row. Not thread-safe for writers; concurrent readers of a vocabulary nobody adds to are fine.
/// </summary>
public sealed class Utf8Vocabulary
{
    private byte[] _arena;
    private int _arenaUsed;
    private int[] _offsets;   // entry i spans _arena[_offsets[i] .. _offsets[i + 1])
    private int[] _hashes;    // full hash per entry: cheap pre-check before comparing bytes, and rehash without rehashing bytes
    private int[] _table;     // code + 1 per slot, 0 = empty; length is a power of two, at most half full
    private string?[] _strings = [];

    public Utf8Vocabulary(int capacity = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        capacity = Math.Max(capacity, 4);
        _arena = new byte[Math.Max(64, capacity * 8)];
        _offsets = new int[capacity + 1];
        _hashes = new int[capacity];
        _table = new int[(int)BitOperations.RoundUpToPowerOf2((uint)capacity * 2)];
    }

    /// <summary>The number of distinct values.</summary>
    public int Count { get; private set; }

    /// <summary>The value of <paramref name="code"/> as a string (decoded once, then cached).</summary>
    public string this[int code]
    {
        get
        {
            if ((uint)code >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(code));
            if (_strings.Length <= code) Array.Resize(ref _strings, Math.Max(Count, 16));
            return _strings[code] ??= Encoding.UTF8.GetString(GetUtf8(code));
        }
    }

    /// <summary>The UTF-8 bytes of <paramref name="code"/> (valid until the next <see cref="GetOrAdd"/>).</summary>
    public ReadOnlySpan<byte> GetUtf8(int code)
    {
        if ((uint)code >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(code));
        return _arena.AsSpan(_offsets[code], _offsets[code + 1] - _offsets[code]);
    }

    /// <summary>The code of <paramref name="utf8"/>, adding it with the next free code if it is new.</summary>
    public int GetOrAdd(ReadOnlySpan<byte> utf8)
    {
        int hash = Hash(utf8);
        int slot = Find(utf8, hash);
        if (slot < 0) return ~slot;

        if (_arena.Length - _arenaUsed < utf8.Length) GrowArena(utf8.Length);
        if (Count == _hashes.Length)
        {
            int cap = (int)Math.Min((long)Count * 2, Array.MaxLength - 1);
            if (cap == Count) throw TooLarge();
            Array.Resize(ref _hashes, cap);
            Array.Resize(ref _offsets, cap + 1);
        }
        int code = Count;
        utf8.CopyTo(_arena.AsSpan(_arenaUsed));
        _arenaUsed += utf8.Length;
        _offsets[code + 1] = _arenaUsed;
        _hashes[code] = hash;
        _table[slot] = code + 1;
        Count = code + 1;
        if ((long)Count * 2 > _table.Length) Rehash();
        return code;
    }

    /// <summary>Looks <paramref name="utf8"/> up without adding it. Allocates nothing.</summary>
    public bool TryGet(ReadOnlySpan<byte> utf8, out int code)
    {
        int found = Find(utf8, Hash(utf8));
        code = found < 0 ? ~found : -1;
        return found < 0;
    }

    /// <summary>FNV-1a (32 bit): deterministic across processes, which keeps tests of collisions reproducible.</summary>
    internal static int Hash(ReadOnlySpan<byte> utf8)
    {
        uint h = 2166136261;
        foreach (byte b in utf8) h = (h ^ b) * 16777619;
        return (int)h;
    }

    /// <summary>~code when found; otherwise the empty slot where it would go.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Find(ReadOnlySpan<byte> utf8, int hash)
    {
        int[] table = _table;
        int mask = table.Length - 1;
        int i = hash & mask;
        while (true)
        {
            int entry = table[i];
            if (entry == 0) return i;
            int code = entry - 1;
            if (_hashes[code] == hash)
            {
                int start = _offsets[code];
                if (_arena.AsSpan(start, _offsets[code + 1] - start).SequenceEqual(utf8)) return ~code;
            }
            i = (i + 1) & mask;
        }
    }

    private void GrowArena(int needed)
    {
        long cap = Math.Max((long)_arenaUsed + needed, (long)_arena.Length * 2);
        if (cap > Array.MaxLength)
        {
            if ((long)_arenaUsed + needed > Array.MaxLength) throw TooLarge();
            cap = Array.MaxLength;
        }
        Array.Resize(ref _arena, (int)cap);
    }

    private void Rehash()
    {
        if (_table.Length >= 1 << 30) throw TooLarge();
        var table = new int[_table.Length * 2];
        int mask = table.Length - 1;
        for (int code = 0; code < Count; code++)
        {
            int i = _hashes[code] & mask;
            while (table[i] != 0) i = (i + 1) & mask;
            table[i] = code + 1;
        }
        _table = table;
    }

    private static InvalidDataException TooLarge() => new(
        "a text column has more distinct values than pgml can hold (at most 2 GB of distinct text or 2^29 distinct values per column)",
        "Reduce the number of distinct values of the column (e.g. group rare values in a VIEW), or leave the column out.");
}
