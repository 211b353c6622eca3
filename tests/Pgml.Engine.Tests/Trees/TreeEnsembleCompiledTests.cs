using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Pgml.Engine.Trees;
using Xunit;

namespace Pgml.Engine.Tests.Trees;

/// <summary>
/// The compiled form must predict exactly what the XGBoost JSON predicts, and no byte sequence may load into
/// something the unchecked evaluator could walk off (that would crash the test host, not fail a test).
/// </summary>
public class TreeEnsembleCompiledTests
{
    private const int Cols = 10;
    private const int SmallCols = 4;

    public static TheoryData<string> Models => new() { "regression", "binary", "multiclass", "poisson", "deep", "pruned forest", "hinge" };

    [Theory]
    [MemberData(nameof(Models))]
    public void CompiledModelsPredictBitForBitLikeTheJson(string name)
    {
        var (x, s) = XGBoostTraining.Features(name == "deep" ? 4000 : 3000, Cols, 40 + name.Length);
        var (held, _) = XGBoostTraining.Features(2000, Cols, 1040 + name.Length);
        using var b = name switch
        {
            "regression" => XGBoostTraining.Train(x, [.. s.Select(v => (float)v)], Cols, 50, ("objective", "reg:squarederror"), ("max_depth", "6")),
            "binary" => XGBoostTraining.Train(x, [.. s.Select(v => v > 0.3 ? 1f : 0f)], Cols, 60, ("objective", "binary:logistic"), ("max_depth", "5"), ("eta", "0.5")),
            "multiclass" => XGBoostTraining.Train(x, TreeEnsembleXGBoostTests.ClassLabels(s, 4), Cols, 30, ("objective", "multi:softprob"), ("num_class", "4"), ("max_depth", "6")),
            "poisson" => XGBoostTraining.Train(x, [.. s.Select(v => MathF.Floor(MathF.Exp((float)v / 4)))], Cols, 50, ("objective", "count:poisson"), ("max_depth", "6")),
            "deep" => XGBoostTraining.Train(x, [.. s.Select(v => (float)(v * v))], Cols, 100, ("objective", "reg:squarederror"), ("max_depth", "10"), ("min_child_weight", "0"), ("eta", "0.1")),
            "pruned forest" => XGBoostTraining.Train(x, [.. s.Select(v => v > 0 ? 1f : 0f)], Cols, 5, ("objective", "binary:logistic"), ("num_parallel_tree", "4"),
                ("subsample", "0.8"), ("max_depth", "8"), ("gamma", "2")),
            "hinge" => XGBoostTraining.Train(x, [.. s.Select(v => v > 0 ? 1f : 0f)], Cols, 20, ("objective", "binary:hinge"), ("base_score", "0.5")),
            _ => throw new ArgumentException(name),
        };
        var fromJson = TreeEnsemble.FromXGBoostJson(b.Save());
        byte[] compiled = fromJson.ToCompiled();
        var fromCompiled = TreeEnsemble.FromCompiled(compiled);

        Assert.Equal(fromJson.NumFeatures, fromCompiled.NumFeatures);
        Assert.Equal(fromJson.NumOutputs, fromCompiled.NumOutputs);
        Assert.Equal(fromJson.NumTrees, fromCompiled.NumTrees);
        Assert.Equal(fromJson.Objective, fromCompiled.Objective);
        // Deterministic: compiling the compiled model again gives the same bytes.
        Assert.Equal(compiled, fromCompiled.ToCompiled());

        // Held-out rows, training rows (on the cut points), and rows of nothing but NaN or infinities.
        float[] rows = [.. held, .. x, .. Enumerable.Repeat(float.NaN, Cols), .. Enumerable.Repeat(float.NegativeInfinity, Cols),
            .. Enumerable.Repeat(float.PositiveInfinity, Cols)];
        AssertSamePredictions(fromJson, fromCompiled, rows, Cols);
        BitExact.AssertMatchesXGBoost(fromCompiled, b, rows, Cols, checkPredict: name != "hinge");
    }

