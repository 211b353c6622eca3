using System.Globalization;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Datasets;

/// <summary>The SQL type of a dataset column, and how its CSV field is read.</summary>
internal enum ColumnKind
{
    Float4,
    Float8,
    Int2,
    Int4,
    Int8,
    Bool,
    Text,
    /// <summary>An 8x8 SMALLINT[][] stored as 64 space-separated integers (digits' image).</summary>
    Int2Matrix8x8,
}

/// <summary>What pgml knows of a column kind, in one place: its CREATE TABLE type, the type as format_type() writes it
/// (an array type has no dimensions), the array type of the INSERT's unnest parameter, and its CSV check.</summary>
internal sealed record ColumnKindInfo(string SqlType, string FormatType, uint ArrayOid, Func<string, bool> Valid)
{
    public static ColumnKindInfo Of(ColumnKind kind) => kind switch
    {
        ColumnKind.Float4 => new("FLOAT4", "real", TypeOid.Float4Array,
            f => float.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && float.IsFinite(v)),
        ColumnKind.Float8 => new("FLOAT8", "double precision", TypeOid.Float8Array,
            f => double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)),
        ColumnKind.Int2 => new("SMALLINT", "smallint", TypeOid.Int2Array, f => short.TryParse(f, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)),
        ColumnKind.Int4 => new("INT4", "integer", TypeOid.Int4Array, f => int.TryParse(f, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)),
        ColumnKind.Int8 => new("INT8", "bigint", TypeOid.Int8Array, f => long.TryParse(f, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)),
        ColumnKind.Bool => new("BOOLEAN", "boolean", TypeOid.BoolArray, f => f is "t" or "f"),
        // no comma or quote in a field (the CSV is not quoted); spaces are kept
        ColumnKind.Text => new("TEXT", "text", TypeOid.TextArray, f => f.Length > 0 && f.IndexOfAny(['"', '\\', '{', '}']) < 0),
        ColumnKind.Int2Matrix8x8 => new("SMALLINT[][]", "smallint[]", TypeOid.TextArray,
            f => f.Split(' ') is { Length: 64 } pixels && pixels.All(p => short.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _))),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

internal sealed record DatasetColumn(string Name, ColumnKind Kind);

/// <summary>A built-in dataset: the table pgml.&lt;Name&gt; and its embedded gzip CSV (data/&lt;File&gt;.csv.gz).</summary>
internal sealed record BuiltInDataset(string Name, DatasetColumn[] Columns, string? File = null)
{
    /// <summary>pgml.name, quoted when the name is not a plain lower-case identifier (pgml."jdxcosta/diamonds").</summary>
    public string TableName => "pgml." + (System.Text.RegularExpressions.Regex.IsMatch(Name, "^[a-z_][a-z0-9_]*$") ? Name : "\"" + Name.Replace("\"", "\"\"") + "\"");
    public string ResourceName => $"pgml.datasets.{File ?? Name}.csv.gz";
}

/// <summary>
/// PostgresML's built-in datasets (api.rs load_dataset, orm/dataset.rs): the same tables, column names, types and
/// column order, so SQL written for PostgresML (SELECT *, training on all columns) sees the same layout.
/// </summary>
internal static class BuiltInDatasets
{
    private static DatasetColumn[] Floats(params string[] names) => names.Select(n => new DatasetColumn(n, ColumnKind.Float4)).ToArray();

    public static readonly BuiltInDataset[] All =
    [
        new("breast_cancer",
        [
            .. Floats("mean radius", "mean texture", "mean perimeter", "mean area", "mean smoothness", "mean compactness",
                "mean concavity", "mean concave points", "mean symmetry", "mean fractal dimension",
                "radius error", "texture error", "perimeter error", "area error", "smoothness error", "compactness error",
                "concavity error", "concave points error", "symmetry error", "fractal dimension error",
                "worst radius", "worst texture", "worst perimeter", "worst area", "worst smoothness", "worst compactness",
                "worst concavity", "worst concave points", "worst symmetry", "worst fractal dimension"),
            new("malignant", ColumnKind.Bool),
        ]),
        new("diabetes", Floats("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6", "target")),
        new("digits", [new("image", ColumnKind.Int2Matrix8x8), new("target", ColumnKind.Int2)]),
        new("iris", [.. Floats("sepal_length", "sepal_width", "petal_length", "petal_width"), new("target", ColumnKind.Int4)]),
        new("linnerud", Floats("chins", "situps", "jumps", "weight", "waist", "pulse")),
        // scikit-learn's feature order. PostgresML's CREATE TABLE lists hue before color_intensity but its INSERT
        // names them the other way round, so its table holds scikit-learn's values in this order under swapped
        // names; pgml keeps the order (the same feature matrix) and puts each value under its own name.
        new("wine",
        [
            .. Floats("alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids",
                "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue", "od280/od315_of_diluted_wines", "proline"),
            new("target", ColumnKind.Int4),
        ]),
        // The one Hugging Face dataset PostgresML's examples load (examples/preprocessing.sql), under its Hugging Face
        // name and with the columns PostgresML's loader gives it (int64 BIGINT, float64 FLOAT8, string TEXT). The rows
        // are ggplot2's diamonds from Debian's r-cran-ggplot2 (data/README.md); "Unnamed: 0" is the row number.
        new("jdxcosta/diamonds",
        [
            new("Unnamed: 0", ColumnKind.Int8), new("carat", ColumnKind.Float8), new("cut", ColumnKind.Text),
            new("color", ColumnKind.Text), new("clarity", ColumnKind.Text), new("depth", ColumnKind.Float8),
            new("table", ColumnKind.Float8), new("price", ColumnKind.Int8), new("x", ColumnKind.Float8),
            new("y", ColumnKind.Float8), new("z", ColumnKind.Float8),
        ], File: "diamonds"),
    ];

    public static BuiltInDataset? Find(string name) => All.FirstOrDefault(d => d.Name == name);

    public static string Names => string.Join(", ", All.Select(d => d.Name));
}
