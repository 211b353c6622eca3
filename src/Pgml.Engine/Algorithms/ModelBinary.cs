// pgml's binary model envelope, shared by every algorithm implemented in C# (linear, svm, forests, knn, kmeans, pca).
// The payload's layout belongs to the algorithm and has its own version; the envelope checks identity and integrity.
//
// Envelope version 1, little-endian, no padding:
//   offset  size  field
//        0     8  magic "PGMLMODL" (ASCII)
//        8     4  u32 envelope version = 1
//       12    16  payload format name, ASCII, NUL-padded (e.g. "linear", "forest")
//       28     4  u32 payload format version (the algorithm's; see its Format class)
//       32     8  u64 payload length P in bytes
//       40     P  payload: a sequence of the writer's primitives (i32, f32, f64, arrays as i32 count + values, UTF-8
//                 strings as i32 byte count + bytes), in the order the algorithm's format documents
//     40+P     8  u64 XXH64 (seed 0) of every byte before it (a flipped bit in a coefficient is caught, not served)
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Runtime.CompilerServices;
using Pgml.Engine.Data;

namespace Pgml.Engine.Algorithms;

/// <summary>
/// Builds a model's bytes: the envelope around primitives written in order. The bytes grow in native memory (a large
/// forest's model is hundreds of megabytes, which must not sit on the backend's capped managed heap);
/// <see cref="ToNative"/> hands them over without a copy, <see cref="ToBytes"/> copies them into an array.
/// </summary>
internal sealed class ModelWriter : IDisposable
{
    public const uint EnvelopeVersion = 1;
    public const int HeaderSize = 40;
    public const int NameSize = 16;
    private NativeList<byte>? _bytes;
    private readonly string _format;
    private readonly uint _version;

    public ModelWriter(string format, uint version)
    {
        if (format.Length is 0 or > NameSize || format.Any(c => c is < ' ' or > '~'))
            throw new ArgumentException($"format name \"{format}\" must be 1..{NameSize} printable ASCII characters", nameof(format));
        _format = format;
        _version = version;
        _bytes = new NativeList<byte>(4096);
        _bytes.Append(HeaderSize).Clear();   // filled in by ToNative, when the payload's length is known
    }

    public static ReadOnlySpan<byte> Magic => "PGMLMODL"u8;

    private NativeList<byte> Bytes => _bytes ?? throw new InvalidOperationException("the model writer has already produced its bytes");

    public ModelWriter Int32(int v) { BinaryPrimitives.WriteInt32LittleEndian(Bytes.Append(4), v); return this; }
    public ModelWriter Int64(long v) { BinaryPrimitives.WriteInt64LittleEndian(Bytes.Append(8), v); return this; }
    public ModelWriter Float(float v) => Int32(BitConverter.SingleToInt32Bits(v));
    public ModelWriter Double(double v) => Int64(BitConverter.DoubleToInt64Bits(v));

    public ModelWriter String(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        Int32(bytes.Length);
        Bytes.AddRange(bytes);
        return this;
    }

    /// <summary>An array: its length, then its values.</summary>
    public ModelWriter Floats(ReadOnlySpan<float> v) { v.CopyTo(Array<float>(v.Length)); return this; }
    public ModelWriter Doubles(ReadOnlySpan<double> v) { v.CopyTo(Array<double>(v.Length)); return this; }
    public ModelWriter Ints(ReadOnlySpan<int> v) { v.CopyTo(Array<int>(v.Length)); return this; }

    /// <summary>
    /// An array of <paramref name="count"/> values the caller fills in place (no intermediate array); the span is
    /// valid until the next write, which may move the buffer.
    /// </summary>
    public Span<T> Array<T>(int count) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("pgml models need a little-endian CPU");
        Int32(count);
        return MemoryMarshal.Cast<byte, T>(Bytes.Append(checked(count * Unsafe.SizeOf<T>())));
    }

    /// <summary>The finished model (header, payload, checksum) in native memory, owned by the caller.</summary>
    public NativeList<byte> ToNative()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("pgml models need a little-endian CPU");
        var bytes = Bytes;
        long p = bytes.Count - HeaderSize;
        if (bytes.Count + 8 > int.MaxValue)
            throw new InvalidDataException($"the model is {(bytes.Count + 8) >> 20} MB, more than pgml stores (2 GB; PostgreSQL's bytea holds 1 GB)",
                "Train a smaller model (fewer or shallower trees, fewer neighbours' rows).");
        Span<byte> s = bytes.AsSpan();
        Magic.CopyTo(s);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], EnvelopeVersion);
        Encoding.ASCII.GetBytes(_format, s.Slice(12, NameSize));
        BinaryPrimitives.WriteUInt32LittleEndian(s[28..], _version);
        BinaryPrimitives.WriteInt64LittleEndian(s[32..], p);
        ulong hash = Trees.CompiledTreeFormat.XxHash64(s);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.Append(8), hash);
        bytes.TrimExcess();
        _bytes = null;
        return bytes;
    }

    public byte[] ToBytes()
    {
        using var bytes = ToNative();
        return bytes.AsSpan().ToArray();
    }

    public void Dispose() => _bytes?.Dispose();
}

