using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;
using Pgml.Engine.Svm;
using Pgml.Engine.Tests.Algorithms;
using Xunit;

namespace Pgml.Engine.Tests.Svm;

/// <summary>svm's hyperparameter checks, data checks, cancellation, max_iter, the cache and the class scores.</summary>
public class SvmBehaviourTests
{
    private static readonly SvmAlgorithm Svm = new();

    [Theory]
    [InlineData("""{"kernel": "precomputed"}""", "kernel")]
    [InlineData("""{"C": 0}""", "\"C\"")]
    [InlineData("""{"gamma": -1}""", "gamma")]
    [InlineData("""{"gamma": "sometimes"}""", "gamma")]
    [InlineData("""{"degree": -1}""", "degree")]
    [InlineData("""{"tol": 0}""", "tol")]
    [InlineData("""{"cache_size": 0}""", "cache_size")]
    [InlineData("""{"max_iter": -2}""", "max_iter")]
    [InlineData("""{"epsilon": 0.2}""", "epsilon")]               // SVR's, not SVC's
    [InlineData("""{"class_weight": {"0": 2}}""", "class_weight")]
    [InlineData("""{"decision_function_shape": "ovo", "break_ties": true}""", "break_ties")]
    public void Bad_classification_hyperparameters_are_refused(string json, string named)
    {
        var e = Assert.Throws<InvalidParameterException>(() => Svm.Validate(json, TaskKind.Classification));
        Assert.Contains(named, e.Message);
    }

