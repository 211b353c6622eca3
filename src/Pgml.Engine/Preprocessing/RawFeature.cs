namespace Pgml.Engine.Preprocessing;

/// <summary>How a raw position's values reach the pipeline.</summary>
public enum FeatureKind
{
    /// <summary>A number (numeric or boolean column, or one element of a numeric array); NaN = NULL.</summary>
    Numeric,

    /// <summary>A text value, read as a vocabulary code (training) or as UTF-8 bytes (prediction); NaN = NULL.</summary>
    Categorical,
}

/// <summary>
/// One raw input position of a model: a scalar column (<paramref name="Element"/> = -1) or one element of a
/// fixed-size array column (<paramref name="Element"/> = 0-based offset in the flattened array). A column's
/// preprocessor applies to each of its positions.
/// </summary>
public sealed record RawFeature(string Column, int Element, FeatureKind Kind)
{
    /// <summary>
    /// The position's display name: the column, or "column[i]" with the 1-based SQL subscript, so
    /// "image[1]" is what <c>SELECT image[1]</c> returns.
    /// </summary>
    public string Name => Element < 0 ? Column : $"{Column}[{Element + 1}]"; // computed, so `with` cannot leave it stale

    /// <summary>A scalar column.</summary>
    public static RawFeature Scalar(string column, FeatureKind kind) => new(column, -1, kind);

    /// <summary>The <paramref name="length"/> positions of a fixed-size array column.</summary>
    public static IEnumerable<RawFeature> ArrayElements(string column, int length, FeatureKind kind)
    {
        for (int i = 0; i < length; i++) yield return new RawFeature(column, i, kind);
    }
}
