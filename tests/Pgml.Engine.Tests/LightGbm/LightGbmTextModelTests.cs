using System.Text;
using Pgml.Engine.LightGbm;
using Xunit;

namespace Pgml.Engine.Tests.LightGbm;

/// <summary>
/// Handcrafted LightGBM text models (every decision_type, thresholds on exact float values, zero, ±kZeroThreshold,
/// ±infinity) evaluated by C# and by lib_lightgbm loading the same text; and the parser's rejection of broken or
/// unsupported models.
/// </summary>
[Collection(LightGbmCollection.Name)]
public class LightGbmTextModelTests
{
    private const int Features = 4;

    private static HandcraftedLightGbmModel RandomModel(int seed, string objective = "regression", int numClass = 1, int iterations = 12)
    {
        var rng = new Random(seed);
        var m = new HandcraftedLightGbmModel { Objective = objective, NumClass = numClass, NumFeatures = Features };
        for (int t = 0; t < iterations * numClass; t++)
            m.Trees.Add(t % 7 == 3
                ? HandcraftedLightGbmModel.Tree(1, [], [], [], [], [], [Math.Round(rng.NextDouble(), 3)])
                : HandcraftedLightGbmModel.RandomTree(rng, rng.Next(2, 24), Features));
        return m;
    }

    private static void AssertMatchesLightGbm(byte[] text, int seed)
    {
        var model = LightGbmEnsemble.FromLightGbmText(text);
        using var booster = LightGbmBooster.Load(text);
        float[] rows = HandcraftedLightGbmModel.Rows(new Random(seed), 4000, Features);
        int checkedRows = LightGbmTraining.AssertBitExact(model, booster, rows, Features);
        Assert.True(checkedRows > 4000);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void HandcraftedRegressionMatchesLightGbm(int seed) => AssertMatchesLightGbm(RandomModel(seed).Bytes(), seed);

    [Theory]
    [InlineData("binary sigmoid:1", 1)]
    [InlineData("binary sigmoid:0.35", 1)]
    [InlineData("regression sqrt", 1)]
    [InlineData("poisson", 1)]
    [InlineData("multiclass num_class:3", 3)]
    [InlineData("multiclassova num_class:3 sigmoid:2.5", 3)]
    public void HandcraftedObjectivesMatchLightGbm(string objective, int numClass) =>
        AssertMatchesLightGbm(RandomModel(objective.Length, objective, numClass).Bytes(), 7);

    [Fact]
    public void ThresholdEqualToTheValueGoesLeft()
    {
        // The one comparison rule, spelled out: a value equal to the threshold goes left ("<="), NaN with missing type
        // NaN follows default_left, zero with missing type Zero follows default_left, NaN with missing type None is 0.0.
        var m = new HandcraftedLightGbmModel { NumFeatures = 1 };
        m.Trees.Add(HandcraftedLightGbmModel.Tree(2, [0], [0.5], [0], [-1], [-2], [10, 20]));
        m.Trees.Add(HandcraftedLightGbmModel.Tree(2, [0], [-1.0], [10], [-1], [-2], [100, 200]));   // NaN type, default left
        m.Trees.Add(HandcraftedLightGbmModel.Tree(2, [0], [-1.0], [6], [-1], [-2], [1000, 2000]));  // Zero type, default left
        var model = LightGbmEnsemble.FromLightGbmText(m.Bytes());
        double Raw(float v)
        {
            var output = new double[1];
            model.PredictMargin([v], output);
            return output[0];
        }
        Assert.Equal(10 + 200 + 2000, Raw(0.5f));
        Assert.Equal(20 + 200 + 2000, Raw(MathF.BitIncrement(0.5f)));
        Assert.Equal(10 + 100 + 1000, Raw(float.NaN));     // None: NaN -> 0.0 <= 0.5; NaN type: default left; Zero: missing
        Assert.Equal(10 + 200 + 1000, Raw(0f));            // Zero type: zero is missing -> default left
        Assert.Equal(10 + 200 + 1000, Raw(1e-35f));        // |x| <= kZeroThreshold is read as 0.0
        Assert.Equal(10 + 100 + 1000, Raw(-3f));
        AssertMatchesLightGbmOn(m.Bytes(), [0.5f, MathF.BitIncrement(0.5f), float.NaN, 0f, -0f, 1e-35f, -3f, -1f, MathF.BitDecrement(-1f)]);
    }

    private static void AssertMatchesLightGbmOn(byte[] text, float[] values)
    {
        var model = LightGbmEnsemble.FromLightGbmText(text);
        using var booster = LightGbmBooster.Load(text);
        LightGbmTraining.AssertBitExact(model, booster, values, 1);
    }

    [Fact]
    public void ModelWithoutTreesPredictsZero()
    {
        var m = new HandcraftedLightGbmModel { Objective = "binary sigmoid:1" };
        var model = LightGbmEnsemble.FromLightGbmText(m.Bytes());
        Assert.Equal(0, model.NumTrees);
        var output = new double[1];
        model.Predict(new float[Features], output);
        Assert.Equal(0.5, output[0]);
        using var booster = LightGbmBooster.Load(m.Bytes());
        LightGbmTraining.AssertBitExact(model, booster, new float[Features], Features);
    }

    [Fact]
    public void CrLfLineEndingsAreAccepted()
    {
        byte[] text = RandomModel(4).Bytes();
        byte[] crlf = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(text).Replace("\n", "\r\n"));
        var a = LightGbmEnsemble.FromLightGbmText(text);
        var b = LightGbmEnsemble.FromLightGbmText(crlf);
        var row = new float[] { 0.5f, float.NaN, 0f, -7f };
        var x = new double[1];
        var y = new double[1];
        a.Predict(row, x);
        b.Predict(row, y);
        Assert.Equal(x[0], y[0]);
    }

