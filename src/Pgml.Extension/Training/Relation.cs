using Pgml.Extension.Interop;

namespace Pgml.Extension.Training;

internal sealed record Column(string Name, string Quoted, string PgType, uint BaseType, uint ElementType, int Position)
{
    private static readonly uint[] NumberTypes =
        [TypeOid.Float4, TypeOid.Float8, TypeOid.Int2, TypeOid.Int4, TypeOid.Int8, TypeOid.Bool, TypeOid.Numeric];
    private static readonly uint[] TextTypes = [TypeOid.Text, TypeOid.Varchar, TypeOid.Bpchar];

    public bool IsNumber => NumberTypes.Contains(BaseType);
    public bool IsText => TextTypes.Contains(BaseType);
    public bool IsNumericArray => ElementType != 0 && NumberTypes.Contains(ElementType);
}

/// <summary>
/// A table or view named by the user, resolved through the catalog as an identifier (regclass): the user's text is
/// never pasted into SQL; queries use the quoted names the catalog returns.
/// </summary>
/// <param name="EstimatedRows">The planner's estimate (pg_class.reltuples); 0 when unknown (views, never analyzed).</param>
internal sealed record Relation(uint Oid, string QualifiedName, IReadOnlyList<Column> Columns, long EstimatedRows)
{
    public static Relation Resolve(string name)
    {
        const string Found = "SELECT c.oid, format('%I.%I', n.nspname, c.relname), greatest(c.reltuples, 0)::bigint FROM pg_catalog.pg_class c " +
                             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE ";
        if (RelationName.PostgresMLLiteral(name) is var (schema, table))
        {
            // not an identifier: PostgresML's schema.table, taken literally, or the identifier error
            if (Spi.Query(Found + "n.nspname = $1 AND c.relname = $2", 1, SqlArg.Of(schema), SqlArg.Of(table)) == 0)
                throw RelationName.Invalid(name);
        }
        else
        {
            RelationName.Validate(name);
            Spi.Query(Found + "c.oid = pg_catalog.to_regclass($1)", 1, SqlArg.Of(name));
        }
        string? oid = Spi.Text(0, 1);
        if (oid is null)
            throw new PgmlException(SqlState.UndefinedTable, $"relation \"{name}\" does not exist",
                "Check the name and the search_path, or qualify it as schema.table (quote mixed-case names: '\"MyTable\"').");
        uint relOid = uint.Parse(oid, System.Globalization.CultureInfo.InvariantCulture);
        string qualified = Spi.Text(0, 2)!;
        long estimatedRows = Spi.Int64(0, 3) ?? 0;

        long n = Spi.Query(
            "SELECT a.attname, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), b.oid, b.typelem " +
            "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid " +
            "JOIN pg_catalog.pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END " +
            "WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            0, SqlArg.Typed(26, oid));
        var columns = new List<Column>((int)n);
        for (long r = 0; r < n; r++)
            columns.Add(new Column(Spi.Text(r, 1)!, Spi.Text(r, 2)!, Spi.Text(r, 3)!, uint.Parse(Spi.Text(r, 4)!),
                uint.Parse(Spi.Text(r, 5)!), (int)r + 1));
        return new Relation(relOid, qualified, columns, estimatedRows);
    }

    /// <summary>The columns as pgml.snapshots.columns records them: name, type, position, whether a label.</summary>
    public static string ColumnsJson(IEnumerable<Column> columns, IReadOnlyCollection<string> labels)
    {
        using var ms = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(ms))
        {
            w.WriteStartArray();
            foreach (var c in columns.OrderBy(c => c.Position))
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WriteString("pg_type", c.PgType);
                w.WriteNumber("position", c.Position);
                w.WriteBoolean("label", labels.Contains(c.Name));
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    public Column Column(string name) =>
        Columns.FirstOrDefault(c => c.Name == name)
        ?? throw new PgmlException(SqlState.UndefinedColumn, $"column \"{name}\" does not exist in {QualifiedName}",
            $"The columns are: {string.Join(", ", Columns.Select(c => c.Name))}. Pass the label column as y_column_name.");
}
