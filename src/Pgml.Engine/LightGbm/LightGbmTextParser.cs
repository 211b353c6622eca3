using System.Globalization;
using System.Text;

namespace Pgml.Engine.LightGbm;

/// <summary>One tree block of a LightGBM text model, as written ("Tree=N" up to the blank line).</summary>
internal sealed class LightGbmTextTree
{
    public int NumLeaves;
    public int NumCat;
    public bool IsLinear;
    public int[] SplitFeature = [];
    public double[] Threshold = [];
    public sbyte[] DecisionType = [];
    public int[] LeftChild = [];
    public int[] RightChild = [];
    public double[] LeafValue = [];
}

/// <summary>The parts of a LightGBM text model that prediction needs.</summary>
internal sealed class LightGbmTextModel
{
    public string Version = "";
    public int NumClass;
    public int NumTreePerIteration;
    public int MaxFeatureIdx;
    public string? Objective;
    public bool AverageOutput;
    /// <summary>The "[boosting: X]" line of the parameters section, when present.</summary>
    public string? Boosting;
    public List<LightGbmTextTree> Trees = [];
}

/// <summary>
/// Reads LightGBM's text model format (LGBM_BoosterSaveModelToString; src/boosting/gbdt_model_text.cpp and
/// src/io/tree.cpp): a header of key=value lines after the "tree" line, tree blocks "Tree=0" .. "Tree=n-1" each ended
/// by a blank line, "end of trees", then feature importances and a "parameters:" section. Numbers are parsed from the
/// UTF-8 bytes with correctly rounded parsing, as LightGBM reads them (thresholds and leaf values are written with
/// 17 significant digits, so they come back bit for bit). Structure is checked by <see cref="LightGbmEnsemble"/>;
/// every failure here is a <see cref="ModelFormatException"/>.
/// </summary>
internal static class LightGbmTextParser
{
    private const string Hint = "The model bytes are not a LightGBM text model; retrain the model.";

    public static LightGbmTextModel Parse(ReadOnlySpan<byte> text)
    {
        var model = new LightGbmTextModel();
        var lines = new LineReader(text);

        // The sub-model name line ("tree" for gbdt and its variants).
        ReadOnlySpan<byte> line;
        do
        {
            if (!lines.Next(out line)) throw Bad("the model is empty");
        } while (line.IsEmpty);
        if (!line.SequenceEqual("tree"u8)) throw Bad("it does not start with the line 'tree'");

        // Header: key=value lines up to the first tree (or "end of trees" for a model without trees).
        string? version = null, numClass = null, numTreePerIteration = null, maxFeatureIdx = null;
        bool endOfTrees = false;
        while (true)
        {
            if (!lines.Next(out line)) throw Bad("the model ends in its header (truncated?)");
            if (line.IsEmpty) continue;
            if (line.StartsWith("Tree="u8)) break;
            if (line.SequenceEqual("end of trees"u8))
            {
                endOfTrees = true;
                break;
            }
            int eq = line.IndexOf((byte)'=');
            ReadOnlySpan<byte> key = eq < 0 ? line : line[..eq];
            ReadOnlySpan<byte> value = eq < 0 ? default : line[(eq + 1)..];
            if (key.SequenceEqual("version"u8)) version = Text(value);
            else if (key.SequenceEqual("num_class"u8)) numClass = Text(value);
            else if (key.SequenceEqual("num_tree_per_iteration"u8)) numTreePerIteration = Text(value);
            else if (key.SequenceEqual("max_feature_idx"u8)) maxFeatureIdx = Text(value);
            else if (key.SequenceEqual("objective"u8)) model.Objective = Text(value);
            else if (key.SequenceEqual("average_output"u8)) model.AverageOutput = true;
            // feature_names, feature_infos, label_index, tree_sizes, monotone_constraints, ...: not needed to predict.
        }

        model.Version = version ?? throw Bad("the header has no version line");
        model.NumClass = ParseInt(numClass ?? throw Bad("the header has no num_class line"), "num_class");
        // LightGBM defaults num_tree_per_iteration to num_class when the line is missing.
        model.NumTreePerIteration = numTreePerIteration is null ? model.NumClass : ParseInt(numTreePerIteration, "num_tree_per_iteration");
        model.MaxFeatureIdx = ParseInt(maxFeatureIdx ?? throw Bad("the header has no max_feature_idx line"), "max_feature_idx");

        // Tree blocks.
        while (!endOfTrees)
        {
            // line is "Tree=<index>"
            int index = ParseInt(line["Tree="u8.Length..], "a Tree= line");
            if (index != model.Trees.Count) throw Bad($"tree {model.Trees.Count} is labelled Tree={index}");
            model.Trees.Add(ReadTree(ref lines, index));
            while (true)
            {
                if (!lines.Next(out line)) throw Bad($"the model ends after tree {index} without 'end of trees' (truncated?)");
                if (line.IsEmpty) continue;
                if (line.StartsWith("Tree="u8)) break;
                if (line.SequenceEqual("end of trees"u8))
                {
                    endOfTrees = true;
                    break;
                }
                throw Bad($"unexpected line after tree {index}: '{Shorten(line)}'");
            }
        }

        // After the trees: feature importances, then the training parameters, one "[name: value]" per line.
        bool inParameters = false;
        while (lines.Next(out line))
        {
            if (line.SequenceEqual("parameters:"u8)) inParameters = true;
            else if (line.SequenceEqual("end of parameters"u8)) break;
            else if (inParameters && line.StartsWith("[boosting: "u8) && line.EndsWith("]"u8))
                model.Boosting = Text(line["[boosting: "u8.Length..^1]);
        }
        return model;
    }

