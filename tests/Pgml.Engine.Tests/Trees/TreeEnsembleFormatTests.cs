using System.Text;
using System.Text.Json.Nodes;
using Pgml.Engine.Trees;
using Xunit;

namespace Pgml.Engine.Tests.Trees;

/// <summary>Corrupt, truncated and unsupported models must fail with ModelFormatException and nothing else.</summary>
public class TreeEnsembleFormatTests
{
    private const int Cols = 4;

    private static readonly Lazy<byte[]> SmallModel = new(() =>
    {
        var (x, s) = XGBoostTraining.Features(400, Cols, 21);
        using var b = XGBoostTraining.Train(x, [.. s.Select(v => v > 0 ? 1f : 0f)], Cols, 2, ("objective", "binary:logistic"), ("max_depth", "2"));
        return b.Save();
    });

    private static byte[] Edit(Action<JsonNode> edit)
    {
        var root = JsonNode.Parse(SmallModel.Value)!;
        edit(root);
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static JsonNode Tree0(JsonNode root) => root["learner"]!["gradient_booster"]!["model"]!["trees"]![0]!;

    [Fact]
    public void TheUneditedSmallModelLoads()
    {
        var m = TreeEnsemble.FromXGBoostJson(SmallModel.Value);
        Assert.Equal(2, m.NumTrees);
        Assert.Equal(Cols, m.NumFeatures);
        Assert.Equal("binary:logistic", m.Objective);
        // Edit() round-trips through JsonNode; the unedited round trip must load too or the tests below prove nothing.
        TreeEnsemble.FromXGBoostJson(Edit(_ => { }));
    }

    [Fact]
    public void EveryTruncationIsAModelFormatException()
    {
        byte[] json = SmallModel.Value;
        for (int len = 0; len < json.Length; len++)
        {
            var e = Record.Exception(() => TreeEnsemble.FromXGBoostJson(json.AsSpan(0, len)));
            Assert.True(e is ModelFormatException, $"prefix of {len} bytes: {e?.GetType().Name ?? "no exception"}: {e?.Message}");
        }
    }

    [Fact]
    public void ByteFlipsEitherLoadOrFailWithModelFormatException()
    {
        byte[] json = SmallModel.Value;
        var rng = new Random(5);
        var features = new float[Cols];
        var output = new float[8];
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] bad = (byte[])json.Clone();
            for (int k = rng.Next(1, 4); k > 0; k--) bad[rng.Next(bad.Length)] = (byte)"0123456789-.eE[]{},\":x "[rng.Next(23)];
            TreeEnsemble m;
            try { m = TreeEnsemble.FromXGBoostJson(bad); }
            catch (ModelFormatException) { continue; }
            catch (Exception e) { Assert.Fail($"trial {trial}: {e.GetType().Name}: {e.Message}"); return; }
            // Whatever loaded must predict without looping or reading out of range.
            for (int r = 0; r < 20; r++)
            {
                for (int c = 0; c < Cols; c++) features[c] = r % 3 == 0 ? float.NaN : (float)(rng.NextDouble() * 20 - 10);
                if (m.NumFeatures <= Cols && m.NumOutputs <= output.Length) m.Predict(features, output);
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"learner\": 5}")]
    [InlineData("{\"learner\": {}}")]
    [InlineData("not json at all")]
    [InlineData("{\"learner\": {\"gradient_booster\": {\"name\": \"gbtree\"}}}")]
    public void GarbageIsAModelFormatException(string text) =>
        Assert.Throws<ModelFormatException>(() => TreeEnsemble.FromXGBoostJson(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void RandomBytesAreAModelFormatException()
    {
        var rng = new Random(3);
        for (int i = 0; i < 200; i++)
        {
            var bytes = new byte[rng.Next(1, 300)];
            rng.NextBytes(bytes);
            if (i % 2 == 0) bytes[0] = (byte)'{';
            Assert.Throws<ModelFormatException>(() => TreeEnsemble.FromXGBoostJson(bytes));
        }
    }

    [Fact]
    public void TrailingDataIsRejected() =>
        Assert.Throws<ModelFormatException>(() => TreeEnsemble.FromXGBoostJson([.. SmallModel.Value, .. "{}"u8]));

    [Theory]
    [InlineData("gblinear")]
    [InlineData("dart")]
    public void OtherBoostersAreNotSupported(string booster)
    {
        var (x, s) = XGBoostTraining.Features(300, Cols, 22);
        using var b = XGBoostTraining.Train(x, [.. s.Select(v => (float)v)], Cols, 2, ("booster", booster));
        var e = Assert.Throws<ModelFormatException>(() => TreeEnsemble.FromXGBoostJson(b.Save()));
        Assert.Contains($"'{booster}' is not supported", e.Message);
    }

    [Theory]
    [InlineData("survival:cox")]
    [InlineData("rank:pairwise")]
    [InlineData("reg:quantileerror")]
    public void UnsupportedObjectivesAreRejected(string objective)
    {
        var json = Edit(r => r["learner"]!["objective"]!["name"] = objective);
        var e = Assert.Throws<ModelFormatException>(() => TreeEnsemble.FromXGBoostJson(json));
        Assert.Contains(objective, e.Message);
    }

    [Fact]
    public void CategoricalSplitsAreRejected()
    {
        var json = Edit(r => Tree0(r)["split_type"]![0] = 1);
        Assert.Contains("categorical", Assert.Throws<ModelFormatException>(() => TreeEnsemble.FromXGBoostJson(json)).Message);
        json = Edit(r => { Tree0(r)["categories_nodes"] = new JsonArray(0); Tree0(r)["categories"] = new JsonArray(1, 3); });
        Assert.Contains("categorical", Assert.Throws<ModelFormatException>(() => TreeEnsemble.FromXGBoostJson(json)).Message);
    }

    public static TheoryData<string> Corruptions => new()
    {
        "child out of range", "child is the root", "both children equal", "feature out of range", "negative feature",
        "arrays of different lengths", "num_nodes disagrees", "tree_info too short", "group out of range",
        "num_trees disagrees", "missing split_conditions", "logistic base_score 1", "base_score text",
        "softprob without classes", "multi-target", "string in int array", "float in int array", "no trees",
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void StructuralCorruptionIsAModelFormatException(string corruption)
    {
        byte[] json = Edit(r =>
        {
            var learner = r["learner"]!;
            var model = learner["gradient_booster"]!["model"]!;
            var t = Tree0(r);
            switch (corruption)
            {
                case "child out of range": t["left_children"]![0] = 99; break;
                case "child is the root": t["left_children"]![1] = 0; break;
                case "both children equal": t["right_children"]![0] = t["left_children"]![0]!.GetValue<int>(); break;
                case "feature out of range": t["split_indices"]![0] = Cols; break;
                case "negative feature": t["split_indices"]![0] = -1; break;
                case "arrays of different lengths": t["split_conditions"]!.AsArray().RemoveAt(0); break;
                case "num_nodes disagrees": t["tree_param"]!["num_nodes"] = "3"; break;
                case "tree_info too short": model["tree_info"]!.AsArray().RemoveAt(0); break;
                case "group out of range": model["tree_info"]![0] = 1; break;
                case "num_trees disagrees": model["gbtree_model_param"]!["num_trees"] = "5"; break;
                case "missing split_conditions": t.AsObject().Remove("split_conditions"); break;
                case "logistic base_score 1": learner["learner_model_param"]!["base_score"] = "1"; break;
                case "base_score text": learner["learner_model_param"]!["base_score"] = "half"; break;
                case "softprob without classes": learner["objective"]!["name"] = "multi:softprob"; break;
                case "multi-target": learner["learner_model_param"]!["num_target"] = "2"; break;
                case "string in int array": t["left_children"]![0] = "1"; break;
                case "float in int array": t["split_indices"]![0] = 1.5; break;
                case "no trees": model.AsObject().Remove("trees"); break;
                default: throw new ArgumentException(corruption);
            }
        });
        Assert.Throws<ModelFormatException>(() => TreeEnsemble.FromXGBoostJson(json));
    }

    [Fact]
    public void ShortSpansAreArgumentExceptions()
    {
        var m = TreeEnsemble.FromXGBoostJson(SmallModel.Value);
        var output = new float[1];
        Assert.Throws<ArgumentException>(() => m.Predict(new float[Cols - 1], output));
        Assert.Throws<ArgumentException>(() => m.PredictMargin(new float[Cols], Span<float>.Empty));
        // Longer spans are fine: extra features are ignored.
        m.Predict(new float[Cols + 3], new float[2]);
    }
}
