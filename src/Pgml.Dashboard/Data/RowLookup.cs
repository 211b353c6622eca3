using Npgsql;

namespace Pgml.Dashboard.Data;

/// <summary>A row of the deployed model's snapshot relation, found by the value of a column the user picks, to fill
/// the try-it form with.</summary>
public sealed record RelationRow(string Relation, IReadOnlyList<string> Columns, IReadOnlyDictionary<string, string?>? Values);

/// <summary>
/// Reads one row of a snapshot's relation (the materialized copy, else relation_name) where a chosen column equals a
/// typed value, compared as text. The column must be one of the relation's own (looked up in pg_attribute, named by
/// quote_ident); the value is a parameter. The first row in the relation's order answers (LIMIT 1).
/// </summary>
public sealed class RowLookup(NpgsqlDataSource db)
{
    public async Task<RelationRow?> FindAsync(Snapshot snapshot, string? column, string? value, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        if (await Relations.FindAsync(conn, snapshot, ct) is not uint oid) return null;
        var (relation, cols) = await Relations.DescribeAsync(conn, oid, ct);
        var names = cols.Select(c => c.Name).ToList();
        if (column is null || value is null) return new RelationRow(relation, names, null);
        var key = cols.FirstOrDefault(c => c.Name == column);
        if (key.Name is null) return new RelationRow(relation, names, null);
        string select = string.Join(", ", cols.Select(c => $"{c.Quoted}::text"));
        await using var cmd = new NpgsqlCommand($"SELECT {select} FROM {relation} WHERE {key.Quoted}::text = $1 LIMIT 1", conn);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return new RelationRow(relation, names, new Dictionary<string, string?>());
        var row = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (int i = 0; i < cols.Count; i++) row[cols[i].Name] = r.IsDBNull(i) ? null : r.GetString(i);
        return new RelationRow(relation, names, row);
    }

    /// <summary>A value as the form takes it: an array's elements as comma-separated numbers ({1,2} → 1,2).</summary>
    public static string? FormValue(FeatureColumn f, string? text) =>
        text is null ? null : f.Kind == "array" ? text.Replace("{", "").Replace("}", "") : text;
}
