using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;
using Xunit;
using Pgml.Engine.Tests.TestData;

namespace Pgml.Engine.Tests.Algorithms;

/// <summary>What every algorithm owes the extension: its stored bytes load back to the same predictions, a bad
/// hyperparameter is refused before training, and a warm prediction allocates nothing.</summary>
public class AlgorithmContractTests
{
    public static TheoryData<string, TaskKind> Cases()
    {
        var data = new TheoryData<string, TaskKind>();
        foreach (var a in AlgorithmRegistry.Algorithms)
            foreach (var t in a.Tasks)
                data.Add(a.Name, t);
        return data;
    }

    private static SyntheticData DataFor(TaskKind task) => task switch
    {
        TaskKind.Regression => SyntheticData.Regression(300, 4, seed: 3),
        TaskKind.Classification => SyntheticData.Classification(300, 4, 3, seed: 3),
        _ => SyntheticData.Unlabeled(300, 4, 3, seed: 3, task),
    };

    [Theory, MemberData(nameof(Cases))]
    public void Stored_bytes_load_back_to_identical_predictions(string name, TaskKind task)
    {
        using var data = DataFor(task);
        var model = AlgorithmRegistry.Find(name, task).Train("{}", data.TrainingSet());
        var loaded = ModelFormats.Load(model.Predictor.ToBytes(), task);
        Assert.Equal(model.Predictor.Kind, loaded.Kind);
        Assert.Equal(model.Predictor.NumOutputs, loaded.NumOutputs);
        Assert.Equal(data.PredictTest(model.Predictor), data.PredictTest(loaded));
    }

    [Theory, MemberData(nameof(Cases))]
    public void Warm_prediction_allocates_nothing(string name, TaskKind task)
    {
        using var data = DataFor(task);
        var p = AlgorithmRegistry.Find(name, task).Train("{}", data.TrainingSet()).Predictor;
        var output = new float[p.NumOutputs];
        var rows = data.XTest;
        for (int i = 0; i < 1000; i++) p.Predict(rows[i % rows.Length], output);   // past the JIT's tiering
        Assert.Equal(0, Allocations.Fewest(() =>
        {
            for (int i = 0; i < 1000; i++) p.Predict(rows[i % rows.Length], output);
        }));
    }

    [Theory, MemberData(nameof(Cases))]
    public void Unknown_hyperparameter_is_refused(string name, TaskKind task)
    {
        var e = Assert.ThrowsAny<EngineException>(() => AlgorithmRegistry.Find(name, task).Validate("{\"no_such_key\": 1}", task));
        Assert.Contains("no_such_key", e.Message);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Damaged_bytes_are_a_format_error(string name, TaskKind task)
    {
        using var data = DataFor(task);
        var bytes = AlgorithmRegistry.Find(name, task).Train("{}", data.TrainingSet()).Predictor.ToBytes();
        bytes[bytes.Length / 2] ^= 0x10;
        Assert.Throws<ModelFormatException>(() => ModelFormats.Load(bytes, task));
        Assert.Throws<ModelFormatException>(() => ModelFormats.Load(bytes.AsSpan(0, bytes.Length - 9), task));
    }

    [Fact]
    public void Unknown_algorithm_and_unsupported_task_name_the_alternatives()
    {
        var e = Assert.Throws<UnsupportedException>(() => AlgorithmRegistry.Find("deep_forest", TaskKind.Regression));
        Assert.Contains("xgboost", e.Hint);
        var t = Assert.Throws<UnsupportedException>(() => AlgorithmRegistry.Find("xgboost", TaskKind.Clustering));
        Assert.Contains("does not support clustering", t.Message);
    }
}