    [Fact]
    public void AModelWithoutTreesRoundTrips()
    {
        var (x, s) = XGBoostTraining.Features(300, SmallCols, 41);
        using var b = XGBoostTraining.Train(x, [.. s.Select(v => v > 0 ? 1f : 0f)], SmallCols, 2, ("objective", "binary:logistic"), ("base_score", "0.25"));
        var root = JsonNode.Parse(b.Save())!;
        var gbtree = root["learner"]!["gradient_booster"]!["model"]!;
        gbtree["trees"] = new JsonArray();
        gbtree["tree_info"] = new JsonArray();
        gbtree["gbtree_model_param"]!["num_trees"] = "0";
        var fromJson = TreeEnsemble.FromXGBoostJson(Encoding.UTF8.GetBytes(root.ToJsonString()));
        var fromCompiled = TreeEnsemble.FromCompiled(fromJson.ToCompiled());
        Assert.Equal(0, fromCompiled.NumTrees);
        AssertSamePredictions(fromJson, fromCompiled, x[..(50 * SmallCols)], SmallCols);
    }

    private static void AssertSamePredictions(TreeEnsemble expected, TreeEnsemble actual, float[] rows, int cols)
    {
        int n = rows.Length / cols, k = expected.NumOutputs;
        var margins = new float[n * k];
        var predictions = new float[n * k];
        for (int r = 0; r < n; r++)
        {
            expected.PredictMargin(rows.AsSpan(r * cols, cols), margins.AsSpan(r * k, k));
            expected.Predict(rows.AsSpan(r * cols, cols), predictions.AsSpan(r * k, k));
        }
        BitExact.Compare("compiled margin", margins, k, rows, cols, (row, o) => actual.PredictMargin(row, o));
        BitExact.Compare("compiled prediction", predictions, k, rows, cols, (row, o) => actual.Predict(row, o));
    }

    // A 5-tree depth-3 model: small enough that random corruptions often land in the header and tree arrays.
    private static readonly Lazy<byte[]> SmallCompiled = new(() =>
    {
        var (x, s) = XGBoostTraining.Features(500, SmallCols, 42);
        using var b = XGBoostTraining.Train(x, [.. s.Select(v => v > 0 ? 1f : 0f)], SmallCols, 5, ("objective", "binary:logistic"), ("max_depth", "3"));
        return TreeEnsemble.FromXGBoostJson(b.Save()).ToCompiled();
    });

    [Fact]
    public void EveryPrefixAndAnyTrailingDataIsAModelFormatException()
    {
        byte[] bytes = SmallCompiled.Value;
        TreeEnsemble.FromCompiled(bytes);
        for (int len = 0; len < bytes.Length; len++)
        {
            var e = Record.Exception(() => TreeEnsemble.FromCompiled(bytes.AsSpan(0, len)));
            Assert.True(e is ModelFormatException, $"prefix of {len} bytes: {e?.GetType().Name ?? "no exception"}: {e?.Message}");
        }
        Assert.Throws<ModelFormatException>(() => TreeEnsemble.FromCompiled([.. bytes, 0]));
    }