/// <summary>
/// Reads a model's bytes back: checks the envelope and checksum, then hands out primitives with bounds checks, so
/// truncated or hostile bytes are a <see cref="ModelFormatException"/>, never an out-of-range read.
/// </summary>
public ref struct ModelReader
{
    private readonly ReadOnlySpan<byte> _payload;
    private int _at;

    private ModelReader(ReadOnlySpan<byte> payload, string format, uint version)
    {
        _payload = payload;
        Format = format;
        Version = version;
    }

    public string Format { get; }
    public uint Version { get; }

    public static bool HasEnvelope(ReadOnlySpan<byte> bytes) => bytes.Length >= 8 && bytes[..8].SequenceEqual(ModelWriter.Magic);

    public static ModelReader Open(ReadOnlySpan<byte> bytes)
    {
        if (!HasEnvelope(bytes)) throw Bad("the bytes do not start with PGMLMODL");
        if (bytes.Length < ModelWriter.HeaderSize + 8) throw Bad($"{bytes.Length} bytes is shorter than the envelope");
        uint envelope = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (envelope != ModelWriter.EnvelopeVersion)
            throw new ModelFormatException($"the model's envelope version {envelope} is not one this pgml reads ({ModelWriter.EnvelopeVersion})",
                "Upgrade pgml, or retrain the model with this version.");
        long p = BinaryPrimitives.ReadInt64LittleEndian(bytes[32..]);
        if (p < 0 || p != bytes.Length - ModelWriter.HeaderSize - 8L) throw Bad($"payload length {p} does not match the {bytes.Length} bytes stored");
        int end = ModelWriter.HeaderSize + (int)p;
        if (Trees.CompiledTreeFormat.XxHash64(bytes[..end]) != BinaryPrimitives.ReadUInt64LittleEndian(bytes[end..]))
            throw Bad("checksum mismatch (the bytes were altered or damaged)");
        var name = bytes.Slice(12, ModelWriter.NameSize);
        int n = name.IndexOf((byte)0);
        string format = Encoding.ASCII.GetString(n < 0 ? name : name[..n]);
        return new ModelReader(bytes.Slice(ModelWriter.HeaderSize, (int)p), format, BinaryPrimitives.ReadUInt32LittleEndian(bytes[28..]));
    }

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || _at > _payload.Length - n) throw Bad($"truncated {Format} model (wanted {n} bytes at offset {_at} of {_payload.Length})");
        var s = _payload.Slice(_at, n);
        _at += n;
        return s;
    }

    public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
    public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
    public float Float() => BitConverter.Int32BitsToSingle(Int32());
    public double Double() => BitConverter.Int64BitsToDouble(Int64());
    public string String() => Encoding.UTF8.GetString(Take(Count(1)));

    /// <summary>An int in [min, max], else a format error naming <paramref name="what"/>.</summary>
    public int Int32(string what, int min, int max)
    {
        int v = Int32();
        return v >= min && v <= max ? v : throw Bad($"{what} = {v} is outside {min}..{max}");
    }

    public float[] Floats() => Values<float>().ToArray();
    public double[] Doubles() => Values<double>().ToArray();
    public int[] Ints() => Values<int>().ToArray();

    /// <summary>An array whose length must be <paramref name="expected"/>.</summary>
    public float[] Floats(long expected, string what) => Values<float>(expected, what).ToArray();
    public double[] Doubles(long expected, string what) => Values<double>(expected, what).ToArray();
    public int[] Ints(long expected, string what) => Values<int>(expected, what).ToArray();

    /// <summary>An array read in place, without a copy (valid while the model's bytes are).</summary>
    public ReadOnlySpan<T> Values<T>() where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        return MemoryMarshal.Cast<byte, T>(Take(Count(size) * size));
    }

    public ReadOnlySpan<T> Values<T>(long expected, string what) where T : unmanaged
    {
        var values = Values<T>();
        return values.Length == expected ? values : throw Bad($"{what} has {values.Length} values, expected {expected}");
    }

    private int Count(int elementSize)
    {
        int n = Int32();
        if (n < 0 || n > (_payload.Length - _at) / elementSize) throw Bad($"array length {n} at offset {_at - 4} exceeds the model's bytes");
        return n;
    }

    /// <summary>Call after the last field: trailing bytes mean a writer and reader that disagree.</summary>
    public void End()
    {
        if (_at != _payload.Length) throw Bad($"{_payload.Length - _at} unread bytes after the {Format} model");
    }

    public static ModelFormatException Bad(string message) =>
        new($"invalid pgml model: {message}", "Retrain the model; stored model bytes are written by pgml and checked on load.");
}