    /// <summary>Reads the key=value lines of one tree up to the blank line that ends it.</summary>
    private static LightGbmTextTree ReadTree(ref LineReader lines, int index)
    {
        // The raw values first: their lengths depend on num_leaves, which need not come first.
        ReadOnlySpan<byte> numLeaves = default, numCat = default, splitFeature = default, threshold = default, decisionType = default,
            leftChild = default, rightChild = default, leafValue = default, isLinear = default;
        bool haveNumLeaves = false, haveNumCat = false, haveSplitFeature = false, haveThreshold = false, haveDecisionType = false,
            haveLeft = false, haveRight = false, haveLeafValue = false;
        while (true)
        {
            if (!lines.Next(out var line)) throw Bad($"tree {index} ends early (truncated?)");
            if (line.IsEmpty) break;
            int eq = line.IndexOf((byte)'=');
            if (eq <= 0) throw Bad($"tree {index}: line '{Shorten(line)}' is not key=value");
            var key = line[..eq];
            var value = line[(eq + 1)..];
            if (key.SequenceEqual("num_leaves"u8)) { numLeaves = value; haveNumLeaves = true; }
            else if (key.SequenceEqual("num_cat"u8)) { numCat = value; haveNumCat = true; }
            else if (key.SequenceEqual("split_feature"u8)) { splitFeature = value; haveSplitFeature = true; }
            else if (key.SequenceEqual("threshold"u8)) { threshold = value; haveThreshold = true; }
            else if (key.SequenceEqual("decision_type"u8)) { decisionType = value; haveDecisionType = true; }
            else if (key.SequenceEqual("left_child"u8)) { leftChild = value; haveLeft = true; }
            else if (key.SequenceEqual("right_child"u8)) { rightChild = value; haveRight = true; }
            else if (key.SequenceEqual("leaf_value"u8)) { leafValue = value; haveLeafValue = true; }
            else if (key.SequenceEqual("is_linear"u8)) isLinear = value;
            // split_gain, leaf_weight, leaf_count, internal_*, cat_*, shrinkage (already applied to leaf_value), ...
        }

        string what = $"tree {index}";
        var tree = new LightGbmTextTree();
        if (!haveNumLeaves) throw Bad($"{what} has no num_leaves");
        if (!haveNumCat) throw Bad($"{what} has no num_cat");
        if (!haveLeafValue) throw Bad($"{what} has no leaf_value");
        tree.NumLeaves = ParseInt(numLeaves, $"{what}: num_leaves");
        tree.NumCat = ParseInt(numCat, $"{what}: num_cat");
        tree.IsLinear = !isLinear.IsEmpty && ParseInt(isLinear, $"{what}: is_linear") != 0;
        // Each leaf value is one number, so a count beyond the bytes on the line is rejected before allocating.
        if (tree.NumLeaves < 1 || tree.NumLeaves > leafValue.Length / 2 + 1)
            throw Bad($"{what}: num_leaves {tree.NumLeaves} does not fit its leaf_value line");
        if (tree.NumCat < 0) throw Bad($"{what}: negative num_cat");
        if (tree.NumCat > 0 || tree.IsLinear) return tree; // unsupported: LightGbmEnsemble says so by name

        tree.LeafValue = ParseDoubles(leafValue, tree.NumLeaves, $"{what}: leaf_value");
        int splits = tree.NumLeaves - 1;
        if (splits == 0) return tree;
        if (!haveSplitFeature) throw Bad($"{what} has no split_feature");
        if (!haveThreshold) throw Bad($"{what} has no threshold");
        if (!haveLeft) throw Bad($"{what} has no left_child");
        if (!haveRight) throw Bad($"{what} has no right_child");
        tree.SplitFeature = ParseInts(splitFeature, splits, $"{what}: split_feature");
        tree.Threshold = ParseDoubles(threshold, splits, $"{what}: threshold");
        tree.LeftChild = ParseInts(leftChild, splits, $"{what}: left_child");
        tree.RightChild = ParseInts(rightChild, splits, $"{what}: right_child");
        // LightGBM treats a missing decision_type as all zeros (numerical, missing type None, default right).
        tree.DecisionType = new sbyte[splits];
        if (haveDecisionType)
        {
            int[] types = ParseInts(decisionType, splits, $"{what}: decision_type");
            for (int i = 0; i < splits; i++)
                tree.DecisionType[i] = types[i] is >= sbyte.MinValue and <= sbyte.MaxValue
                    ? (sbyte)types[i] : throw Bad($"{what}: decision_type {types[i]} is out of range");
        }
        return tree;
    }