    [Fact]
    public void AnyChangedByteFailsTheChecksum()
    {
        byte[] bytes = SmallCompiled.Value;
        var rng = new Random(11);
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] bad = (byte[])bytes.Clone();
            int at = rng.Next(bad.Length);
            bad[at] ^= (byte)rng.Next(1, 256);
            var e = Record.Exception(() => TreeEnsemble.FromCompiled(bad));
            Assert.True(e is ModelFormatException, $"trial {trial}, byte {at}: {e?.GetType().Name ?? "no exception"}: {e?.Message}");
        }
    }

    /// <summary>
    /// Corruptions with a recomputed checksum get past the checksum, so only the shared validation stands between
    /// them and the evaluator: each must be rejected or load into a model that predicts without leaving its arrays.
    /// </summary>
    [Fact]
    public void ResealedCorruptionsAreRejectedOrPredictSafely()
    {
        byte[] bytes = SmallCompiled.Value;
        var rng = new Random(12);
        byte[] interesting = [0, 1, 2, 0x7F, 0x80, 0xC0, 0xFE, 0xFF];
        var output = new float[64];
        int loaded = 0, rejected = 0;
        for (int trial = 0; trial < 6000; trial++)
        {
            byte[] bad = (byte[])bytes.Clone();
            // Bytes after the magic and version; a changed version is covered by its own test.
            for (int k = trial % 3 + 1; k > 0; k--)
            {
                int at = rng.Next(12, bad.Length - CompiledTreeFormat.ChecksumSize);
                bad[at] = rng.Next(3) switch
                {
                    0 => interesting[rng.Next(interesting.Length)],
                    1 => (byte)(bad[at] + (rng.Next(2) == 0 ? 1 : -1)),
                    _ => (byte)rng.Next(256),
                };
            }
            Reseal(bad);
            TreeEnsemble m;
            try { m = TreeEnsemble.FromCompiled(bad); }
            catch (ModelFormatException) { rejected++; continue; }
            catch (Exception e) { Assert.Fail($"trial {trial}: {e.GetType().Name}: {e.Message}"); return; }
            loaded++;
            if (m.NumFeatures > 1024 || m.NumOutputs > output.Length) continue;
            var features = new float[m.NumFeatures];
            for (int r = 0; r < 20; r++)
            {
                for (int c = 0; c < features.Length; c++) features[c] = r % 3 == 0 ? float.NaN : (float)(rng.NextDouble() * 20 - 10);
                m.Predict(features, output);
            }
        }
        // Both outcomes must occur, or the trial mix tests less than it seems to.
        Assert.True(loaded > 100 && rejected > 100, $"{loaded} loaded, {rejected} rejected");
    }

    /// <summary>Each rule of the shared validation, broken in an otherwise intact compiled model.</summary>
    public static TheoryData<string> Breaks => new()
    {
        "leaf does not point to itself", "leaf has a feature", "leaf has a missing direction", "split has a NaN threshold",
        "child out of range", "child points back", "children skip a node", "feature out of range", "negative feature",
        "missing direction 2", "depth too small", "depth too large", "group out of range", "negative group",
        "first root not 0", "root out of range", "roots out of order", "unknown kind", "kind does not match objective",
        "unknown objective", "softmax without outputs", "more outputs than trees", "two outputs for logistic",
        "negative features",
    };

    [Theory]
    [MemberData(nameof(Breaks))]
    public void EveryValidationRuleRejectsACompiledModel(string rule)
    {
        var r = CompiledTreeFormat.Read(SmallCompiled.Value);
        var nodes = (TreeNode[])r.Nodes.Clone();
        var roots = (int[])r.Roots.Clone();
        var depths = (int[])r.Depths.Clone();
        var groups = (int[])r.Groups.Clone();
        int leaf = Array.FindIndex(nodes, n => float.IsNaN(n.Threshold));
        int split = Array.FindIndex(nodes, n => !float.IsNaN(n.Threshold));
        // Tree 1's root splits, so its children sit right after it.
        int root1 = roots[1];
        Assert.False(float.IsNaN(nodes[root1].Threshold));
        switch (rule)
        {
            case "leaf does not point to itself": nodes[leaf].Left++; break;
            case "leaf has a feature": nodes[leaf].Feature = 1; break;
            case "leaf has a missing direction": nodes[leaf].MissingRight = 1; break;
            case "split has a NaN threshold": nodes[split].Threshold = float.NaN; break;
            case "child out of range": nodes[root1].Left = (uint)nodes.Length + 5; break;
            case "child points back": nodes[root1].Left = (uint)root1; break;
            case "children skip a node": nodes[root1].Left++; break;
            case "feature out of range": nodes[split].Feature = SmallCols; break;
            case "negative feature": nodes[split].Feature = uint.MaxValue; break;
            case "missing direction 2": nodes[split].MissingRight = 2; break;
            case "depth too small": depths[1]--; break;
            case "depth too large": depths[1]++; break;
            case "group out of range": groups[2] = 1; break;
            case "negative group": groups[2] = -1; break;
            case "first root not 0": roots[0] = 1; break;
            case "root out of range": roots[^1] = nodes.Length; break;
            case "roots out of order": (roots[1], roots[2]) = (roots[2], roots[1]); break;
            case "unknown kind": r = r with { Kind = (TreeObjectiveKind)17 }; break;
            case "kind does not match objective": r = r with { Kind = TreeObjectiveKind.Exp }; break;
            case "unknown objective": r = r with { Objective = "binary:logisticX" }; break;
            case "softmax without outputs": r = r with { Objective = "multi:softprob", Kind = TreeObjectiveKind.Softmax, NumOutputs = 0 }; break;
            case "more outputs than trees": r = r with { Objective = "multi:softprob", Kind = TreeObjectiveKind.Softmax, NumOutputs = 6 }; break;
            case "two outputs for logistic": r = r with { NumOutputs = 2 }; break;
            case "negative features": r = r with { NumFeatures = -1 }; break;
            default: throw new ArgumentException(rule);
        }
        byte[] bytes = CompiledTreeFormat.Write(r with { Nodes = nodes, Roots = roots, Depths = depths, Groups = groups });
        var e = Assert.Throws<ModelFormatException>(() => TreeEnsemble.FromCompiled(bytes));
        Assert.StartsWith("invalid compiled tree model", e.Message);
    }

    [Fact]
    public void ANewerFormatVersionSaysSo()
    {
        byte[] bytes = (byte[])SmallCompiled.Value.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), CompiledTreeFormat.Version + 1);
        var e = Assert.Throws<ModelFormatException>(() => TreeEnsemble.FromCompiled(bytes));
        Assert.Contains("newer pgml", e.Message);
        Assert.Contains("Upgrade pgml", e.Hint);

        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 0);
        e = Assert.Throws<ModelFormatException>(() => TreeEnsemble.FromCompiled(bytes));
        Assert.DoesNotContain("newer", e.Message);
    }

    [Fact]
    public void OtherBytesAreNotACompiledModel()
    {
        Assert.Throws<ModelFormatException>(() => TreeEnsemble.FromCompiled(ReadOnlySpan<byte>.Empty));
        Assert.Throws<ModelFormatException>(() => TreeEnsemble.FromCompiled("{\"learner\": {}}"u8));
        Assert.Throws<ModelFormatException>(() => TreeEnsemble.FromXGBoostJson(SmallCompiled.Value));
        var rng = new Random(13);
        for (int i = 0; i < 200; i++)
        {
            var bytes = new byte[rng.Next(1, 400)];
            rng.NextBytes(bytes);
            if (i % 2 == 0) "PGMLTREE\u0001\0\0\0"u8[..Math.Min(12, bytes.Length)].CopyTo(bytes);
            Assert.Throws<ModelFormatException>(() => TreeEnsemble.FromCompiled(bytes));
        }
    }

    /// <summary>The checksum is plain XXH64 so other tools can verify it; these are xxHash's published values.</summary>
    [Theory]
    [InlineData("", 0xEF46DB3751D8E999UL)]
    [InlineData("a", 0xD24EC4F1A98C6E5BUL)]
    [InlineData("abc", 0x44BC2CF5AD770999UL)]
    [InlineData("0123456789abcdef0123456789abcdef", 0x642A94958E71E6C5UL)]
    [InlineData("Nobody inspects the spammish repetition", 0xFBCEA83C8A378BF1UL)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x0B242D361FDA71BCUL)]
    [InlineData("The quick brown fox jumps over the lazy dog.", 0x44AD33705751AD73UL)]
    public void TheChecksumIsXxHash64(string text, ulong expected) =>
        Assert.Equal(expected, CompiledTreeFormat.XxHash64(Encoding.ASCII.GetBytes(text)));

    internal static void Reseal(byte[] bytes)
    {
        int body = bytes.Length - CompiledTreeFormat.ChecksumSize;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(body), CompiledTreeFormat.XxHash64(bytes.AsSpan(0, body)));
    }
}
