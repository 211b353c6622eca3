namespace Pgml.Extension.Datasets;

/// <summary>The SQL type of a dataset column, and how its CSV field is read.</summary>
internal enum ColumnKind
{
    Float4,
    Int2,
    Int4,
    Bool,
    /// <summary>An 8x8 SMALLINT[][] stored as 64 space-separated integers (digits' image).</summary>
    Int2Matrix8x8,
}

internal sealed record DatasetColumn(string Name, ColumnKind Kind);

/// <summary>A built-in dataset: the table pgml.&lt;Name&gt; and its embedded gzip CSV.</summary>
internal sealed record BuiltInDataset(string Name, DatasetColumn[] Columns)
{
    public string TableName => "pgml." + Name;
    public string ResourceName => $"pgml.datasets.{Name}.csv.gz";
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
    ];

    public static BuiltInDataset? Find(string name) => All.FirstOrDefault(d => d.Name == name);

    public static string Names => string.Join(", ", All.Select(d => d.Name));
}