    // ---- rejections ----

    private static ModelFormatException Rejected(string text) =>
        Assert.Throws<ModelFormatException>(() => LightGbmEnsemble.FromLightGbmText(Encoding.UTF8.GetBytes(text)));

    private static string Valid(int seed = 5) => RandomModel(seed, iterations: 3).Text();

    [Fact]
    public void EveryTruncationIsRejected()
    {
        // Cutting the text anywhere before "end of trees" leaves a model that cannot be read; nothing else is thrown.
        string text = Valid();
        int end = text.IndexOf("end of trees", StringComparison.Ordinal);
        for (int cut = 0; cut < end; cut += cut < 400 ? 1 : 7)
        {
            var e = Rejected(text[..cut]);
            Assert.StartsWith("invalid LightGBM text model", e.Message);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("{\"learner\": {}}")]
    [InlineData("tree\n")]
    [InlineData("tree\nversion=v4\nnum_class=1\n")]
    [InlineData("tree\nversion=v4\nnum_class=x\nmax_feature_idx=3\nend of trees\n")]
    [InlineData("\u0000\u0001garbage\u00ff")]
    public void GarbageIsRejected(string text) => Assert.StartsWith("invalid LightGBM text model", Rejected(text).Message);

    [Fact]
    public void RandomBytesAreRejected()
    {
        var rng = new Random(9);
        for (int i = 0; i < 200; i++)
        {
            var bytes = new byte[rng.Next(0, 300)];
            rng.NextBytes(bytes);
            Assert.Throws<ModelFormatException>(() => LightGbmEnsemble.FromLightGbmText(bytes));
        }
    }

    [Fact]
    public void CorruptedCharactersAreRejectedOrStillValid()
    {
        // A corrupted byte either makes the model unreadable (ModelFormatException) or leaves a valid model; never
        // another exception, and never an evaluator that reads outside its arrays.
        string text = Valid(6);
        var rng = new Random(10);
        var row = new float[] { 0.5f, float.NaN, 0f, -7f };
        var output = new double[1];
        for (int i = 0; i < 600; i++)
        {
            var chars = text.ToCharArray();
            int at = rng.Next(chars.Length);
            chars[at] = "0123456789-~ =\nxe."[rng.Next(18)];
            try
            {
                var model = LightGbmEnsemble.FromLightGbmText(Encoding.UTF8.GetBytes(new string(chars)));
                if (model.NumFeatures <= row.Length && model.NumOutputs == 1) model.Predict(row, output);
            }
            catch (ModelFormatException)
            {
            }
        }
    }

    [Fact]
    public void WrongStructureIsRejected()
    {
        string Tree(int[] left, int[] right, int[]? feature = null, int leaves = 3) =>
            HandcraftedLightGbmModel.Tree(leaves, feature ?? [0, 1], [0.5, 0.5], [2, 2], left, right, [.. Enumerable.Repeat(1.0, leaves)]);
        string With(string tree)
        {
            var m = new HandcraftedLightGbmModel();
            m.Trees.Add(tree);
            return m.Text();
        }
        Assert.Contains("not reachable", Rejected(With(Tree([-1, -2], [-3, 1]))).Message);        // cycle 1 -> 1
        Assert.Contains("repeated", Rejected(With(Tree([1, -1], [-2, -2]))).Message);             // leaf 1 twice
        Assert.Contains("invalid", Rejected(With(Tree([1, -1], [-2, -7]))).Message);              // leaf 6 of 3
        Assert.Contains("invalid", Rejected(With(Tree([5, -1], [-2, -3]))).Message);              // split 5 of 2
        Assert.Contains("feature 4", Rejected(With(Tree([1, -1], [-2, -3], [0, 4]))).Message);    // 4 features
        Assert.Contains("feature -1", Rejected(With(Tree([1, -1], [-2, -3], [0, -1]))).Message);
        Assert.Contains("more than 2 values", Rejected(With(Tree([1, -1, 0], [-2, -3, 0]))).Message); // 3 children for 2 splits
        Assert.Contains("leaf_value", Rejected(With(Tree([1, -1], [-2, -3]).Replace("leaf_value=1 1 1", "leaf_value=1 1"))).Message);
        Assert.Contains("has 2 values, expected 3", Rejected(With(Tree([1, -1], [-2, -3]).Replace("leaf_value=1 1 1", "leaf_value=1 1     "))).Message);
        Assert.Contains("Tree=5", Rejected(With(Tree([1, -1], [-2, -3])).Replace("Tree=0", "Tree=5")).Message);
        Assert.Contains("unknown missing type", Rejected(With(Tree([1, -1], [-2, -3]).Replace("decision_type=2 2", "decision_type=2 12"))).Message);
        Assert.Contains("num_leaves", Rejected(With(Tree([1, -1], [-2, -3]).Replace("num_leaves=3", "num_leaves=0"))).Message);
        Assert.Contains("not a number", Rejected(With(Tree([1, -1], [-2, -3]).Replace("threshold=0.5 0.5", "threshold=0.5 x"))).Message);
    }

    [Fact]
    public void HeaderInconsistenciesAreRejected()
    {
        string text = Valid();
        Assert.Contains("version", Rejected(text.Replace("version=v4\n", "")).Message);
        Assert.Contains("max_feature_idx", Rejected(text.Replace("max_feature_idx=3\n", "")).Message);
        Assert.Contains("num_class", Rejected(text.Replace("num_class=1\n", "num_class=3\n")).Message);
        Assert.Contains("num_tree_per_iteration", Rejected(text.Replace("num_tree_per_iteration=1\n", "num_tree_per_iteration=0\n")).Message);
        Assert.Contains("sigmoid", Rejected(text.Replace("objective=regression\n", "objective=binary\n")).Message);
        Assert.Contains("num_class", Rejected(text.Replace("objective=regression\n", "objective=multiclass\n")).Message);
        var m = RandomModel(8, "multiclass num_class:3", 3, iterations: 2);
        m.Trees.RemoveAt(5);
        Assert.Contains("whole number of iterations", Rejected(m.Text()).Message);
    }

    [Fact]
    public void UnsupportedModelsAreRejectedByName()
    {
        string text = Valid();
        Assert.Contains("version 'v5'", Rejected(text.Replace("version=v4", "version=v5")).Message);
        Assert.Contains("objective 'lambdarank'", Rejected(text.Replace("objective=regression", "objective=lambdarank")).Message);
        Assert.Contains("boosting 'rf'", Rejected(text.Replace("objective=regression\n", "objective=regression\naverage_output\n")).Message);
        Assert.Contains("boosting 'dart'", Rejected(text.Replace("[boosting: gbdt]", "[boosting: dart]")).Message);
        Assert.Contains("categorical", Rejected(text.Replace("num_cat=0", "num_cat=1")).Message);
        Assert.Contains("linear tree", Rejected(text.Replace("is_linear=0", "is_linear=1")).Message);
        var m = new HandcraftedLightGbmModel();
        m.Trees.Add(HandcraftedLightGbmModel.Tree(2, [0], [0], [1], [-1], [-2], [1, 2]));
        var e = Rejected(m.Text());
        Assert.Contains("categorical", e.Message);
        Assert.NotNull(e.Hint);
    }

    [Fact]
    public void ObjectiveOptionsAreParsedAsLightGbmParsesThem()
    {
        // Common::Atof, replicated: plain decimals, exponents, signs.
        Assert.Equal(1.0, LightGbmObjective.Atof("1"));
        Assert.Equal(0.7, LightGbmObjective.Atof("0.7"));
        Assert.Equal(2.5e-3, LightGbmObjective.Atof("2.5e-3"));
        Assert.Equal(-12.0, LightGbmObjective.Atof("-1.2E+1"));
        Assert.Null(LightGbmObjective.Atof("x"));
        Assert.Null(LightGbmObjective.Atof("1.5x"));
        Assert.Equal(LightGbmTransform.SignedSquare, LightGbmObjective.Parse("regression sqrt").Transform);
        Assert.Equal(LightGbmTransform.Identity, LightGbmObjective.Parse("huber sqrt").Transform); // huber switches sqrt off
        Assert.Equal(LightGbmTransform.Exp, LightGbmObjective.Parse("tweedie").Transform);
        Assert.Equal(4, LightGbmObjective.Parse("multiclassova num_class:4 sigmoid:1").NumClass);
    }
}
