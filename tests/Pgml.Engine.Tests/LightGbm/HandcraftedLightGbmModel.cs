using System.Globalization;
using System.Text;

namespace Pgml.Engine.Tests.LightGbm;

/// <summary>
/// Writes LightGBM text models by hand: random trees grown the way LightGBM's Tree::Split grows them, with split
/// thresholds and missing types that training rarely or never produces (thresholds that are exact floats, zero, ±0,
/// ±kZeroThreshold, ±infinity; every decision_type), so that C# and LightGBM loading the same text can be compared on
/// exactly the values where "&lt;" versus "&lt;=", NaN and zero handling differ.
/// </summary>
internal sealed class HandcraftedLightGbmModel
{
    public const double KZero = (double)1e-35f;

    public static readonly double[] Thresholds =
    [
        0.5, -0.5, 0.0, -0.0, 1.5, 2.0, (double)0.1f, 0.1, 1e-35, KZero, -KZero, 1e-36, -1e-36, 3.7500000000000004,
        double.PositiveInfinity, double.NegativeInfinity, (double)float.MaxValue, 1e300,
    ];

    public static readonly float[] Values =
    [
        float.NaN, 0f, -0f, 1e-35f, -1e-35f, MathF.BitIncrement(1e-35f), MathF.BitDecrement(-1e-35f), MathF.BitDecrement(1e-35f),
        MathF.BitIncrement(-1e-35f), 1e-36f, -1e-36f, float.Epsilon, 0.5f, MathF.BitDecrement(0.5f), MathF.BitIncrement(0.5f), -0.5f,
        1.5f, 2f, 0.1f, MathF.BitIncrement(0.1f), 3.75f, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, -7f,
    ];

    public static readonly int[] DecisionTypes = [0, 2, 4, 6, 8, 10];

    public int NumFeatures { get; init; } = 4;
    public string Objective { get; init; } = "regression";
    public int NumClass { get; init; } = 1;
    public List<string> Trees { get; } = [];
    public List<string> ExtraHeader { get; } = [];
    public string Boosting { get; init; } = "gbdt";

    /// <summary>A random tree of <paramref name="leaves"/> leaves, grown by splitting random leaves as Tree::Split does.</summary>
    public static string RandomTree(Random rng, int leaves, int numFeatures)
    {
        int splits = leaves - 1;
        var left = new int[splits];
        var right = new int[splits];
        var parent = new int[leaves];
        parent[0] = -1;
        int numLeaves = 1;
        for (int node = 0; node < splits; node++)
        {
            int leaf = rng.Next(numLeaves);
            int p = parent[leaf];
            if (p >= 0)
            {
                if (left[p] == ~leaf) left[p] = node;
                else right[p] = node;
            }
            left[node] = ~leaf;
            right[node] = ~numLeaves;
            parent[leaf] = node;
            parent[numLeaves] = node;
            numLeaves++;
        }
        var feature = Enumerable.Range(0, splits).Select(_ => rng.Next(numFeatures)).ToArray();
        var threshold = Enumerable.Range(0, splits).Select(_ => Thresholds[rng.Next(Thresholds.Length)]).ToArray();
        var type = Enumerable.Range(0, splits).Select(_ => DecisionTypes[rng.Next(DecisionTypes.Length)]).ToArray();
        var value = Enumerable.Range(0, leaves).Select(_ => Math.Round(rng.NextDouble() * 2 - 1, rng.Next(1, 16))).ToArray();
        return Tree(leaves, feature, threshold, type, left, right, value);
    }

