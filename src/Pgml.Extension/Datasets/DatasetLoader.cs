using System.Globalization;
using System.IO.Compression;
using System.Text;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Datasets;

/// <summary>
/// Loads a built-in dataset into pgml.&lt;name&gt;: creates the table, or empties it in place when it already exists
/// with the dataset's columns (so the views and other objects that depend on it survive), and inserts the rows of the
/// embedded gzip CSV through SPI, one INSERT ... SELECT FROM unnest(arrays) per batch. Runs in the caller's
/// transaction with the caller's privileges, so a rollback (or an error half-way) leaves the earlier state: no table,
/// or the table with its earlier rows.
/// </summary>
internal static class DatasetLoader
{
    // Rows per INSERT: every dataset fits in two statements; interrupts are checked between them.
    internal const int BatchSize = 1000;

    /// <summary>Loads at most <paramref name="limit"/> rows (all when null); returns the number of rows inserted.</summary>
    public static long Load(BuiltInDataset dataset, long? limit)
    {
        // Parse before touching the database: a broken resource must not leave an emptied table or a lock behind.
        var rows = ReadRows(dataset, limit ?? long.MaxValue);

        if (ExistingTable.LockForReload(dataset))
        {
            // TRUNCATE rather than DELETE. Both keep the table itself (its oid: views, grants, indexes, triggers and
            // comments on it stay) and both are undone by a rollback. TRUNCATE gives the table a fresh file, so the
            // reloaded rows lie in load order exactly as after a first load: pgml.train reads rows in scan order and
            // its train/test split follows that order. DELETE would leave the old rows as dead tuples (the table twice
            // its size until VACUUM) whose space a later reload reuses in free-space-map order, so the same dataset
            // could split differently from one reload to the next.
            // The price is TRUNCATE's ACCESS EXCLUSIVE lock, held to the end of the caller's transaction: the reload
            // waits for transactions that have read the table, and later readers wait for the reload, then see all
            // the new rows (a READ COMMITTED statement takes its snapshot after its locks), never a mix. And TRUNCATE
            // is not MVCC-safe: a REPEATABLE READ or SERIALIZABLE transaction whose snapshot predates the commit and
            // that first reads the table after it sees the table empty. PostgresML's DROP + CREATE does the same to
            // such a snapshot (the new table's rows are invisible to it), and these are sample tables reloaded by
            // hand; data that long snapshots must see whole during a reload belongs in a table of the user's own.
            // ONLY: the rows of an inheritance child a user created below the table are the user's.
            Spi.Execute($"TRUNCATE ONLY {dataset.TableName}");
        }
        else
            Spi.Execute($"CREATE TABLE {dataset.TableName} (" +
                        string.Join(", ", dataset.Columns.Select(c => $"{Quote(c.Name)} {ColumnKindInfo.Of(c.Kind).SqlType}")) + ")");

        string insert = InsertSql(dataset);
        long inserted = 0;
        for (int start = 0; start < rows.Count; start += BatchSize)
        {
            Pg.CheckForInterrupts();
            int count = Math.Min(BatchSize, rows.Count - start);
            var args = new SqlArg[dataset.Columns.Length];
            for (int c = 0; c < args.Length; c++)
                args[c] = ArrayArg(dataset.Columns[c].Kind, rows, start, count, c);
            inserted += Spi.Execute(insert, args);
        }
        return inserted;
    }

    /// <summary>INSERT INTO pgml.x ("a", "b") SELECT c1, c2 FROM unnest($1, $2) AS u(c1, c2).</summary>
    private static string InsertSql(BuiltInDataset dataset)
    {
        var cols = dataset.Columns;
        var select = cols.Select((c, i) => c.Kind == ColumnKind.Int2Matrix8x8 ? $"c{i + 1}::smallint[]" : $"c{i + 1}");
        return $"INSERT INTO {dataset.TableName} ({string.Join(", ", cols.Select(c => Quote(c.Name)))}) " +
               $"SELECT {string.Join(", ", select)} " +
               $"FROM unnest({string.Join(", ", cols.Select((_, i) => $"${i + 1}"))}) " +
               $"AS u({string.Join(", ", cols.Select((_, i) => $"c{i + 1}"))})";
    }

    /// <summary>One column of a batch as an array literal (the fields were validated when read).</summary>
    private static SqlArg ArrayArg(ColumnKind kind, List<string[]> rows, int start, int count, int column)
    {
        var sb = new StringBuilder(count * 8);
        sb.Append('{');
        for (int r = start; r < start + count; r++)
        {
            if (r > start) sb.Append(',');
            string field = rows[r][column];
            if (kind == ColumnKind.Int2Matrix8x8)
            {
                // Each element is the text of a 2-D array ("{{..},{..}}"), quoted inside the text[] literal;
                // the INSERT casts it to smallint[].
                sb.Append("\"{");
                var pixels = field.Split(' ');
                for (int y = 0; y < 8; y++)
                {
                    if (y > 0) sb.Append(',');
                    sb.Append('{').Append(string.Join(',', pixels, y * 8, 8)).Append('}');
                }
                sb.Append("}\"");
            }
            else if (kind == ColumnKind.Text)
                sb.Append('"').Append(field).Append('"');   // keeps spaces ("Very Good"); no quote or backslash inside
            else
                sb.Append(field);
        }
        sb.Append('}');
        return SqlArg.Typed(ColumnKindInfo.Of(kind).ArrayOid, sb.ToString());
    }

    /// <summary>
    /// Reads the first <paramref name="limit"/> rows of the embedded CSV and checks the header against the table's
    /// columns and every field against its column's type, so a stale or damaged resource fails with a clear error.
    /// </summary>
    internal static List<string[]> ReadRows(BuiltInDataset dataset, long limit)
    {
        using var resource = typeof(DatasetLoader).Assembly.GetManifestResourceStream(dataset.ResourceName)
            ?? throw Broken(dataset, $"the resource {dataset.ResourceName} is missing");
        using var gzip = new GZipStream(resource, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);

        string expected = string.Join(",", dataset.Columns.Select(c => c.Name));
        string? header = reader.ReadLine();
        if (header != expected)
            throw Broken(dataset, $"its header is \"{header}\", expected \"{expected}\"");

        var rows = new List<string[]>();
        int line = 1;
        while (rows.Count < limit && reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0) continue;
            var fields = text.Split(',');
            if (fields.Length != dataset.Columns.Length)
                throw Broken(dataset, $"line {line} has {fields.Length} fields, expected {dataset.Columns.Length}");
            for (int c = 0; c < fields.Length; c++)
                if (!ColumnKindInfo.Of(dataset.Columns[c].Kind).Valid(fields[c]))
                    throw Broken(dataset, $"line {line}: \"{fields[c]}\" is not a valid {ColumnKindInfo.Of(dataset.Columns[c].Kind).SqlType} for {dataset.Columns[c].Name}");
            rows.Add(fields);
        }
        return rows;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    private static PgmlException Broken(BuiltInDataset dataset, string problem) =>
        new(SqlState.ExternalRoutineException, $"pgml's built-in dataset {dataset.Name} is damaged: {problem}",
            "pgml_engine.so was built from a broken data file; regenerate src/Pgml.Extension/Datasets/data with " +
            "scripts/datasets/convert.py and reinstall pgml.");
}
