using System.Text.Json;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Linear;
using Pgml.Engine.Models;
using Xunit;

namespace Pgml.Engine.Tests.Linear;

/// <summary>
/// Format "linear" v1: committed bytes (Fixtures/linear-*-v1.bin) must load and predict exactly the committed outputs
/// (Fixtures/linear-v1-expected.json) forever. PGML_WRITE_FIXTURES=1 rewrites both from the models below.
/// </summary>
public class LinearFormatTests
{
    private static readonly float[][] Rows = [[0.5f, -1.25f, 3f], [0f, 0f, 0f], [-2f, 7.5f, 0.125f], [100f, -100f, 1e-3f]];

    private static readonly (string Name, TaskKind Task, LinearPredictor Model)[] Models =
    [
        ("value", TaskKind.Regression, new LinearPredictor(LinearOutput.Value, 3, 0, [0.5, -2.25, 1.0 / 3], [0.75])),
        ("logistic-binary", TaskKind.Classification, new LinearPredictor(LinearOutput.Logistic, 3, 2, [0.1, -0.2, 0.3], [-0.4])),
        ("logistic-3", TaskKind.Classification, new LinearPredictor(LinearOutput.Logistic, 3, 3, [0.1, -0.2, 0.3, -0.5, 0.25, 0, 0.4, -0.05, -0.3], [0.2, -0.1, -0.1])),
        ("scores-binary", TaskKind.Classification, new LinearPredictor(LinearOutput.Scores, 3, 2, [1.5, 0.5, -1], [0.125])),
        ("scores-3", TaskKind.Classification, new LinearPredictor(LinearOutput.Scores, 3, 3, [1, 0, 0, 0, 1, 0, 0, 0, 1], [0, -1, 1])),
    ];

    private static string Fixture(string file) => Path.Combine(AppContext.BaseDirectory, "Linear", "Fixtures", file);

    [Fact]
    public void Committed_models_predict_the_committed_outputs()
    {
        if (Environment.GetEnvironmentVariable("PGML_WRITE_FIXTURES") == "1") Write();
        var expected = JsonSerializer.Deserialize<Dictionary<string, float[][]>>(File.ReadAllText(Fixture("linear-v1-expected.json")))!;
        foreach (var (name, task, _) in Models)
        {
            var p = ModelFormats.Load(File.ReadAllBytes(Fixture($"linear-{name}-v1.bin")), task);
            Assert.Equal(expected[name], Predict(p));
        }
    }

    private static float[][] Predict(IPredictor p) => Rows.Select(r => { var o = new float[p.NumOutputs]; p.Predict(r, o); return o; }).ToArray();

    private static void Write()
    {
        // into the source tree (the test runs from bin/<config>/<tfm>/)
        string dir = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "Linear", "Fixtures"));
        Directory.CreateDirectory(dir);
        Directory.CreateDirectory(Path.GetDirectoryName(Fixture("x"))!);
        var expected = new Dictionary<string, float[][]>();
        foreach (var (name, _, model) in Models)
        {
            File.WriteAllBytes(Path.Combine(dir, $"linear-{name}-v1.bin"), model.ToBytes());
            File.Copy(Path.Combine(dir, $"linear-{name}-v1.bin"), Fixture($"linear-{name}-v1.bin"), overwrite: true);
            expected[name] = Predict(model);
        }
        string json = JsonSerializer.Serialize(expected);
        File.WriteAllText(Path.Combine(dir, "linear-v1-expected.json"), json);
        File.WriteAllText(Fixture("linear-v1-expected.json"), json);
    }

    [Fact]
    public void Outputs_follow_each_kind()
    {
        var x = Rows[0];
        double z = 0.1 * 0.5 + -0.2 * -1.25 + 0.3 * 3 - 0.4;
        var o = new float[2];
        Models[1].Model.Predict(x, o);
        Assert.Equal((float)(1 / (1 + Math.Exp(-z))), o[1]);
        Assert.Equal((float)(1 - 1 / (1 + Math.Exp(-z))), o[0]);
        Models[3].Model.Predict(x, o);
        double s = 1.5 * 0.5 + 0.5 * -1.25 - 3 + 0.125;
        Assert.Equal([(float)-s, (float)s], o);
        var three = new float[3];
        Models[2].Model.Predict(x, three);
        Assert.Equal(1.0, three.Sum(), 1e-6);
    }

    public static TheoryData<string, string> Damaged() => new()
    {
        { "kind 3", "output kind = 3" },
        { "no features", "features = 0" },
        { "value with classes", "does not fit" },
        { "short coefficients", "coefficients has 2 values, expected 3" },
        { "NaN coefficient", "not finite" },
        { "extra bytes", "unread bytes" },
    };

    [Theory, MemberData(nameof(Damaged))]
    public void Inconsistent_payloads_are_format_errors(string what, string expected)
    {
        var w = new ModelWriter(LinearPredictor.Format, LinearPredictor.Version);
        _ = what switch
        {
            "kind 3" => w.Int32(3).Int32(3).Int32(0).Doubles([1, 2, 3]).Doubles([0]),
            "no features" => w.Int32(0).Int32(0).Int32(0).Doubles([]).Doubles([0]),
            "value with classes" => w.Int32(0).Int32(3).Int32(2).Doubles([1, 2, 3]).Doubles([0]),
            "short coefficients" => w.Int32(0).Int32(3).Int32(0).Doubles([1, 2]).Doubles([0]),
            "NaN coefficient" => w.Int32(0).Int32(3).Int32(0).Doubles([1, double.NaN, 3]).Doubles([0]),
            _ => w.Int32(0).Int32(3).Int32(0).Doubles([1, 2, 3]).Doubles([0]).Int32(0),
        };
        var e = Assert.Throws<ModelFormatException>(() => ModelFormats.Load(w.ToBytes(), TaskKind.Regression));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_newer_version_is_refused()
    {
        var bytes = new ModelWriter(LinearPredictor.Format, 2).Int32(0).ToBytes();
        var e = Assert.Throws<ModelFormatException>(() => ModelFormats.Load(bytes, TaskKind.Regression));
        Assert.Contains("format version 2", e.Message);
    }
}
