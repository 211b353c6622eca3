using Npgsql;

namespace Pgml.Dashboard.Data;

/// <summary>The relation behind a snapshot, found in pg_class from what the catalog records (never from the request).</summary>
public static class Relations
{
    /// <summary>The relation to read: the materialized copy, else relation_name (schema.name as pgml records it,
    /// also when the name is not an identifier, e.g. pgml.jdxcosta/diamonds); null when it no longer exists.</summary>
    public static async Task<uint?> FindAsync(NpgsqlConnection conn, Snapshot s, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE (n.nspname, c.relname) IN (('pgml', 'snapshot_' || $1::text)) AND $3
            UNION ALL
            SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = split_part($2, '.', 1) AND c.relname = substr($2, length(split_part($2, '.', 1)) + 2)
            LIMIT 1
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = s.Id });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = s.RelationName });
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = s.Materialized });
        return await cmd.ExecuteScalarAsync(ct) is uint o ? o : null;
    }

    /// <summary>The relation's schema-qualified name as PostgreSQL quotes it (format %I), and its columns: (name, quote_ident(name), type, category).</summary>
    public static async Task<(string Relation, List<(string Name, string Quoted, string Type, char Category)> Columns)> DescribeAsync(
        NpgsqlConnection conn, uint oid, CancellationToken ct)
    {
        string relation;
        await using (var cmd = new NpgsqlCommand("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1", conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter<uint> { TypedValue = oid, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Oid });
            relation = (string)(await cmd.ExecuteScalarAsync(ct))!;
        }
        var cols = new List<(string, string, string, char)>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT a.attname::text, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), t.typcategory::text
            FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
            WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
            """, conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter<uint> { TypedValue = oid, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Oid });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) cols.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)[0]));
        }
        return (relation, cols);
    }
}
