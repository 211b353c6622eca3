using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pgml.Engine.Trees;

/// <summary>
/// One node of the flattened forest, 16 bytes so four share a cache line. Children are adjacent (right = left + 1)
/// so one index suffices, and a leaf points to itself with a NaN threshold: stepping from a leaf stays on it. That
/// lets the evaluator walk a fixed number of levels per tree with no data-dependent branch. Leaf values live in a
/// separate array, read once per tree, so the fields the walk touches need no bit masking.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 16)]
internal struct TreeNode
{
    /// <summary>Go right when the feature is not below this; NaN for a leaf (no ordered comparison with NaN is true).</summary>
    public float Threshold;

    /// <summary>Feature index; 0 for a leaf (read, then ignored).</summary>
    public uint Feature;

    /// <summary>Index of the left child (the right child follows it); a leaf's own index.</summary>
    public uint Left;

    /// <summary>1 when a missing (NaN) value goes right, else 0; always 0 for a leaf.</summary>
    public uint MissingRight;

    public static TreeNode Split(int feature, float threshold, bool missingLeft, int left) => new()
    {
        Threshold = threshold,
        Feature = (uint)feature,
        Left = (uint)left,
        MissingRight = missingLeft ? 0u : 1u,
    };

    // Feature 0 is read and ignored; the ensemble only steps leaf-only trees zero times, so it exists whenever read.
    public static TreeNode Leaf(int self) => new() { Threshold = float.NaN, Left = (uint)self };

    /// <summary>
    /// One level down. XGBoost goes left when value &lt; threshold and takes the default direction when the value is
    /// NaN. "v &gt;= t" and "!(v &lt; t)" agree except for NaN, where the first is false (left) and the second true
    /// (right), so going right = (v &gt;= t) | (!(v &lt; t) &amp; missingRight) reproduces XGBoost without a branch.
    /// At a leaf both comparisons see a NaN threshold and missingRight is 0, so the walk stays put.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Step(ref TreeNode nodes, ref float features, uint index)
    {
        ref TreeNode n = ref Unsafe.Add(ref nodes, (nuint)index);
        float v = Unsafe.Add(ref features, (nuint)n.Feature);
        float t = n.Threshold;
        uint right = (v >= t ? 1u : 0u) | ((v < t ? 0u : 1u) & n.MissingRight);
        return n.Left + right;
    }
}
