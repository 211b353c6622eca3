// The compiled tree model: the flattened ensemble (XGBoostTreeFlattener.Result) as raw arrays, so loading is a copy
// plus one validation pass instead of parsing XGBoost's JSON. The JSON stays the source of truth; this is a cache of it.
//
// Format version 1, little-endian, no padding:
//   offset  size  field
//        0     8  magic "PGMLTREE" (ASCII)
//        8     4  u32 format version = 1
//       12     4  i32 objective kind: TreeObjectiveKind's value (0 Identity, 1 Logistic, 2 Hinge, 3 Exp, 4 Softmax)
//       16     4  f32 base margin (bit pattern; the margin, not XGBoost's base_score)
//       20     4  i32 number of features
//       24     4  i32 number of outputs (1, or the class count for multi:*)
//       28     4  i32 T = number of trees
//       32     4  i32 N = number of nodes, all trees
//       36     4  i32 L = length of the objective name in bytes (1..64)
//       40     L  objective name, UTF-8, XGBoost's spelling ("binary:logistic")
//     40+L   16N  nodes, TreeNode as laid out in memory: f32 threshold (NaN for a leaf), u32 feature, u32 left child
//                 (a leaf: its own index; the right child is left + 1), u32 missing value goes right (0/1)
//              4N f32 leaf value of each node (0 for a split)
//              4T i32 first node of each tree (trees are contiguous and breadth-first, tree 0 starts at node 0)
//              4T i32 output group of each tree
//              4T i32 depth of each tree (levels the evaluator walks)
//               8 u64 XXH64 (seed 0) of every byte before it
//
// Why a checksum on top of full validation: validation makes any input safe to evaluate, but a flipped bit in a
// threshold or leaf value still yields a valid model that silently predicts something else. XXH64 costs about 7 us
// for a 25-tree depth-6 model (60 KB; the whole load is about 18 us against 750 us for the JSON) and is a published
// algorithm (xxhsum -H1 computes it), so the file can be checked outside pgml.

using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace Pgml.Engine.Trees;

internal static class CompiledTreeFormat
{
    public const uint Version = 1;
    public const int HeaderSize = 40;
    public const int ChecksumSize = 8;
    public const int MaxObjectiveLength = 64;
    private const string Hint = "The compiled form is a cache of the model's XGBoost JSON; rebuild it from the JSON.";

    public static ReadOnlySpan<byte> Magic => "PGMLTREE"u8;

    public static byte[] Write(XGBoostTreeFlattener.Result r)
    {
        RequireLittleEndian();
        byte[] name = Encoding.UTF8.GetBytes(r.Objective);
        int numNodes = r.Nodes.Length, numTrees = r.Roots.Length;
        long length = HeaderSize + name.Length + 20L * numNodes + 12L * numTrees + ChecksumSize;
        if (name.Length is 0 or > MaxObjectiveLength || length > Array.MaxLength)
            throw new ModelFormatException($"the tree model cannot be compiled: {numNodes} nodes, objective '{r.Objective}'");
        var bytes = new byte[length];
        Span<byte> s = bytes;
        Magic.CopyTo(s);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(s[12..], (int)r.Kind);
        BinaryPrimitives.WriteInt32LittleEndian(s[16..], BitConverter.SingleToInt32Bits(r.BaseMargin));
        BinaryPrimitives.WriteInt32LittleEndian(s[20..], r.NumFeatures);
        BinaryPrimitives.WriteInt32LittleEndian(s[24..], r.NumOutputs);
        BinaryPrimitives.WriteInt32LittleEndian(s[28..], numTrees);
        BinaryPrimitives.WriteInt32LittleEndian(s[32..], numNodes);
        BinaryPrimitives.WriteInt32LittleEndian(s[36..], name.Length);
        int at = HeaderSize;
        at = Put(s, at, name);
        at = Put(s, at, MemoryMarshal.AsBytes(r.Nodes.AsSpan()));
        at = Put(s, at, MemoryMarshal.AsBytes(r.LeafValues.AsSpan()));
        at = Put(s, at, MemoryMarshal.AsBytes(r.Roots.AsSpan()));
        at = Put(s, at, MemoryMarshal.AsBytes(r.Groups.AsSpan()));
        at = Put(s, at, MemoryMarshal.AsBytes(r.Depths.AsSpan()));
        BinaryPrimitives.WriteUInt64LittleEndian(s[at..], XxHash64(s[..at]));
        return bytes;
    }

