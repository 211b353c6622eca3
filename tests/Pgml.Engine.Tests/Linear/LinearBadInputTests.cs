using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;
using Xunit;

namespace Pgml.Engine.Tests.Linear;

public class LinearBadInputTests
{
    [Theory]
    [InlineData("ridge", TaskKind.Regression, """{"alpha": -1}""", "\"alpha\" must be a number >= 0")]
    [InlineData("elastic_net", TaskKind.Regression, """{"l1_ratio": 1.5}""", "\"l1_ratio\" must be a number >= 0 and <= 1")]
    [InlineData("lasso", TaskKind.Regression, """{"l1_ratio": 0.5}""", "lasso has no hyperparameter \"l1_ratio\"")]
    [InlineData("lasso", TaskKind.Regression, """{"selection": "greedy"}""", "\"selection\" must be \"cyclic\" | \"random\"")]
    [InlineData("linear", TaskKind.Classification, """{"C": 0}""", "\"C\" must be a number > 0")]
    [InlineData("linear", TaskKind.Classification, """{"solver": "saga"}""", "\"solver\" must be \"lbfgs\"")]
    [InlineData("linear", TaskKind.Classification, """{"penalty": "l1"}""", "\"penalty\" must be \"l2\" | \"none\"")]
    [InlineData("linear", TaskKind.Classification, """{"multi_class": "ovr"}""", "\"multi_class\" must be \"auto\" | \"multinomial\"")]
    [InlineData("linear", TaskKind.Classification, """{"max_iter": 0}""", "\"max_iter\" must be an integer >= 1")]
    [InlineData("ridge", TaskKind.Regression, """{"solver": "svd"}""", "\"solver\" must be \"auto\" | \"cholesky\"")]
    [InlineData("linear_svm", TaskKind.Classification, """{"loss": "log"}""", "\"loss\" must be \"hinge\" | \"squared_hinge\"")]
    [InlineData("linear_svm", TaskKind.Classification, """{"multi_class": "crammer_singer"}""", "\"multi_class\" must be \"ovr\"")]
    [InlineData("linear_svm", TaskKind.Regression, """{"epsilon": -0.1}""", "\"epsilon\" must be a number >= 0")]
    [InlineData("linear_svm", TaskKind.Regression, """{"intercept_scaling": 0}""", "\"intercept_scaling\" must be a number > 0")]
    public void Bad_values_are_refused(string algorithm, TaskKind task, string json, string expected)
    {
        var e = Assert.Throws<InvalidParameterException>(() => AlgorithmRegistry.Find(algorithm, task).Validate(json, task));
        Assert.Contains(expected, e.Message);
        Assert.False(string.IsNullOrEmpty(e.Hint));
    }

    [Theory]
    [InlineData("linear", TaskKind.Regression, """{"positive": true}""", "positive = true")]
    [InlineData("ridge", TaskKind.Classification, """{"positive": true}""", "positive = true")]
    [InlineData("ridge", TaskKind.Classification, """{"class_weight": "balanced"}""", "class_weight")]
    [InlineData("linear", TaskKind.Classification, """{"class_weight": "balanced"}""", "class_weight")]
    [InlineData("linear", TaskKind.Classification, """{"dual": true}""", "dual = false")]
    [InlineData("linear_svm", TaskKind.Classification, """{"dual": false}""", "dual = true")]
    [InlineData("linear_svm", TaskKind.Regression, """{"dual": false}""", "dual = true")]
    public void Unimplemented_options_are_refused_by_name(string algorithm, TaskKind task, string json, string expected)
    {
        var e = Assert.Throws<UnsupportedException>(() => AlgorithmRegistry.Find(algorithm, task).Validate(json, task));
        Assert.Contains(expected, e.Message);
        Assert.False(string.IsNullOrEmpty(e.Hint));
    }

    [Theory]
    [InlineData("lasso")]
    [InlineData("elastic_net")]
    public void Lasso_and_elastic_net_are_regression_only(string algorithm)
    {
        var e = Assert.Throws<UnsupportedException>(() => AlgorithmRegistry.Find(algorithm, TaskKind.Classification));
        Assert.Contains("does not support classification", e.Message);
    }

    public static TheoryData<string, TaskKind> Fits()
    {
        var data = new TheoryData<string, TaskKind>();
        foreach (var name in new[] { "linear", "ridge", "lasso", "elastic_net", "linear_svm" })
            foreach (var task in AlgorithmRegistry.Find(name, TaskKind.Regression).Tasks)
                data.Add(name, task);
        return data;
    }

    private static SyntheticData DataFor(TaskKind task, int rows = 300) => task == TaskKind.Regression
        ? SyntheticData.Regression(rows, 4, seed: 61)
        : SyntheticData.Classification(rows, 4, 3, seed: 61, spread: 3);

    [Theory, MemberData(nameof(Fits))]
    public void Missing_or_infinite_values_are_refused(string algorithm, TaskKind task)
    {
        using var data = DataFor(task);
        data.Matrix[5, 2] = float.NaN;
        var e = Assert.Throws<InvalidDataException>(() => data.Fit(algorithm));
        Assert.Contains("NaN or infinite", e.Message);
        Assert.False(AlgorithmRegistry.Find(algorithm, task).AcceptsMissingValues);
        data.Matrix[5, 2] = float.PositiveInfinity;
        Assert.Throws<InvalidDataException>(() => data.Fit(algorithm));
    }

    private sealed class Cancelled : Exception;

    [Theory, MemberData(nameof(Fits))]
    public void Cancellation_propagates(string algorithm, TaskKind task)
    {
        using var data = DataFor(task);
        // closed forms (ordinary least squares, ridge) poll on entry and every 100,000 rows of their one pass;
        // iterative fits also poll at least once per iteration
        bool closedForm = algorithm == "ridge" || (algorithm == "linear" && task == TaskKind.Regression);
        foreach (int after in closedForm ? new[] { 0 } : new[] { 0, 1 })
        {
            int calls = 0;
            var set = data.TrainingSet(() => { if (calls++ >= after) throw new Cancelled(); });
            Assert.Throws<Cancelled>(() => AlgorithmRegistry.Find(algorithm, task).Train("{}", set));
        }
    }

    [Fact]
    public void A_class_missing_from_the_training_rows_still_gets_a_row_of_weights()
    {
        // classes 0 and 1 only, trained as 3 classes: class 2 is never the argmax, and nothing is NaN
        using var data = SyntheticData.Classification(300, 4, 2, seed: 62, spread: 3);
        var three = new SyntheticData(data.X, data.Y, data.Train, TaskKind.Classification, 3);
        using (three)
            foreach (var name in new[] { "linear", "ridge", "linear_svm" })
            {
                var p = three.Fit(name);
                Assert.Equal(3, p.NumOutputs);
                Assert.All(three.PredictTest(p), o => { Assert.All(o, v => Assert.True(float.IsFinite(v))); Assert.NotEqual(2, Close.ArgMax(o.Select(v => (double)v).ToArray())); });
            }
    }
}
