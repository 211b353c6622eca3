using System.Globalization;
using Pgml.Extension.Api;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Datasets;

/// <summary>
/// pgml.load_dataset(source, subset, "limit", kwargs) RETURNS TABLE(table_name, rows): creates pgml.&lt;source&gt; from
/// one of the built-in scikit-learn datasets, or reloads its rows in place when it exists. PostgresML treats any other source as a HuggingFace dataset and
/// downloads it through Python; pgml has neither Python nor network access, so those are errors, as are the
/// HuggingFace-only arguments subset and kwargs.
/// </summary>
internal static class LoadDatasetFunction
{
    private const string NoHuggingFace =
        "pgml has no HuggingFace access (no Python, no network): load other data with COPY or INSERT into a table of your own.";

    public static void Run(Args a)
    {
        string source = a.Text(0) ?? throw new PgmlException(SqlState.NullValueNotAllowed,
            "pgml.load_dataset: source must not be NULL", $"Pass the name of a built-in dataset: {BuiltInDatasets.Names}.");
        string? subset = a.Text(1);
        long? limit = a.Int64(2);
        string? kwargs = a.Text(3);

        var dataset = BuiltInDatasets.Find(source)
            ?? throw new PgmlException(SqlState.UndefinedObject,
                $"pgml.load_dataset: unknown dataset \"{source}\"; the built-in datasets are {BuiltInDatasets.Names}",
                NoHuggingFace);
        if (subset is not null)
            throw new PgmlException(SqlState.InvalidParameterValue,
                $"pgml.load_dataset: subset is not supported for the built-in dataset {source}",
                "subset selects a configuration of a HuggingFace dataset; " + NoHuggingFace);
        if (kwargs is not null && kwargs != "{}")
            throw new PgmlException(SqlState.InvalidParameterValue,
                $"pgml.load_dataset: kwargs are not supported for the built-in dataset {source}",
                "kwargs are passed to HuggingFace's datasets.load_dataset; leave them '{}'. " + NoHuggingFace);
        if (limit < 0)
            throw new PgmlException(SqlState.InvalidParameterValue,
                $"pgml.load_dataset: limit must not be negative, got {limit}",
                "Pass the number of rows to load, or NULL for all of them.");

        long rows = DatasetLoader.Load(dataset, limit);
        Result.Row(dataset.TableName, rows.ToString(CultureInfo.InvariantCulture));
    }
}