    /// <summary>Reads and fully validates a compiled model; any malformed input is a <see cref="ModelFormatException"/>.</summary>
    public static XGBoostTreeFlattener.Result Read(ReadOnlySpan<byte> bytes)
    {
        RequireLittleEndian();
        if (bytes.Length < 12 || !bytes[..8].SequenceEqual(Magic)) throw Bad("the bytes do not start with PGMLTREE");
        // The version comes before the checksum: a later version may checksum differently.
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (version > Version)
            throw new ModelFormatException(
                $"the compiled tree model has format version {version}: it was written by a newer pgml, this one reads version {Version}",
                "Upgrade pgml to the version that wrote the model, or rebuild the compiled form from the model's XGBoost JSON with this version.");
        if (version != Version) throw Bad($"format version {version}");
        if (bytes.Length < HeaderSize + ChecksumSize) throw Bad($"{bytes.Length} bytes is shorter than the header (truncated?)");
        ReadOnlySpan<byte> body = bytes[..^ChecksumSize];
        if (XxHash64(body) != BinaryPrimitives.ReadUInt64LittleEndian(bytes[^ChecksumSize..]))
            throw Bad("checksum mismatch (corrupt or truncated)");

        int kind = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        float baseMargin = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]));
        int numFeatures = BinaryPrimitives.ReadInt32LittleEndian(bytes[20..]);
        int numOutputs = BinaryPrimitives.ReadInt32LittleEndian(bytes[24..]);
        int numTrees = BinaryPrimitives.ReadInt32LittleEndian(bytes[28..]);
        int numNodes = BinaryPrimitives.ReadInt32LittleEndian(bytes[32..]);
        int nameLength = BinaryPrimitives.ReadInt32LittleEndian(bytes[36..]);
        // Counts are checked against the actual length before anything is allocated, so a corrupt count cannot ask
        // for gigabytes.
        if (numTrees < 0 || numNodes < 0 || nameLength is < 1 or > MaxObjectiveLength
            || HeaderSize + nameLength + 20L * numNodes + 12L * numTrees + ChecksumSize != bytes.Length)
            throw Bad($"{numTrees} trees, {numNodes} nodes and a {nameLength}-byte objective do not fit {bytes.Length} bytes");

        int at = HeaderSize;
        string objective = Encoding.UTF8.GetString(bytes.Slice(at, nameLength));
        at += nameLength;
        var nodes = new TreeNode[numNodes];
        var leafValues = new float[numNodes];
        var roots = new int[numTrees];
        var groups = new int[numTrees];
        var depths = new int[numTrees];
        at = Take(bytes, at, MemoryMarshal.AsBytes(nodes.AsSpan()));
        at = Take(bytes, at, MemoryMarshal.AsBytes(leafValues.AsSpan()));
        at = Take(bytes, at, MemoryMarshal.AsBytes(roots.AsSpan()));
        at = Take(bytes, at, MemoryMarshal.AsBytes(groups.AsSpan()));
        Take(bytes, at, MemoryMarshal.AsBytes(depths.AsSpan()));

        var result = new XGBoostTreeFlattener.Result((TreeObjectiveKind)kind, objective, baseMargin, numFeatures, numOutputs,
            nodes, leafValues, roots, depths, groups);
        XGBoostTreeFlattener.Validate(result, Bad);
        return result;
    }

    private static int Put(Span<byte> destination, int at, ReadOnlySpan<byte> source)
    {
        source.CopyTo(destination[at..]);
        return at + source.Length;
    }

    private static int Take(ReadOnlySpan<byte> source, int at, Span<byte> destination)
    {
        source.Slice(at, destination.Length).CopyTo(destination);
        return at + destination.Length;
    }

    // The arrays are copied as they sit in memory; every platform .NET 10 runs pgml on is little-endian.
    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("compiled tree models need a little-endian CPU");
    }

    private static ModelFormatException Bad(string message) => new($"invalid compiled tree model: {message}", Hint);

    private const ulong P1 = 11400714785074694791UL, P2 = 14029467366897019727UL, P3 = 1609587929392839161UL,
        P4 = 9650029242287828579UL, P5 = 2870177450012600261UL;

    /// <summary>XXH64 with seed 0, as specified by xxHash (doc/xxhash_spec.md); four lanes, 32 bytes per round.</summary>
    internal static ulong XxHash64(ReadOnlySpan<byte> data)
    {
        int i = 0, n = data.Length;
        ulong h;
        if (n >= 32)
        {
            ulong v1 = unchecked(P1 + P2), v2 = P2, v3 = 0, v4 = unchecked(0 - P1);
            for (; i <= n - 32; i += 32)
            {
                v1 = Round(v1, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
                v2 = Round(v2, BinaryPrimitives.ReadUInt64LittleEndian(data[(i + 8)..]));
                v3 = Round(v3, BinaryPrimitives.ReadUInt64LittleEndian(data[(i + 16)..]));
                v4 = Round(v4, BinaryPrimitives.ReadUInt64LittleEndian(data[(i + 24)..]));
            }
            h = BitOperations.RotateLeft(v1, 1) + BitOperations.RotateLeft(v2, 7) + BitOperations.RotateLeft(v3, 12) + BitOperations.RotateLeft(v4, 18);
            h = Merge(h, v1);
            h = Merge(h, v2);
            h = Merge(h, v3);
            h = Merge(h, v4);
        }
        else
        {
            h = P5;
        }
        h += (ulong)n;
        for (; i <= n - 8; i += 8)
            h = BitOperations.RotateLeft(h ^ Round(0, BinaryPrimitives.ReadUInt64LittleEndian(data[i..])), 27) * P1 + P4;
        if (i <= n - 4)
        {
            h = BitOperations.RotateLeft(h ^ BinaryPrimitives.ReadUInt32LittleEndian(data[i..]) * P1, 23) * P2 + P3;
            i += 4;
        }
        for (; i < n; i++)
            h = BitOperations.RotateLeft(h ^ data[i] * P5, 11) * P1;
        h ^= h >> 33;
        h *= P2;
        h ^= h >> 29;
        h *= P3;
        h ^= h >> 32;
        return h;
    }

    private static ulong Round(ulong acc, ulong input) => BitOperations.RotateLeft(acc + input * P2, 31) * P1;

    private static ulong Merge(ulong acc, ulong lane) => (acc ^ Round(0, lane)) * P1 + P4;
}
