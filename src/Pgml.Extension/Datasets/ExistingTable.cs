using Pgml.Extension.Interop;

namespace Pgml.Extension.Datasets;

/// <summary>
/// What already stands at pgml.&lt;name&gt; when a dataset is loaded, and whether it may be reloaded in place. Only an
/// ordinary table with exactly the dataset's columns (names, types, order) is reloaded; anything else is refused and
/// left as it is, since the user made it: pgml never drops or alters a relation to make room (PostgresML drops the
/// table with CASCADE, which silently deletes the user's views on it).
/// </summary>
internal static class ExistingTable
{
    /// <summary>
    /// False when no relation pgml.&lt;name&gt; exists. True when an ordinary table with the dataset's columns exists;
    /// it is then locked ACCESS EXCLUSIVE (the lock TRUNCATE takes, taken before the columns are read so that no
    /// concurrent ALTER TABLE slips between the check and the reload). Throws for any other relation or shape.
    /// </summary>
    public static bool LockForReload(BuiltInDataset dataset)
    {
        if (Spi.Query("SELECT c.relkind::text FROM pg_catalog.pg_class c " +
                      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
                      "WHERE n.nspname = 'pgml' AND c.relname = $1", 1, SqlArg.Of(dataset.Name)) == 0)
            return false;
        string kind = Spi.Text(0, 1)!;
        if (kind != "r")
            throw NotATable(dataset, kind);

        // ONLY: an inheritance child a user hung below the table is the user's and stays untouched (and unlocked).
        Spi.Execute($"LOCK TABLE ONLY {dataset.TableName} IN ACCESS EXCLUSIVE MODE");
        long count = Spi.Query("SELECT a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod) " +
                               "FROM pg_catalog.pg_attribute a WHERE a.attrelid = $1::regclass " +
                               "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", 0,
                               SqlArg.Of(dataset.TableName));
        var columns = new (string Name, string Type)[count];
        for (int i = 0; i < count; i++)
            columns[i] = (Spi.Text(i, 1)!, Spi.Text(i, 2)!);
        if (FirstDifference(dataset, columns) is { } difference)
            throw OtherColumns(dataset, difference);
        return true;
    }

    /// <summary>The first column where the table differs from the dataset, in words; null when they agree.</summary>
    private static string? FirstDifference(BuiltInDataset dataset, (string Name, string Type)[] table)
    {
        var expected = dataset.Columns;
        for (int i = 0; i < Math.Max(expected.Length, table.Length); i++)
        {
            if (i >= table.Length)
                return $"it lacks the column \"{expected[i].Name}\" {ColumnKindInfo.Of(expected[i].Kind).FormatType} (column {i + 1})";
            if (i >= expected.Length)
                return $"its column {i + 1} \"{table[i].Name}\" {table[i].Type} is not in the dataset";
            if (table[i].Name != expected[i].Name || table[i].Type != ColumnKindInfo.Of(expected[i].Kind).FormatType)
                return $"its column {i + 1} is \"{table[i].Name}\" {table[i].Type}, the dataset's is " +
                       $"\"{expected[i].Name}\" {ColumnKindInfo.Of(expected[i].Kind).FormatType}";
        }
        return null;
    }

    private static string Layout(BuiltInDataset dataset) =>
        string.Join(", ", dataset.Columns.Select(c => $"\"{c.Name}\" {ColumnKindInfo.Of(c.Kind).FormatType}"));

    // 42804, as PostgreSQL's own ALTER TABLE ... OF type and INHERIT report a table whose columns do not match the
    // row type they must have ("table is missing column", "table has extra column").
    private static PgmlException OtherColumns(BuiltInDataset dataset, string difference) =>
        new(SqlState.DatatypeMismatch,
            $"pgml.load_dataset: {dataset.TableName} exists with other columns than the dataset {dataset.Name}: {difference}",
            $"pgml reloads an existing {dataset.TableName} in place only when its columns are the dataset's, and never " +
            $"drops it. Restore its columns, or keep your table under another name (ALTER TABLE {dataset.TableName} " +
            $"RENAME TO my_{dataset.File ?? dataset.Name}) or drop it yourself, then load again.",
            $"The dataset's columns: {Layout(dataset)}.");

    // 42809, as PostgreSQL's own "\"%s\" is not a table".
    private static PgmlException NotATable(BuiltInDataset dataset, string relkind)
    {
        string noun = RelationKind(relkind);
        string article = "aeiou".Contains(noun[0]) ? "an" : "a";
        return new(SqlState.WrongObjectType,
            $"pgml.load_dataset: {dataset.TableName} is {article} {noun}, not an ordinary table",
            $"pgml loads the dataset {dataset.Name} into an ordinary table {dataset.TableName} and never drops what " +
            $"stands there. Rename or drop the {noun} {dataset.TableName} yourself, then load again.");
    }

    /// <summary>pg_class.relkind in words.</summary>
    private static string RelationKind(string relkind) => relkind switch
    {
        "v" => "view",
        "m" => "materialized view",
        "p" => "partitioned table",
        "f" => "foreign table",
        "S" => "sequence",
        "i" or "I" => "index",
        "c" => "composite type",
        "t" => "TOAST table",
        _ => $"relation of kind '{relkind}'",
    };
}
