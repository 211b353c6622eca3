using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pgml.Engine.Trees;

/// <summary>
/// The trees of one output group, in model order, and the walk that sums their leaves. A group's margin depends only
/// on its own trees, added in tree order, so summing each group separately performs exactly XGBoost's float additions.
/// </summary>
internal sealed class TreeGroup
{
    private readonly uint[] _roots;
    private readonly int[] _depths;
    // Levels to walk for each block of 8 trees, then for the block of 4 that may follow: a block walks as many levels
    // as its deepest tree while shallower trees sit on their self-looping leaves.
    private readonly int[] _steps8;
    private readonly int _steps4;

    public TreeGroup(uint[] roots, int[] depths)
    {
        _roots = roots;
        _depths = depths;
        _steps8 = new int[roots.Length / 8];
        for (int b = 0; b < _steps8.Length; b++) _steps8[b] = MaxOf(depths.AsSpan(b * 8, 8));
        int rest = _steps8.Length * 8;
        _steps4 = roots.Length - rest >= 4 ? MaxOf(depths.AsSpan(rest, 4)) : 0;
    }

    public int Count => _roots.Length;

    private static int MaxOf(ReadOnlySpan<int> values)
    {
        int max = 0;
        foreach (int v in values) max = Math.Max(max, v);
        return max;
    }

    /// <summary>
    /// <paramref name="start"/> plus every tree's leaf, one float addition per tree in tree order (float addition is
    /// not associative). Trees are walked eight at a time: their independent chains of dependent loads overlap in the
    /// CPU, where a single tree's walk is one long latency chain.
    /// </summary>
    public float Sum(ref TreeNode nodes, ref float leaves, ref float f, float start)
    {
        ref uint roots = ref MemoryMarshal.GetArrayDataReference(_roots);
        int[] steps8 = _steps8;
        float sum = start;
        nuint t = 0;
        for (int b = 0; b < steps8.Length; b++, t += 8)
        {
            uint i0 = Unsafe.Add(ref roots, t), i1 = Unsafe.Add(ref roots, t + 1);
            uint i2 = Unsafe.Add(ref roots, t + 2), i3 = Unsafe.Add(ref roots, t + 3);
            uint i4 = Unsafe.Add(ref roots, t + 4), i5 = Unsafe.Add(ref roots, t + 5);
            uint i6 = Unsafe.Add(ref roots, t + 6), i7 = Unsafe.Add(ref roots, t + 7);
            for (int s = steps8[b]; s > 0; s--)
            {
                i0 = TreeNode.Step(ref nodes, ref f, i0);
                i1 = TreeNode.Step(ref nodes, ref f, i1);
                i2 = TreeNode.Step(ref nodes, ref f, i2);
                i3 = TreeNode.Step(ref nodes, ref f, i3);
                i4 = TreeNode.Step(ref nodes, ref f, i4);
                i5 = TreeNode.Step(ref nodes, ref f, i5);
                i6 = TreeNode.Step(ref nodes, ref f, i6);
                i7 = TreeNode.Step(ref nodes, ref f, i7);
            }
            sum += Unsafe.Add(ref leaves, (nuint)i0);
            sum += Unsafe.Add(ref leaves, (nuint)i1);
            sum += Unsafe.Add(ref leaves, (nuint)i2);
            sum += Unsafe.Add(ref leaves, (nuint)i3);
            sum += Unsafe.Add(ref leaves, (nuint)i4);
            sum += Unsafe.Add(ref leaves, (nuint)i5);
            sum += Unsafe.Add(ref leaves, (nuint)i6);
            sum += Unsafe.Add(ref leaves, (nuint)i7);
        }
        nuint n = (nuint)_roots.Length;
        if (n - t >= 4)
        {
            uint i0 = Unsafe.Add(ref roots, t), i1 = Unsafe.Add(ref roots, t + 1);
            uint i2 = Unsafe.Add(ref roots, t + 2), i3 = Unsafe.Add(ref roots, t + 3);
            for (int s = _steps4; s > 0; s--)
            {
                i0 = TreeNode.Step(ref nodes, ref f, i0);
                i1 = TreeNode.Step(ref nodes, ref f, i1);
                i2 = TreeNode.Step(ref nodes, ref f, i2);
                i3 = TreeNode.Step(ref nodes, ref f, i3);
            }
            sum += Unsafe.Add(ref leaves, (nuint)i0);
            sum += Unsafe.Add(ref leaves, (nuint)i1);
            sum += Unsafe.Add(ref leaves, (nuint)i2);
            sum += Unsafe.Add(ref leaves, (nuint)i3);
            t += 4;
        }
        int[] depths = _depths;
        for (; t < n; t++)
        {
            uint i = Unsafe.Add(ref roots, t);
            for (int s = depths[t]; s > 0; s--) i = TreeNode.Step(ref nodes, ref f, i);
            sum += Unsafe.Add(ref leaves, (nuint)i);
        }
        return sum;
    }
}
