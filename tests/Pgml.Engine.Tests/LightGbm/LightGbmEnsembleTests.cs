using System.Text;
using Pgml.Engine.LightGbm;
using Xunit;
using Pgml.Engine.Tests.TestData;

namespace Pgml.Engine.Tests.LightGbm;

/// <summary>Models trained by the real lib_lightgbm must predict bit-identically in C# (doubles, and their float casts).</summary>
[Collection(LightGbmCollection.Name)]
public class LightGbmEnsembleTests
{
    private const int Cols = 10;
    private const int TrainRows = 3000;

    // Held-out rows plus the training rows (which sit exactly on LightGBM's bin boundaries' neighbours).
    private static (float[] Train, double[] Signal, float[] Eval) Data(int seed = 1)
    {
        var (train, signal) = LightGbmTraining.Features(TrainRows, Cols, seed);
        var (held, _) = LightGbmTraining.Features(TrainRows, Cols, seed + 1000);
        return (train, signal, [.. held, .. train]);
    }

    /// <summary>Checks held-out, training and threshold rows against LightGBM loading the same text; returns the model.</summary>
    private static LightGbmEnsemble Check(byte[] text, float[] eval)
    {
        var model = LightGbmEnsemble.FromLightGbmText(text);
        using var booster = LightGbmBooster.Load(text);
        Assert.Equal(booster.NumFeatures, model.NumFeatures);
        int rows = LightGbmTraining.AssertBitExact(model, booster, eval, Cols);
        Assert.Equal(2 * TrainRows, rows);
        int thresholdRows = LightGbmTraining.AssertBitExact(model, booster, LightGbmTraining.ThresholdRows(text, eval, Cols), Cols);
        Assert.True(thresholdRows > 1000, $"only {thresholdRows} threshold rows");
        return model;
    }

    private static string Objective(byte[] text) =>
        Encoding.UTF8.GetString(text).Split('\n').Single(l => l.StartsWith("objective=", StringComparison.Ordinal))["objective=".Length..];

    [Fact]
    public void RegressionIsBitExact()
    {
        var (x, s, eval) = Data();
        byte[] text = LightGbmTraining.Train(x, [.. s.Select(v => (float)v)], Cols, LightGbmTask.Regression, 0, """{"n_estimators": 60}""");
        var model = Check(text, eval);
        Assert.Equal("regression", model.Objective);
        Assert.Equal(1, model.NumOutputs);
        Assert.Equal(Cols, model.NumFeatures);
        Assert.Equal(60, model.NumTrees);
        Assert.Equal(60, model.NumIterations);
    }

    [Theory]
    [InlineData("regression_l1", "{}")]
    [InlineData("huber", """{"alpha": 1.5}""")]
    [InlineData("fair", "{}")]
    [InlineData("quantile", """{"alpha": 0.8}""")]
    [InlineData("mse", """{"reg_sqrt": true}""")]
    [InlineData("regression_l1", """{"reg_sqrt": true}""")]
    public void RegressionObjectivesAreBitExact(string objective, string extra)
    {
        var (x, s, eval) = Data(2);
        string json = extra.TrimEnd('}') + (extra == "{}" ? "" : ", ") + $"\"objective\": \"{objective}\", \"n_estimators\": 30}}";
        byte[] text = LightGbmTraining.Train(x, [.. s.Select(v => (float)(v * 3))], Cols, LightGbmTask.Regression, 0, json);
        var model = Check(text, eval);
        if (extra.Contains("reg_sqrt")) Assert.EndsWith(" sqrt", model.Objective);
    }

    [Theory]
    [InlineData("poisson")]
    [InlineData("gamma")]
    [InlineData("tweedie")]
    public void LogLinkObjectivesAreBitExact(string objective)
    {
        var (x, s, eval) = Data(3);
        float[] labels = [.. s.Select(v => MathF.Floor(MathF.Exp((float)v / 4)) + (objective == "gamma" ? 0.5f : 0f))];
        byte[] text = LightGbmTraining.Train(x, labels, Cols, LightGbmTask.Regression, 0, $$"""{"objective": "{{objective}}", "n_estimators": 40}""");
        var model = Check(text, eval);
        Assert.Equal(objective, model.ObjectiveName);
    }

