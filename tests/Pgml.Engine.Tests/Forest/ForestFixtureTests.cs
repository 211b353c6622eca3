using System.Globalization;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Forest;
using Pgml.Engine.Models;
using Xunit;

namespace Pgml.Engine.Tests.Forest;

/// <summary>
/// Forest models are stored in databases, so bytes written by format "forest" v1 must load and predict the same in
/// every later pgml. The fixtures are committed v1 files with the predictions recorded when they were written; a
/// format change must bump the version and keep reading v1 rather than regenerate them. To (re)write them, run with
/// PGML_WRITE_FIXTURES=1 and copy bin/.../Forest/Fixtures/* back to the source folder.
/// </summary>
public class ForestFixtureTests
{
    public static TheoryData<string, TaskKind> Fixtures() => new()
    {
        { "random_forest-classification-v1", TaskKind.Classification },
        { "extra_trees-regression-v1", TaskKind.Regression },
    };

    private static string Path(string name, string suffix) => System.IO.Path.Combine(AppContext.BaseDirectory, "Forest", "Fixtures", name + suffix);

    [Theory, MemberData(nameof(Fixtures))]
    public void Committed_v1_model_loads_and_predicts_the_recorded_values(string name, TaskKind task)
    {
        if (Environment.GetEnvironmentVariable("PGML_WRITE_FIXTURES") == "1") Write(name, task);
        byte[] bytes = File.ReadAllBytes(Path(name, ".bin"));
        var model = ModelFormats.Load(bytes, task);
        Assert.IsType<ForestPredictor>(model);
        var lines = File.ReadAllLines(Path(name, ".expected.txt")).Where(l => !l.StartsWith('#')).ToArray();
        Assert.True(lines.Length >= 10);
        foreach (string line in lines)
        {
            var parts = line.Split('|');
            float[] row = [.. parts[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, CultureInfo.InvariantCulture))];
            float[] expected = [.. parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, CultureInfo.InvariantCulture))];
            var output = new float[model.NumOutputs];
            model.Predict(row, output);
            Assert.Equal(expected, output);   // bit for bit
        }
        // While v1 is current, writing the loaded model reproduces the committed bytes: a layout change without a version bump fails here.
        if (ForestPredictor.Version == 1) Assert.Equal(bytes, model.ToBytes());
    }

    private static void Write(string name, TaskKind task)
    {
        using var data = task == TaskKind.Classification ? SyntheticData.Nonlinear(200, 4, 3, seed: 21) : SyntheticData.Friedman(200, 5, seed: 21);
        var algorithm = AlgorithmRegistry.Find(name.Split('-')[0], task);
        var model = algorithm.Train("""{"n_estimators": 4, "max_depth": 4, "random_state": 3}""", data.TrainingSet()).Predictor;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path(name, ".bin"))!);
        File.WriteAllBytes(Path(name, ".bin"), model.ToBytes());
        var lines = new List<string> { $"# {name}: features | predicted outputs (float32, round-trip format) for held-out rows" };
        var output = new float[model.NumOutputs];
        foreach (var row in data.XTest.Take(20))
        {
            model.Predict(row, output);
            lines.Add(string.Join(' ', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + " | " +
                string.Join(' ', output.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
        File.WriteAllLines(Path(name, ".expected.txt"), lines);
    }
}