    [Theory]
    [InlineData("""{"epsilon": -0.1}""", "epsilon")]
    [InlineData("""{"probability": true}""", "probability")]      // SVC's, not SVR's
    [InlineData("""{"shrinking": 1}""", "shrinking")]
    public void Bad_regression_hyperparameters_are_refused(string json, string named)
    {
        var e = Assert.Throws<InvalidParameterException>(() => Svm.Validate(json, TaskKind.Regression));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void Probability_estimates_are_refused_with_the_reason()
    {
        var e = Assert.Throws<UnsupportedException>(() => Svm.Validate("""{"probability": true}""", TaskKind.Classification));
        Assert.Contains("probability", e.Message);
        Assert.Contains("predict_proba", e.Hint);
    }

    [Fact]
    public void Scikit_learn_keys_without_effect_are_accepted()
    {
        Svm.Validate("""{"verbose": true, "random_state": 3, "shrinking": false, "decision_function_shape": "ovo", "class_weight": null}""", TaskKind.Classification);
        Svm.Validate("""{"verbose": false, "max_iter": 100, "gamma": 0.5, "kernel": "sigmoid"}""", TaskKind.Regression);
    }

    [Fact]
    public void One_class_in_the_training_rows_is_a_data_error()
    {
        // 3 classes, blob rows cycle 0,1,2: a training set of the first row only holds class 0
        using var data = SyntheticData.Classification(30, 3, 3, seed: 1, train: 1);
        var e = Assert.Throws<InvalidDataException>(() => Svm.Train("{}", data.TrainingSet()));
        Assert.Contains("two classes", e.Message);
    }

    [Fact]
    public void A_class_without_training_rows_scores_below_the_others()
    {
        // the training rows hold classes 0 and 1 of 3 (rows cycle 0,1,2 and only the first 2 train)
        using var data = SyntheticData.Classification(30, 3, 3, seed: 1, train: 2);
        var p = Svm.Train("{}", data.TrainingSet()).Predictor;
        Assert.Equal(3, p.NumOutputs);
        foreach (var o in data.PredictTest(p)) Assert.True(o[2] < Math.Min(o[0], o[1]));
    }

    private sealed class Cancelled : Exception;

    [Theory]
    [InlineData(TaskKind.Regression, 2)]
    [InlineData(TaskKind.Classification, 3)]
    public void Cancellation_propagates_from_the_solver(TaskKind task, int afterCalls)
    {
        // linear kernel with a large C takes tens of thousands of iterations here: the solver polls at least every 500
        using var data = task == TaskKind.Regression ? SyntheticData.Regression(300, 4, seed: 5, noise: 0.5)
            : SyntheticData.Classification(300, 4, 3, seed: 5, spread: 4);
        int calls = 0;
        var set = data.TrainingSet(() => { if (++calls >= afterCalls) throw new Cancelled(); });
        Assert.Throws<Cancelled>(() => Svm.Train("""{"kernel": "linear", "C": 1000.0}""", set));
        Assert.Equal(afterCalls, calls);
    }

    [Fact]
    public void Max_iter_bounds_the_solver()
    {
        using var data = SyntheticData.Regression(300, 4, seed: 5, noise: 0.5);
        var model = SvmTrainer.Train(SvmParameters.Parse("""{"max_iter": 25}""", TaskKind.Regression), data.TrainingSet(), out var info);
        Assert.Equal(25, info.Iterations[0]);
        Assert.False(info.Converged);
        Assert.All(data.PredictTest(model), o => Assert.True(float.IsFinite(o[0])));

        SvmTrainer.Train(SvmParameters.Parse("{}", TaskKind.Regression), data.TrainingSet(), out var full);
        Assert.True(full.Converged);
        Assert.True(full.Iterations[0] > 25);

        using var classes = SyntheticData.Classification(300, 4, 3, seed: 5, spread: 4);
        SvmTrainer.Train(SvmParameters.Parse("""{"max_iter": 7}""", TaskKind.Classification), classes.TrainingSet(), out var perPair);
        Assert.Equal([7L, 7L, 7L], perPair.Iterations);   // like libsvm, the limit applies to each class pair's problem
    }

    [Theory]
    [InlineData(TaskKind.Regression, "svm")]
    [InlineData(TaskKind.Classification, "svm")]
    [InlineData(TaskKind.Regression, "nu_svm")]
    [InlineData(TaskKind.Classification, "nu_svm")]
    public void Shrinking_and_a_two_column_cache_do_not_change_the_model(TaskKind task, string algorithm)
    {
        using var data = task == TaskKind.Regression ? SyntheticData.Regression(400, 5, seed: 9, noise: 0.3)
            : SyntheticData.Classification(400, 5, 3, seed: 9, spread: 3);
        IAlgorithm svm = algorithm == "svm" ? Svm : new NuSvmAlgorithm();
        var reference = svm.Train("""{"shrinking": false, "tol": 1e-6}""", data.TrainingSet()).Predictor;
        var shrunk = svm.Train("""{"shrinking": true, "tol": 1e-6, "cache_size": 1e-6}""", data.TrainingSet()).Predictor;
        var a = data.PredictTest(reference);
        var b = data.PredictTest(shrunk);
        // 1e-4 absolute: both runs stop within tol = 1e-6 of the same optimum; scores are float32 of values up to ~10
        for (int r = 0; r < a.Length; r++)
            for (int c = 0; c < a[r].Length; c++)
                Assert.True(Math.Abs(a[r][c] - b[r][c]) <= 1e-4, $"row {r} output {c}: {a[r][c]} vs {b[r][c]}");
    }

    [Fact]
    public unsafe void The_cache_keeps_at_most_its_budget_and_recomputes_evicted_columns()
    {
        using var data = SyntheticData.Regression(100, 3, seed: 2);
        int[] rows = Enumerable.Range(0, 100).ToArray();
        var kernel = new SvmKernel(KernelType.Rbf, 3, 0.5, 0);
        // 1 KB holds 2 columns of 100 float32 (the minimum), not 3
        using var cache = new KernelColumnCache(data.Matrix.Data, 3, rows, kernel, 1.0 / 1024);
        Assert.Equal(2 * 100 * sizeof(float), cache.CachedBytes);
        float first = cache.Column(0)[7];
        cache.Column(1);
        cache.Column(0);          // hit
        Assert.Equal(2, cache.Misses);
        cache.Column(2);          // evicts column 1, the least recently used
        cache.Column(0);          // still cached
        Assert.Equal(3, cache.Misses);
        cache.Column(1);
        Assert.Equal(4, cache.Misses);
        Assert.Equal(first, cache.Column(0)[7]);
        double expected = kernel.Eval(data.Matrix.Data, data.Matrix.Data + 7 * 3, 3);
        Assert.Equal((float)expected, first);
    }

    [Fact]
    public void Gamma_scale_and_auto_match_scikit_learn()
    {
        using var data = SyntheticData.Regression(200, 6, seed: 4);
        var sk = SklearnReference.Fit("sklearn.svm.SVR", new { }, data.XTrain, data.YTrain, null, "_gamma");
        var model = SvmTrainer.Train(SvmParameters.Parse("{}", TaskKind.Regression), data.TrainingSet(), out var info);
        // 1e-12 relative: the same variance in double, summed in another order
        Assert.Equal(sk["_gamma"].Scalar(), info.Gamma, 1e-12 * info.Gamma);
        Assert.Equal(info.Gamma, model.Kernel.Gamma);
        SvmTrainer.Train(SvmParameters.Parse("""{"gamma": "auto"}""", TaskKind.Regression), data.TrainingSet(), out var auto);
        Assert.Equal(1.0 / 6, auto.Gamma);
    }

    /// <summary>A 3-class model whose pairs carry no support vector, so each decision is −ρ: (0,1) +0.1 votes 0,
    /// (0,2) −5 votes 2, (1,2) +0.1 votes 1. The votes tie 1-1-1; the confidences favour class 2.</summary>
    private static SvmPredictor TiedVotes(bool breakTies) => new(TaskKind.Classification, new SvmKernel(KernelType.Linear, 3, 1, 0), 1, 3,
        breakTies, [0f], [0, 1, 0, 2, 1, 2], [0, 0, 0, 0], [], [], [-0.1, 5, -0.1]);

    [Fact]
    public void Tied_votes_go_to_the_lowest_class_like_libsvm()
    {
        var output = new float[3];
        TiedVotes(breakTies: false).Predict([1f], output);
        Assert.Equal(0, Array.IndexOf(output, output.Max()));
        Assert.Equal(1, output.Count(v => v == output.Max()));
        // the other classes keep scikit-learn's ovr decision_function: votes + c / (3 (|c| + 1))
        Assert.Equal(1 + 0 / 3.0, output[1], 1e-6);
        Assert.Equal(1 + 4.9 / (3 * 5.9), output[2], 1e-6);
    }

    [Fact]
    public void Break_ties_takes_the_decision_function_argmax()
    {
        var output = new float[3];
        TiedVotes(breakTies: true).Predict([1f], output);
        Assert.Equal(2, Array.IndexOf(output, output.Max()));
        Assert.Equal(1 - 4.9 / (3 * 5.9), output[0], 1e-6);
    }

    [Fact]
    public void Hostile_bytes_with_a_valid_checksum_are_refused()
    {
        // a support-vector index past the stored vectors
        var bytes = new ModelWriter(SvmPredictor.Format, SvmPredictor.Version)
            .Int32((int)TaskKind.Regression).Int32((int)KernelType.Rbf).Int32(3).Double(0.5).Double(0)
            .Int32(2).Int32(0).Int32(0).Floats([1f, 2f]).Ints([]).Ints([0, 1]).Ints([1]).Doubles([0.5]).Doubles([0.1]).ToBytes();
        var e = Assert.Throws<ModelFormatException>(() => ModelFormats.Load(bytes, TaskKind.Regression));
        Assert.Contains("index", e.Message);
        // a class pair that is not i < j < K
        bytes = new ModelWriter(SvmPredictor.Format, SvmPredictor.Version)
            .Int32((int)TaskKind.Classification).Int32((int)KernelType.Linear).Int32(3).Double(1).Double(0)
            .Int32(1).Int32(2).Int32(0).Floats([1f]).Ints([1, 0]).Ints([0, 1]).Ints([0]).Doubles([1]).Doubles([0]).ToBytes();
        Assert.Throws<ModelFormatException>(() => ModelFormats.Load(bytes, TaskKind.Classification));
        // a newer format version
        bytes = new ModelWriter(SvmPredictor.Format, SvmPredictor.Version + 1).Int32(0).ToBytes();
        Assert.Throws<ModelFormatException>(() => ModelFormats.Load(bytes, TaskKind.Regression));
    }
}
