using Pgml.Engine.Algorithms;
using Pgml.Engine.Forest;
using Pgml.Engine.Models;
using Xunit;

namespace Pgml.Engine.Tests.Forest;

public class ForestTrainingTests
{
    private static ForestPredictor Train(IAlgorithm a, string json, SyntheticData data, Action? check = null) =>
        (ForestPredictor)a.Train(json, data.TrainingSet(check)).Predictor;

    [Theory]
    [InlineData("random_forest")]
    [InlineData("extra_trees")]
    public void The_same_seed_gives_the_same_forest_and_another_seed_another(string name)
    {
        using var data = SyntheticData.Nonlinear(400, 4, 3, seed: 2);
        var a = AlgorithmRegistry.Find(name, TaskKind.Classification);
        byte[] first = a.Train("""{"n_estimators": 5, "random_state": 7}""", data.TrainingSet()).Predictor.ToBytes();
        Assert.Equal(first, a.Train("""{"n_estimators": 5, "random_state": 7}""", data.TrainingSet()).Predictor.ToBytes());
        Assert.NotEqual(first, a.Train("""{"n_estimators": 5, "random_state": 8}""", data.TrainingSet()).Predictor.ToBytes());
        // null is the fixed seed 0
        Assert.Equal(a.Train("""{"n_estimators": 5, "random_state": 0}""", data.TrainingSet()).Predictor.ToBytes(),
            a.Train("""{"n_estimators": 5, "random_state": null}""", data.TrainingSet()).Predictor.ToBytes());
    }

    [Fact]
    public void Depth_and_leaf_limits_hold_in_every_tree()
    {
        using var data = SyntheticData.Friedman(600, 5, seed: 4);
        var shallow = Train(new RandomForestAlgorithm(), """{"n_estimators": 8, "max_depth": 3}""", data).ToLayout();
        for (int t = 0; t < shallow.NumTrees; t++) Assert.True(Depth(shallow, shallow.TreeStarts[t]) <= 3);
        var few = Train(new ExtraTreesAlgorithm(), """{"n_estimators": 8, "max_leaf_nodes": 5}""", data).ToLayout();
        for (int t = 0; t < few.NumTrees; t++)
        {
            int leaves = 0;
            for (int i = few.TreeStarts[t]; i < few.TreeStarts[t + 1]; i++) leaves += few.Feature[i] < 0 ? 1 : 0;
            Assert.Equal(5, leaves);   // 450 rows always have 5 splittable leaves
        }
        var big = Train(new RandomForestAlgorithm(), """{"n_estimators": 3, "min_samples_leaf": 40, "bootstrap": false}""", data);
        // with every row once, each leaf holds >= 40 rows, so a tree of 450 rows has at most 11 leaves
        var layout = big.ToLayout();
        for (int t = 0; t < layout.NumTrees; t++) Assert.True(layout.TreeStarts[t + 1] - layout.TreeStarts[t] <= 2 * 11 - 1);
    }

    private static int Depth(ForestLayout l, int node) =>
        l.Feature[node] < 0 ? 0 : 1 + Math.Max(Depth(l, l.Left[node]), Depth(l, l.Right[node]));

    [Fact]
    public void Probabilities_sum_to_one_and_a_pure_training_set_gives_one_leaf()
    {
        using var data = SyntheticData.Nonlinear(300, 4, 4, seed: 8);
        var p = Train(new RandomForestAlgorithm(), """{"n_estimators": 7}""", data);
        Assert.Equal(PredictionKind.Probabilities, p.Kind);
        var o = new float[4];
        foreach (var row in data.XTest)
        {
            p.Predict(row, o);
            Assert.Equal(1.0, o.Sum(), 5);
        }
        using var constant = SyntheticData.Friedman(100, 5, seed: 1);
        Array.Fill(constant.Labels, 2.5f);
        var flat = Train(new ExtraTreesAlgorithm(), """{"n_estimators": 2}""", constant);
        Assert.Equal(2, flat.NumNodes);
        flat.Predict(constant.XTest[0], o);
        Assert.Equal(2.5f, o[0]);
    }

    [Fact]
    public void Constant_features_are_never_split_on()
    {
        using var data = SyntheticData.Friedman(500, 6, seed: 6);
        foreach (var row in data.X) { row[1] = 3f; row[4] = -1f; }
        for (int r = 0; r < data.X.Length; r++) { data.Matrix[r, 1] = 3f; data.Matrix[r, 4] = -1f; }
        var l = Train(new RandomForestAlgorithm(), """{"n_estimators": 5, "max_features": 2}""", data).ToLayout();
        Assert.DoesNotContain(1, l.Feature);
        Assert.DoesNotContain(4, l.Feature);
        Assert.Contains(0, l.Feature);
    }

    [Theory]
    [InlineData("random_forest")]
    [InlineData("extra_trees")]
    public void Missing_or_infinite_features_are_refused(string name)
    {
        using var data = SyntheticData.Friedman(100, 5, seed: 1);
        data.Matrix[10, 2] = float.NaN;
        var e = Assert.Throws<InvalidDataException>(() => AlgorithmRegistry.Find(name, TaskKind.Regression).Train("{}", data.TrainingSet()));
        Assert.Contains("row 11, feature 3", e.Message);
        data.Matrix[10, 2] = float.PositiveInfinity;
        Assert.Throws<InvalidDataException>(() => AlgorithmRegistry.Find(name, TaskKind.Regression).Train("{}", data.TrainingSet()));
        Assert.False(AlgorithmRegistry.Find(name, TaskKind.Regression).AcceptsMissingValues);
    }

    [Theory]
    [InlineData("random_forest", 1)]
    [InlineData("random_forest", 25)]
    [InlineData("extra_trees", 3)]
    public void Cancellation_propagates(string name, int after)
    {
        using var data = SyntheticData.Friedman(3000, 5, seed: 2);
        int calls = 0;
        Assert.Throws<OperationCanceledException>(() => AlgorithmRegistry.Find(name, TaskKind.Regression)
            .Train("""{"n_estimators": 50}""", data.TrainingSet(() => { if (++calls > after) throw new OperationCanceledException(); })));
        Assert.Equal(after + 1, calls);
    }

    [Fact]
    public void Interrupts_are_checked_every_tree_and_every_100k_rows()
    {
        using var data = SyntheticData.Friedman(2000, 5, seed: 2);
        int calls = 0;
        Train(new RandomForestAlgorithm(), """{"n_estimators": 4, "max_depth": 1}""", data, () => calls++);
        Assert.True(calls >= 4, $"{calls} checks for 4 trees");
        calls = 0;
        // 1500 rows x 5 features x ~10 levels is ~75k rows per tree visited at each of several passes
        Train(new RandomForestAlgorithm(), """{"n_estimators": 4, "bootstrap": false}""", data, () => calls++);
        Assert.True(calls >= 8, $"{calls} checks");
    }
}
