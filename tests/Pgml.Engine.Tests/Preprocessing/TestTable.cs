using System.Text;
using Pgml.Engine.Data;
using Pgml.Engine.Preprocessing;

namespace Pgml.Engine.Tests.Preprocessing;

/// <summary>
/// Builds what the training reader would: raw positions, a raw matrix (numbers, or vocabulary codes for text; NaN
/// for NULL) and one reader vocabulary per text position, filled from all rows (train and test).
/// Columns: float[] (numeric, NaN = NULL), string?[] (text), float[][] (numeric array, one array per row).
/// </summary>
internal sealed class TestTable : IDisposable
{
    public List<RawFeature> Features { get; } = [];
    public List<Utf8Vocabulary?> Vocabularies { get; } = [];
    public NativeMatrix Raw { get; }

    public TestTable(params (string Name, object Values)[] columns)
    {
        var cols = new List<Func<int, float>>();
        int rows = -1;
        foreach (var (name, values) in columns)
        {
            switch (values)
            {
                case float[] f:
                    rows = f.Length;
                    Features.Add(RawFeature.Scalar(name, FeatureKind.Numeric));
                    Vocabularies.Add(null);
                    cols.Add(r => f[r]);
                    break;
                case string?[] s:
                {
                    rows = s.Length;
                    var vocabulary = new Utf8Vocabulary();
                    var codes = s.Select(v => v == null ? float.NaN : vocabulary.GetOrAdd(Encoding.UTF8.GetBytes(v))).ToArray();
                    Features.Add(RawFeature.Scalar(name, FeatureKind.Categorical));
                    Vocabularies.Add(vocabulary);
                    cols.Add(r => codes[r]);
                    break;
                }
                case float[][] a:
                    rows = a.Length;
                    for (int e = 0; e < a[0].Length; e++)
                    {
                        int element = e;
                        Features.Add(new RawFeature(name, element, FeatureKind.Numeric));
                        Vocabularies.Add(null);
                        cols.Add(r => a[r][element]);
                    }
                    break;
                default:
                    throw new ArgumentException(values.GetType().Name);
            }
        }
        Raw = new NativeMatrix(Features.Count, rows);
        var row = new float[Features.Count];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols.Count; c++) row[c] = cols[c](r);
            Raw.AppendRow(row);
        }
    }

    public PreprocessSpec Spec(string? json = null) => PreprocessSpec.Parse(json, Features);

    public FittedPipeline Fit(string? json, long trainRows, float[]? labels = null) =>
        PipelineFitter.Fit(Features, Spec(json), Raw, trainRows, labels ?? [], Vocabularies);

    /// <summary>Transforms rows [from, from + rows) with the pipeline's TransformRows.</summary>
    public float[][] Transform(FittedPipeline pipeline, long from, long rows)
    {
        using var output = new NativeMatrix(pipeline.OutputWidth, Math.Max(1, rows));
        pipeline.TransformRows(Raw, from, rows, output);
        return Enumerable.Range(0, (int)rows).Select(r => output.Row(r).ToArray()).ToArray();
    }

    /// <summary>Column <paramref name="output"/> of rows [from, from + rows).</summary>
    public float[] Column(FittedPipeline pipeline, int output, long from, long rows) =>
        Transform(pipeline, from, rows).Select(r => r[output]).ToArray();

    public void Dispose() => Raw.Dispose();

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