    [Fact]
    public void BinaryIsBitExact()
    {
        var (x, s, eval) = Data(4);
        byte[] text = LightGbmTraining.Train(x, [.. s.Select(v => v > 0.3 ? 1f : 0f)], Cols, LightGbmTask.Classification, 2,
            """{"n_estimators": 60, "num_leaves": 15, "learning_rate": 0.3}""");
        var model = Check(text, eval);
        Assert.Equal("binary sigmoid:1", model.Objective);
        Assert.Equal(1, model.NumOutputs);
    }

    [Fact]
    public void BinaryWithAnotherSigmoidIsBitExact()
    {
        // The objective line keeps the sigmoid as "sigmoid:0.7", which LightGBM reads back with its own Common::Atof.
        var (x, s, eval) = Data(5);
        byte[] text = LightGbmTraining.Train(x, [.. s.Select(v => v > 0 ? 1f : 0f)], Cols, LightGbmTask.Classification, 2,
            """{"n_estimators": 30, "sigmoid": 0.7, "is_unbalance": true}""");
        Assert.Equal("binary sigmoid:0.7", Objective(text));
        Check(text, eval);
    }

    [Theory]
    [InlineData(3, "multiclass")]
    [InlineData(4, "multiclass")]
    [InlineData(3, "multiclassova")]
    public void MulticlassIsBitExact(int classes, string objective)
    {
        var (x, s, eval) = Data(6 + classes);
        byte[] text = LightGbmTraining.Train(x, LightGbmTraining.ClassLabels(s, classes), Cols, LightGbmTask.Classification, classes,
            $$"""{"objective": "{{objective}}", "n_estimators": 40, "num_leaves": 20, "feature_fraction": 0.8, "bagging_fraction": 0.7, "bagging_freq": 1}""");
        var model = Check(text, eval);
        Assert.Equal(classes, model.NumOutputs);
        Assert.Equal(40 * classes, model.NumTrees);
        Assert.Equal($"{objective} num_class:{classes}" + (objective == "multiclassova" ? " sigmoid:1" : ""), model.Objective);
    }

    [Fact]
    public void ZeroAsMissingIsBitExact()
    {
        // zero_as_missing gives every split MissingType::Zero: zeros and NaN take the default side.
        var (x, s, eval) = Data(11);
        byte[] text = LightGbmTraining.Train(x, [.. s.Select(v => (float)v)], Cols, LightGbmTask.Regression, 0,
            """{"n_estimators": 40, "zero_as_missing": true}""");
        Assert.Contains(MissingTypes(text), t => t == 1);
        Check(text, eval);
    }

    [Fact]
    public void WithoutMissingValueHandlingIsBitExact()
    {
        // use_missing = false: MissingType::None everywhere, so NaN is read as 0.0.
        var (x, s, eval) = Data(12);
        byte[] text = LightGbmTraining.Train(x, [.. s.Select(v => v > 0 ? 1f : 0f)], Cols, LightGbmTask.Classification, 2,
            """{"n_estimators": 40, "use_missing": false}""");
        Assert.All(MissingTypes(text), t => Assert.Equal(0, t));
        Check(text, eval);
    }

    [Fact]
    public void DefaultModelUsesNoneAndNaNMissingTypes()
    {
        var (x, s, _) = Data(13);
        byte[] text = LightGbmTraining.Train(x, [.. s.Select(v => (float)v)], Cols, LightGbmTask.Regression, 0, """{"n_estimators": 20}""");
        var types = MissingTypes(text).ToHashSet();
        Assert.Contains(0, types); // column 1 never has NaN
        Assert.Contains(2, types);
    }