    private static int[] ParseInts(ReadOnlySpan<byte> line, int count, string what)
    {
        var values = new int[count];
        int n = 0;
        foreach (var token in Tokens(line))
        {
            if (n == count) throw Bad($"{what} has more than {count} values");
            values[n++] = ParseInt(token, what);
        }
        if (n != count) throw Bad($"{what} has {n} values, expected {count}");
        return values;
    }

    private static double[] ParseDoubles(ReadOnlySpan<byte> line, int count, string what)
    {
        var values = new double[count];
        int n = 0;
        foreach (var token in Tokens(line))
        {
            if (n == count) throw Bad($"{what} has more than {count} values");
            values[n++] = ParseDouble(token, what);
        }
        if (n != count) throw Bad($"{what} has {n} values, expected {count}");
        return values;
    }

    private static int ParseInt(string text, string what) => ParseInt(Encoding.UTF8.GetBytes(text), what);

    private static int ParseInt(ReadOnlySpan<byte> token, string what) =>
        int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v)
            ? v : throw Bad($"{what} is not an integer: '{Shorten(token)}'");

    /// <summary>
    /// A double as C's printf("%.17g") writes it; "inf", "-inf" and "nan" (glibc's spellings, which std::stod reads) are
    /// accepted too. .NET's parser is correctly rounded, like the std::stod / fast_double_parser LightGBM uses.
    /// </summary>
    private static double ParseDouble(ReadOnlySpan<byte> token, string what)
    {
        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) return v;
        if (token.SequenceEqual("inf"u8) || token.SequenceEqual("+inf"u8)) return double.PositiveInfinity;
        if (token.SequenceEqual("-inf"u8)) return double.NegativeInfinity;
        if (token.SequenceEqual("nan"u8) || token.SequenceEqual("-nan"u8)) return double.NaN;
        throw Bad($"{what} holds '{Shorten(token)}', which is not a number");
    }

    private static SpaceTokens Tokens(ReadOnlySpan<byte> line) => new(line);

    private static string Text(ReadOnlySpan<byte> value) => Encoding.UTF8.GetString(value);

    private static string Shorten(ReadOnlySpan<byte> bytes)
    {
        string s = Encoding.UTF8.GetString(bytes.Length > 80 ? bytes[..77] : bytes);
        return bytes.Length > 80 ? s + "..." : s;
    }

    internal static ModelFormatException Bad(string message) => new($"invalid LightGBM text model: {message}", Hint);

    /// <summary>Lines split at '\n', a trailing '\r' removed.</summary>
    private ref struct LineReader(ReadOnlySpan<byte> text)
    {
        private ReadOnlySpan<byte> _rest = text;
        private bool _done = text.IsEmpty;

        public bool Next(out ReadOnlySpan<byte> line)
        {
            if (_done)
            {
                line = default;
                return false;
            }
            int nl = _rest.IndexOf((byte)'\n');
            if (nl < 0)
            {
                line = _rest;
                _rest = default;
                _done = true;
            }
            else
            {
                line = _rest[..nl];
                _rest = _rest[(nl + 1)..];
            }
            if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
            return true;
        }
    }

    /// <summary>Tokens separated by one or more spaces (LightGBM's Common::Split on ' ').</summary>
    private ref struct SpaceTokens(ReadOnlySpan<byte> line)
    {
        private ReadOnlySpan<byte> _rest = line;

        public ReadOnlySpan<byte> Current { get; private set; }

        public readonly SpaceTokens GetEnumerator() => this;

        public bool MoveNext()
        {
            int start = 0;
            while (start < _rest.Length && _rest[start] == (byte)' ') start++;
            if (start == _rest.Length)
            {
                _rest = default;
                return false;
            }
            var rest = _rest[start..];
            int end = rest.IndexOf((byte)' ');
            if (end < 0) end = rest.Length;
            Current = rest[..end];
            _rest = rest[end..];
            return true;
        }
    }
}
