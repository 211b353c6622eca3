using System.Globalization;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;
using Xunit;

namespace Pgml.Engine.Tests.Svm;

/// <summary>
/// Models stored in format "svm" version 1 (committed under Fixtures/) must keep loading and predicting the same
/// values, so a later change of the format or the predictor cannot silently break stored models. PGML_WRITE_FIXTURES=1
/// rewrites the fixtures (only when the format version changes, with a new file name).
/// </summary>
public class SvmFixtureTests
{
    public static TheoryData<string, TaskKind, string> Fixtures() => new()
    {
        { "svm-regression-rbf-v1", TaskKind.Regression, """{"kernel": "rbf", "C": 2.0}""" },
        { "svm-multiclass-poly-v1", TaskKind.Classification, """{"kernel": "poly", "degree": 2, "coef0": 1.0}""" },
        { "svm-binary-sigmoid-v1", TaskKind.Classification, """{"kernel": "sigmoid", "gamma": 0.05}""" },
        // nu_svm models are stored in the same format (the same support-vector expansion)
        { "svm-nu-regression-rbf-v1", TaskKind.Regression, """{"nu": 0.4, "C": 2.0}""" },
        { "svm-nu-multiclass-rbf-v1", TaskKind.Classification, """{"nu": 0.3}""" },
    };

    /// <summary>Fixed rows: feature i of row r is sin(3r + i) × 1.5 (near the training rows of each fixture).</summary>
    private static float[][] Rows(int features) =>
        Enumerable.Range(0, 8).Select(r => Enumerable.Range(0, features).Select(i => (float)(Math.Sin(3 * r + i) * 1.5)).ToArray()).ToArray();

    private static string Dir => Path.Combine(AppContext.BaseDirectory, "Svm", "Fixtures");

    [Theory, MemberData(nameof(Fixtures))]
    public void Stored_model_predicts_what_it_did(string name, TaskKind task, string json)
    {
        if (Environment.GetEnvironmentVariable("PGML_WRITE_FIXTURES") == "1") Write(name, task, json);
        var predictor = ModelFormats.Load(File.ReadAllBytes(Path.Combine(Dir, name + ".bin")), task);
        var expected = File.ReadAllLines(Path.Combine(Dir, name + ".expected.txt"))
            .Select(l => l.Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var rows = Rows(predictor.NumFeatures);
        for (int r = 0; r < rows.Length; r++)
        {
            var output = new float[predictor.NumOutputs];
            predictor.Predict(rows[r], output);
            Assert.Equal(expected[r], output);   // exact: same bytes, same arithmetic
        }
    }

    private static void Write(string name, TaskKind task, string json)
    {
        using var data = task == TaskKind.Regression ? SyntheticData.Regression(60, 3, seed: 17)
            : SyntheticData.Classification(60, 3, name.Contains("binary") ? 2 : 3, seed: 17, spread: 2);
        IAlgorithm algorithm = name.Contains("-nu-") ? new Pgml.Engine.Svm.NuSvmAlgorithm() : new Pgml.Engine.Svm.SvmAlgorithm();
        var predictor = algorithm.Train(json, data.TrainingSet()).Predictor;
        // written to the source tree (tests/Pgml.Engine.Tests/Svm/Fixtures), found from the output directory
        string source = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "Svm", "Fixtures"));
        Directory.CreateDirectory(source);
        File.WriteAllBytes(Path.Combine(source, name + ".bin"), predictor.ToBytes());
        var lines = Rows(3).Select(row =>
        {
            var o = new float[predictor.NumOutputs];
            predictor.Predict(row, o);
            return string.Join(' ', o.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        });
        File.WriteAllLines(Path.Combine(source, name + ".expected.txt"), lines);
        Directory.CreateDirectory(Dir);
        File.Copy(Path.Combine(source, name + ".bin"), Path.Combine(Dir, name + ".bin"), true);
        File.Copy(Path.Combine(source, name + ".expected.txt"), Path.Combine(Dir, name + ".expected.txt"), true);
    }
}
