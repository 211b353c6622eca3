using System.Globalization;
using System.Runtime.CompilerServices;
using Pgml.Engine.Trees;
using Pgml.Engine.XGBoost;
using Xunit;

namespace Pgml.Engine.Tests.Trees;

/// <summary>
/// Compiled models are stored in databases, so a model compiled by this version must load in every later one. The
/// fixture is a committed v1 file: if a format change breaks it, bump the version and keep reading v1 (or fall back
/// to the JSON) rather than regenerating the fixture.
/// </summary>
public class TreeEnsembleCompiledFixtureTests
{
    private const string Name = "compiled-v1";
    private const int Cols = 4;

    private static string FixturePath(string suffix) => Path.Combine(AppContext.BaseDirectory, "Trees", "Fixtures", Name + suffix);

    [Fact]
    public void TheCommittedV1ModelLoadsAndPredictsTheRecordedValues()
    {
        byte[] compiled = File.ReadAllBytes(FixturePath(".bin"));
        var model = TreeEnsemble.FromCompiled(compiled);
        Assert.Equal(5, model.NumTrees);
        Assert.Equal(Cols, model.NumFeatures);
        Assert.Equal(1, model.NumOutputs);
        Assert.Equal("binary:logistic", model.Objective);

        var (rows, margins, predictions) = ReadExpected(File.ReadAllLines(FixturePath(".expected.txt")));
        Assert.True(rows.Length >= 20 * Cols && rows.Any(float.IsNaN));
        BitExact.Compare("fixture margin", margins, 1, rows, Cols, (row, o) => model.PredictMargin(row, o));
        BitExact.Compare("fixture prediction", predictions, 1, rows, Cols, (row, o) => model.Predict(row, o));

        // The recorded values are XGBoost's own for the JSON the model was compiled from.
        byte[] json = File.ReadAllBytes(FixturePath(".xgboost.json"));
        using var booster = Booster.Load(json);
        BitExact.AssertMatchesXGBoost(model, booster, rows, Cols);
        // While v1 is the current version, compiling the JSON must reproduce the committed bytes exactly: a layout
        // change without a version bump fails here.
        if (CompiledTreeFormat.Version == 1) Assert.Equal(compiled, TreeEnsemble.FromXGBoostJson(json).ToCompiled());
    }

    private static (float[] Rows, float[] Margins, float[] Predictions) ReadExpected(string[] lines)
    {
        var rows = new List<float>();
        var margins = new List<float>();
        var predictions = new List<float>();
        foreach (string line in lines)
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string[] parts = line.Split('|');
            float[] features = [.. parts[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Parse)];
            float[] outputs = [.. parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Parse)];
            Assert.Equal(Cols, features.Length);
            Assert.Equal(2, outputs.Length);
            rows.AddRange(features);
            margins.Add(outputs[0]);
            predictions.Add(outputs[1]);
        }
        return ([.. rows], [.. margins], [.. predictions]);
    }

    private static float Parse(string s) => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Format(float v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes the fixture into the source tree when PGML_WRITE_TREE_FIXTURES=1 (skipped otherwise). The file name
    /// carries the version ToCompiled writes, so running it after a format change adds a new fixture beside the old.
    /// </summary>
    [OptInFact("PGML_WRITE_TREE_FIXTURES", "writes the compiled-model fixture into the source tree")]
    public void WriteFixtureWhenAsked()
    {
        var (x, s) = XGBoostTraining.Features(600, Cols, 77, missingRate: 0.15);
        using var b = XGBoostTraining.Train(x, [.. s.Select(v => v > 0.2 ? 1f : 0f)], Cols, 5,
            ("objective", "binary:logistic"), ("max_depth", "3"), ("base_score", "0.3"));
        byte[] json = b.Save();
        var model = TreeEnsemble.FromXGBoostJson(json);
        byte[] compiled = model.ToCompiled();
        string dir = Path.Combine(Path.GetDirectoryName(SourcePath())!, "Fixtures");
        string name = $"compiled-v{CompiledTreeFormat.Version}";
        Directory.CreateDirectory(dir);

        var (rows, _) = XGBoostTraining.Features(24, Cols, 78, missingRate: 0.2);
        rows = [.. rows, .. Enumerable.Repeat(float.NaN, Cols)];
        BitExact.AssertMatchesXGBoost(model, b, rows, Cols);
        var lines = new List<string>
        {
            $"# Rows for {name}.bin ({model.Objective}, {model.NumTrees} trees), written by TreeEnsembleCompiledFixtureTests.WriteFixtureWhenAsked.",
            "# features ... | margin prediction; floats in shortest round-trip text, NaN = missing",
        };
        var m = new float[1];
        var p = new float[1];
        for (int r = 0; r < rows.Length / Cols; r++)
        {
            var row = rows.AsSpan(r * Cols, Cols);
            model.PredictMargin(row, m);
            model.Predict(row, p);
            lines.Add($"{string.Join(' ', row.ToArray().Select(Format))} | {Format(m[0])} {Format(p[0])}");
        }
        File.WriteAllBytes(Path.Combine(dir, name + ".bin"), compiled);
        File.WriteAllBytes(Path.Combine(dir, name + ".xgboost.json"), json);
        File.WriteAllLines(Path.Combine(dir, name + ".expected.txt"), lines);
    }

    private static string SourcePath([CallerFilePath] string path = "") => path;
}
