using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;
using Pgml.Engine.Svm;
using Xunit;

namespace Pgml.Engine.Tests.Svm;

/// <summary>nu_svm's hyperparameter checks (NuSVR's and NuSVC's keys), infeasible ν, and cancellation (shrinking: SvmBehaviourTests).</summary>
public class NuSvmBehaviourTests
{
    private static readonly NuSvmAlgorithm NuSvm = new();

    [Theory]
    [InlineData("""{"nu": 0}""", "nu")]
    [InlineData("""{"nu": 1.5}""", "nu")]
    [InlineData("""{"C": 2.0}""", "\"C\"")]                    // NuSVR's, not NuSVC's
    [InlineData("""{"epsilon": 0.1}""", "epsilon")]            // SVR's
    [InlineData("""{"kernel": "precomputed"}""", "kernel")]
    public void Bad_classification_hyperparameters_are_refused(string json, string named)
    {
        var e = Assert.Throws<InvalidParameterException>(() => NuSvm.Validate(json, TaskKind.Classification));
        Assert.Contains(named, e.Message);
    }

    [Theory]
    [InlineData("""{"nu": -0.5}""", "nu")]
    [InlineData("""{"epsilon": 0.1}""", "epsilon")]            // ν replaces ε
    [InlineData("""{"class_weight": "balanced"}""", "class_weight")]
    public void Bad_regression_hyperparameters_are_refused(string json, string named)
    {
        var e = Assert.Throws<InvalidParameterException>(() => NuSvm.Validate(json, TaskKind.Regression));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void Scikit_learn_keys_are_accepted()
    {
        NuSvm.Validate("""{"nu": 0.3, "class_weight": "balanced", "decision_function_shape": "ovo", "random_state": 1, "verbose": false}""", TaskKind.Classification);
        NuSvm.Validate("""{"nu": 1.0, "C": 3.0, "kernel": "poly", "degree": 2}""", TaskKind.Regression);
    }

    [Fact]
    public void Infeasible_nu_is_refused_with_the_largest_feasible_value()
    {
        // 10 rows of class 0 and 30 of class 1: ν (10 + 30) / 2 ≤ 10 needs ν ≤ 0.5; scikit-learn says "specified nu is infeasible"
        var x = Enumerable.Range(0, 40).Select(r => new[] { (float)r, (float)(r % 7) }).ToArray();
        var y = Enumerable.Range(0, 40).Select(r => r < 10 ? 0f : 1f).ToArray();
        using var data = SyntheticData.AllTraining(x, y, TaskKind.Classification, classes: 2);
        var e = Assert.Throws<InvalidParameterException>(() => NuSvm.Train("""{"nu": 0.6}""", data.TrainingSet()));
        Assert.Contains("infeasible", e.Message);
        Assert.Contains("at most 2 × 10 / 40 = 0.5", e.Hint);
        NuSvm.Train("""{"nu": 0.5}""", data.TrainingSet());   // the limit itself is feasible
    }

    private sealed class Cancelled : Exception;

    [Theory]
    [InlineData(TaskKind.Regression)]
    [InlineData(TaskKind.Classification)]
    public void Cancellation_propagates_from_the_solver(TaskKind task)
    {
        // the first check is at the solver's start, the second ≤ 20 ms later: 3,000 rows take far longer
        using var data = task == TaskKind.Regression ? SyntheticData.Regression(4000, 4, seed: 5, noise: 0.5)
            : SyntheticData.Classification(4000, 4, 2, seed: 5, spread: 1);
        int calls = 0;
        var set = data.TrainingSet(() => { if (++calls >= 2) throw new Cancelled(); });
        Assert.Throws<Cancelled>(() => NuSvm.Train("""{"kernel": "linear"}""", set));
        Assert.Equal(2, calls);
    }
}
