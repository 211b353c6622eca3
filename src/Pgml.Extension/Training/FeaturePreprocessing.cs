using Pgml.Engine.Data;
using Pgml.Engine.Preprocessing;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Training;

/// <summary>The preprocessed training rows (null when the raw rows are used as they are) and the pipeline to store.</summary>
internal sealed record PreprocessingResult(NativeMatrix? Transformed, byte[]? Json, bool UsesTargetEncoding = false);

/// <summary>
/// Fits the `preprocess` argument's pipeline on the training rows (statistics from them only) and applies it to
/// every row. With nothing to do (numbers only, no impute, no scale) the raw matrix goes to the trees as it is: no
/// copy, nothing stored, and predictions read arrays in place.
/// </summary>
internal static class FeaturePreprocessing
{
    public static IReadOnlyList<RawFeature> RawFeatures(IReadOnlyList<FeatureColumn> columns) =>
        columns.SelectMany(c => c.Kind switch
        {
            ColumnKind.Array => RawFeature.ArrayElements(c.Column.Name, c.Width, FeatureKind.Numeric),
            ColumnKind.Text => [RawFeature.Scalar(c.Column.Name, FeatureKind.Categorical)],
            _ => [RawFeature.Scalar(c.Column.Name, FeatureKind.Numeric)],
        }).ToArray();

    public static PreprocessingResult Fit(TrainingData data, long trainRows, string preprocessJson, ReadOnlySpan<float> labels)
    {
        var raw = RawFeatures(data.FeatureColumns);
        var spec = PreprocessSpec.Parse(preprocessJson, raw);
        var vocabularies = data.FeatureColumns.SelectMany(c => Enumerable.Repeat(
            c.Kind == ColumnKind.Text ? data.VocabularyOrNull(c, isLabel: false) ?? new Utf8Vocabulary() : null, c.Width)).ToArray();
        var pipeline = PipelineFitter.Fit(raw, spec, data.Features, trainRows, labels.IsEmpty ? labels : labels[..checked((int)trainRows)], vocabularies, Pg.CheckForInterrupts);
        if (pipeline.IsIdentity) return new PreprocessingResult(null, null);
        var output = new NativeMatrix(pipeline.OutputWidth, data.Features.Rows);
        try
        {
            // in slices, so a cancel does not wait for millions of rows
            const long Slice = 65536;
            for (long from = 0; from < data.Features.Rows; from += Slice)
            {
                pipeline.TransformRows(data.Features, from, Math.Min(Slice, data.Features.Rows - from), output, vocabularies);
                Pg.CheckForInterrupts();
            }
            return new PreprocessingResult(output, pipeline.ToJson(), spec.Positions.Any(p => p.Encode == EncodeKind.Target));
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }
}
