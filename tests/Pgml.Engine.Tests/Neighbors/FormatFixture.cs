using System.Globalization;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;
using Xunit;

namespace Pgml.Engine.Tests.Neighbors;

/// <summary>
/// Committed model files of the knn, kmeans and pca formats with the predictions they gave when written: a later
/// pgml must load them and predict the same values bit for bit, so a format change cannot silently break stored models
/// (bump the format's version and keep reading the old one instead). Written into the source tree only when
/// PGML_WRITE_FIXTURES=1 (the writers are opt-in tests, skipped otherwise); the file names carry the format version.
/// </summary>
public static class FormatFixture
{
    public const string Variable = "PGML_WRITE_FIXTURES";

    private static string Format(float v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static float Parse(string s) => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <param name="sourceFile">The calling test's source file (CallerFilePath): the fixture goes in Fixtures/ beside it.</param>
    public static void Write(string sourceFile, string name, IPredictor predictor, float[][] rows)
    {
        string dir = Path.Combine(Path.GetDirectoryName(sourceFile)!, "Fixtures");
        Directory.CreateDirectory(dir);
        var lines = new List<string>
        {
            $"# Rows for {name}.bin and the outputs it gave when written: features ... | outputs ...",
        };
        foreach (var row in rows)
        {
            var output = new float[predictor.NumOutputs];
            predictor.Predict(row, output);
            lines.Add($"{string.Join(' ', row.Select(Format))} | {string.Join(' ', output.Select(Format))}");
        }
        File.WriteAllBytes(Path.Combine(dir, name + ".bin"), predictor.ToBytes());
        File.WriteAllLines(Path.Combine(dir, name + ".expected.txt"), lines);
    }

    /// <summary>Loads the committed fixture through ModelFormats.Load and checks every recorded output exactly; while
    /// <paramref name="currentVersion"/> is the fixture's, the loaded model must also write back the same bytes.</summary>
    public static IPredictor Check(string folder, string name, TaskKind task, bool currentVersion)
    {
        string path = Path.Combine(AppContext.BaseDirectory, folder, "Fixtures", name);
        byte[] bytes = File.ReadAllBytes(path + ".bin");
        var predictor = ModelFormats.Load(bytes, task);
        int checkedRows = 0;
        foreach (string line in File.ReadAllLines(path + ".expected.txt"))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split('|');
            float[] row = [.. parts[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Parse)];
            float[] expected = [.. parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Parse)];
            Assert.Equal(predictor.NumFeatures, row.Length);
            var output = new float[predictor.NumOutputs];
            predictor.Predict(row, output);
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), output.Select(BitConverter.SingleToInt32Bits));
            checkedRows++;
        }
        Assert.True(checkedRows >= 10, $"{name}: only {checkedRows} rows recorded");
        if (currentVersion) Assert.Equal(bytes, predictor.ToBytes());
        return predictor;
    }
}