    /// <summary>One tree block in LightGBM's layout (without the "Tree=N" line).</summary>
    public static string Tree(int leaves, int[] feature, double[] threshold, int[] type, int[] left, int[] right, double[] value)
    {
        int splits = leaves - 1;
        var s = new StringBuilder();
        s.Append("num_leaves=").Append(leaves).Append('\n');
        s.Append("num_cat=0\n");
        if (splits > 0)
        {
            s.Append("split_feature=").AppendJoin(' ', feature).Append('\n');
            s.Append("split_gain=").AppendJoin(' ', Enumerable.Repeat("1", splits)).Append('\n');
            s.Append("threshold=").AppendJoin(' ', threshold.Select(G17)).Append('\n');
            s.Append("decision_type=").AppendJoin(' ', type).Append('\n');
            s.Append("left_child=").AppendJoin(' ', left).Append('\n');
            s.Append("right_child=").AppendJoin(' ', right).Append('\n');
        }
        s.Append("leaf_value=").AppendJoin(' ', value.Select(G17)).Append('\n');
        s.Append("leaf_weight=").AppendJoin(' ', Enumerable.Repeat("1", leaves)).Append('\n');
        s.Append("leaf_count=").AppendJoin(' ', Enumerable.Repeat("1", leaves)).Append('\n');
        if (splits > 0)
        {
            s.Append("internal_value=").AppendJoin(' ', Enumerable.Repeat("0", splits)).Append('\n');
            s.Append("internal_weight=").AppendJoin(' ', Enumerable.Repeat("1", splits)).Append('\n');
            s.Append("internal_count=").AppendJoin(' ', Enumerable.Repeat("1", splits)).Append('\n');
        }
        s.Append("is_linear=0\n");
        s.Append("shrinkage=1\n");
        return s.ToString();
    }

    /// <summary>C's printf("%.17g") spelling, as LightGBM writes doubles (inf, -inf, nan; exponent e+XX).</summary>
    public static string G17(double v)
    {
        if (double.IsPositiveInfinity(v)) return "inf";
        if (double.IsNegativeInfinity(v)) return "-inf";
        if (double.IsNaN(v)) return "nan";
        if (v == 0) return double.IsNegative(v) ? "-0" : "0";
        return v.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e");
    }

    public string Text()
    {
        var s = new StringBuilder();
        s.Append("tree\nversion=v4\n");
        s.Append("num_class=").Append(NumClass).Append('\n');
        s.Append("num_tree_per_iteration=").Append(NumClass).Append('\n');
        s.Append("label_index=0\n");
        s.Append("max_feature_idx=").Append(NumFeatures - 1).Append('\n');
        s.Append("objective=").Append(Objective).Append('\n');
        foreach (string line in ExtraHeader) s.Append(line).Append('\n');
        s.Append("feature_names=").AppendJoin(' ', Enumerable.Range(0, NumFeatures).Select(i => $"Column_{i}")).Append('\n');
        s.Append("feature_infos=").AppendJoin(' ', Enumerable.Repeat("[-10:10]", NumFeatures)).Append('\n');
        s.Append('\n');
        for (int t = 0; t < Trees.Count; t++)
            s.Append("Tree=").Append(t).Append('\n').Append(Trees[t]).Append("\n\n");
        s.Append("end of trees\n\nfeature_importances:\n\nparameters:\n");
        s.Append("[boosting: ").Append(Boosting).Append("]\n");
        s.Append("[objective: ").Append(Objective.Split(' ')[0]).Append("]\n");
        s.Append("end of parameters\n\npandas_categorical:null\n");
        return s.ToString();
    }

    public byte[] Bytes() => Encoding.UTF8.GetBytes(Text());

    /// <summary>Random rows drawn from <see cref="Values"/>, plus every value in every column.</summary>
    public static float[] Rows(Random rng, int count, int numFeatures)
    {
        var rows = new List<float>();
        foreach (float v in Values)
            for (int f = 0; f < numFeatures; f++)
                for (int r = 0; r < 4; r++)
                {
                    var row = Enumerable.Range(0, numFeatures).Select(_ => Values[rng.Next(Values.Length)]).ToArray();
                    row[f] = v;
                    rows.AddRange(row);
                }
        for (int r = 0; r < count; r++)
            for (int f = 0; f < numFeatures; f++)
                rows.Add(Values[rng.Next(Values.Length)]);
        return [.. rows];
    }
}
