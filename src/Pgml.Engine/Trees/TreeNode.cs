using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pgml.Engine.Trees;

/// <summary>
/// One node of the flattened forest, 16 bytes so four share a cache line. Children are adjacent (right = left + 1)
/// so one index suffices, and a leaf points to itself with a NaN threshold: stepping from a leaf stays on it. That
/// lets the evaluator walk a fixed number of levels per tree with no data-dependent branch.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 16)]
internal struct TreeNode
{
    /// <summary>Go right when the feature is not below this; NaN for a leaf (no comparison with NaN is true).</summary>
    public float Threshold;

    /// <summary>Feature index in the low 31 bits; the top bit is set when a missing value goes right.</summary>
    public int FeatureAndMissingRight;

    /// <summary>Absolute index of the left child (the right child follows it); a leaf's own index.</summary>
    public int Left;

    /// <summary>The leaf's value (0 for an internal node).</summary>
    public float LeafValue;

    public const int FeatureMask = int.MaxValue;

    public static TreeNode Split(int feature, float threshold, bool missingLeft, int left) => new()
    {
        Threshold = threshold,
        FeatureAndMissingRight = feature | (missingLeft ? 0 : int.MinValue),
        Left = left,
    };

    // Feature 0 is read and ignored; the ensemble only steps leaf-only trees zero times, so it exists whenever read.
    public static TreeNode Leaf(int self, float value) => new() { Threshold = float.NaN, Left = self, LeafValue = value };

    /// <summary>
    /// One level down: XGBoost goes left when value &lt; threshold and takes the default direction when the value is
    /// NaN. "value &gt;= threshold" is the complement of "&lt;" for non-NaN values and false for NaN, so OR-ing in the
    /// missing-right bit for NaN gives XGBoost's decision without a branch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Step(ref TreeNode nodes, ref float features, int index)
    {
        ref TreeNode n = ref Unsafe.Add(ref nodes, index);
        int fm = n.FeatureAndMissingRight;
        float v = Unsafe.Add(ref features, fm & FeatureMask);
        int right = (v >= n.Threshold ? 1 : 0) | (float.IsNaN(v) ? fm >>> 31 : 0);
        return n.Left + right;
    }
}