    [Fact]
    public void MatchesTheTrainedBoosterAndItsSingleRowPredictor()
    {
        // The booster that was trained (never saved and reloaded) and LightGBM's single-row entry point agree too.
        var (x, s, eval) = Data(14);
        float[] labels = LightGbmTraining.ClassLabels(s, 3);
        using var trained = LightGbmTraining.TrainBooster(x, labels, Cols, 25,
            "objective=multiclass num_class=3 num_threads=1 deterministic=true verbosity=-1 num_leaves=12");
        byte[] text = trained.Save();
        var model = LightGbmEnsemble.FromLightGbmText(text);
        LightGbmTraining.AssertBitExact(model, trained, eval, Cols);

        var got = new double[3];
        for (int r = 0; r < 500; r++)
        {
            var row = eval.AsSpan(r * Cols, Cols);
            model.Predict(row, got);
            double[] single = trained.PredictSingleRow(row);
            for (int k = 0; k < 3; k++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(single[k]), BitConverter.DoubleToInt64Bits(got[k]));
        }
    }

    [Fact]
    public void ConstantTreesAreBitExact()
    {
        // A label LightGBM cannot split on: training stops with one-leaf trees holding the average.
        var (x, _, eval) = Data(15);
        float[] labels = [.. Enumerable.Repeat(2.5f, TrainRows)];
        byte[] text = LightGbmTraining.Train(x, labels, Cols, LightGbmTask.Regression, 0, """{"n_estimators": 10}""");
        var model = LightGbmEnsemble.FromLightGbmText(text);
        Assert.True(model.NumTrees >= 1);
        using var booster = LightGbmBooster.Load(text);
        LightGbmTraining.AssertBitExact(model, booster, eval, Cols);
    }

    [Fact]
    public void PredictionAllocatesNothing()
    {
        var (x, s, _) = Data(16);
        byte[] text = LightGbmTraining.Train(x, LightGbmTraining.ClassLabels(s, 4), Cols, LightGbmTask.Classification, 4, """{"n_estimators": 10}""");
        var model = LightGbmEnsemble.FromLightGbmText(text);
        var d = new double[4];
        var f = new float[4];
        void Run(int r)
        {
            var row = x.AsSpan(r * Cols, Cols);
            model.Predict(row, d);
            model.PredictMargin(row, d);
            model.Predict(row, f);
            model.PredictMargin(row, f);
        }
        Assert.Equal(0, Allocations.Fewest(() =>
        {
            for (int r = 0; r < 2000; r++) Run(r);
        }));
    }

    [Fact]
    public void ShortSpansAreArgumentErrors()
    {
        var (x, s, _) = Data(17);
        byte[] text = LightGbmTraining.Train(x, LightGbmTraining.ClassLabels(s, 3), Cols, LightGbmTask.Classification, 3, """{"n_estimators": 3}""");
        var model = LightGbmEnsemble.FromLightGbmText(text);
        Assert.Throws<ArgumentException>(() => model.Predict(new float[Cols - 1], new double[3]));
        Assert.Throws<ArgumentException>(() => model.Predict(new float[Cols], new double[2]));
        Assert.Throws<ArgumentException>(() => model.PredictMargin(new float[Cols], new float[2]));
        // Longer spans are fine: extra features are ignored, extra outputs untouched.
        var output = new double[4];
        output[3] = 42;
        model.Predict(new float[Cols + 2], output);
        Assert.Equal(42, output[3]);
        Assert.Equal(1.0, output[0] + output[1] + output[2], 12);
    }

    /// <summary>Every split's LightGBM MissingType (decision_type bits 2-3) in the model text.</summary>
    private static IEnumerable<int> MissingTypes(byte[] text) =>
        Encoding.UTF8.GetString(text).Split('\n')
            .Where(l => l.StartsWith("decision_type=", StringComparison.Ordinal))
            .SelectMany(l => l["decision_type=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(v => (int.Parse(v) >> 2) & 3);
}
