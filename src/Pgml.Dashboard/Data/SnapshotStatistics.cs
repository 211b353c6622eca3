using Npgsql;

namespace Pgml.Dashboard.Data;

/// <summary>One column's statistics, all computed by PostgreSQL over the snapshot's rows.</summary>
public sealed record ColumnStatistics(string Name, string Type, bool Label, bool Present, long Count, long Nulls, long? Distinct,
    string? Min, string? Max, double? Mean, IReadOnlyList<HistogramBin> Histogram, IReadOnlyList<(string Value, long Count)> TopValues);

public sealed record HistogramBin(double From, double To, long Count);

public sealed record SnapshotStatisticsResult(string Relation, long Rows, IReadOnlyList<ColumnStatistics> Columns);

/// <summary>
/// Statistics of a snapshot's columns, computed in SQL: count, nulls, distinct, min, max, mean in one pass, then a
/// histogram per number column and the most frequent values per text or boolean column. The rows are the
/// materialized copy (pgml.snapshot_&lt;id&gt;) when there is one, else the snapshot's relation as it is now.
/// The SQL names the relation and its columns as PostgreSQL itself quotes them (regclass::text, quote_ident) from the
/// catalog; nothing from the request reaches the SQL text (the snapshot id is a parameter).
/// </summary>
public sealed class SnapshotStatistics(NpgsqlDataSource db)
{
    public const int Bins = 10;
    public const int TopValues = 5;

    private sealed record Col(string Name, string Quoted, string Type, char Category);

    public async Task<SnapshotStatisticsResult?> ComputeAsync(Snapshot snapshot, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        uint? oid = await Relations.FindAsync(conn, snapshot, ct);
        if (oid is null) return null;
        var (relation, described) = await Relations.DescribeAsync(conn, oid.Value, ct);
        var present = described.ToDictionary(c => c.Name, c => new Col(c.Name, c.Quoted, c.Type, c.Category), StringComparer.Ordinal);
        // the snapshot's columns in its order; a relation without recorded columns shows all of its own
        var wanted = snapshot.Columns.Count > 0
            ? snapshot.Columns.OrderBy(c => c.Position).Select(c => (c.Name, c.Label)).ToList()
            : present.Keys.Select(n => (Name: n, Label: snapshot.YColumns.Contains(n))).ToList();
        var cols = wanted.Where(w => present.ContainsKey(w.Name)).Select(w => present[w.Name]).ToList();

        var sql = new System.Text.StringBuilder("SELECT count(*)");
        foreach (var c in cols)
        {
            sql.Append($", count({c.Quoted})");
            sql.Append(Comparable(c) ? $", count(DISTINCT {c.Quoted})" : ", NULL::bigint");
            if (c.Category == 'N')
                sql.Append($", min({c.Quoted})::text, max({c.Quoted})::text, avg({c.Quoted})::float8");
            else if (Comparable(c) && c.Category != 'A')
                sql.Append($", min({c.Quoted}::text), max({c.Quoted}::text), NULL::float8");
            else
                sql.Append(", NULL::text, NULL::text, NULL::float8");
        }
        sql.Append($" FROM {relation}");
        long rows;
        var basics = new List<(long Count, long? Distinct, string? Min, string? Max, double? Mean)>();
        await using (var cmd = new NpgsqlCommand(sql.ToString(), conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            rows = r.GetInt64(0);
            for (int i = 0; i < cols.Count; i++)
            {
                int o = 1 + i * 5;
                basics.Add((r.GetInt64(o), r.IsDBNull(o + 1) ? null : r.GetInt64(o + 1), r.IsDBNull(o + 2) ? null : r.GetString(o + 2),
                    r.IsDBNull(o + 3) ? null : r.GetString(o + 3), r.IsDBNull(o + 4) ? null : r.GetDouble(o + 4)));
            }
        }

        var result = new List<ColumnStatistics>();
        var byName = cols.Select((c, i) => (c, i)).ToDictionary(x => x.c.Name, x => x.i, StringComparer.Ordinal);
        foreach (var (name, label) in wanted)
        {
            if (!byName.TryGetValue(name, out int i))
            {
                result.Add(new ColumnStatistics(name, snapshot.Columns.FirstOrDefault(c => c.Name == name)?.PgType ?? "", label, false, 0, 0,
                    null, null, null, null, [], []));
                continue;
            }
            var c = cols[i];
            var b = basics[i];
            IReadOnlyList<HistogramBin> histogram = [];
            IReadOnlyList<(string, long)> top = [];
            if (c.Category == 'N' && b.Count > 0)
                histogram = await HistogramAsync(conn, relation, c, ct);
            else if (c.Category is 'S' or 'B' or 'E' && b.Count > 0)
                top = await TopAsync(conn, relation, c, ct);
            result.Add(new ColumnStatistics(name, c.Type, label, true, b.Count, rows - b.Count, b.Distinct, b.Min, b.Max, b.Mean, histogram, top));
        }
        return new SnapshotStatisticsResult(relation, rows, result);
    }

    // json has no equality operator: no distinct count, no min/max
    private static bool Comparable(Col c) => c.Type is not ("json" or "xml" or "point" or "line" or "box" or "circle" or "polygon" or "path");

    private static async Task<IReadOnlyList<HistogramBin>> HistogramAsync(NpgsqlConnection conn, string relation, Col c, CancellationToken ct)
    {
        // equal-width bins over [min, max] of the finite values; the maximum falls into the last bin
        string sql = $"""
            WITH v AS (SELECT {c.Quoted}::float8 AS x FROM {relation} WHERE {c.Quoted} IS NOT NULL AND {c.Quoted}::float8 NOT IN ('NaN', 'Infinity', '-Infinity')),
                 r AS (SELECT min(x) AS lo, max(x) AS hi FROM v)
            SELECT r.lo, r.hi, CASE WHEN r.hi = r.lo THEN 1 ELSE least(width_bucket(v.x, r.lo, r.hi, {Bins}), {Bins}) END AS b, count(*)
            FROM v, r GROUP BY r.lo, r.hi, b ORDER BY b
            """;
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var counts = new long[Bins];
        double lo = 0, hi = 0;
        bool any = false;
        while (await r.ReadAsync(ct))
        {
            lo = r.GetDouble(0); hi = r.GetDouble(1); any = true;
            counts[r.GetInt32(2) - 1] = r.GetInt64(3);
        }
        if (!any) return [];
        if (hi == lo) return [new HistogramBin(lo, hi, counts[0])];
        double w = (hi - lo) / Bins;
        return [.. counts.Select((n, k) => new HistogramBin(lo + k * w, k == Bins - 1 ? hi : lo + (k + 1) * w, n))];
    }

    private static async Task<IReadOnlyList<(string, long)>> TopAsync(NpgsqlConnection conn, string relation, Col c, CancellationToken ct)
    {
        string sql = $"SELECT {c.Quoted}::text, count(*) FROM {relation} WHERE {c.Quoted} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {TopValues}";
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<(string, long)>();
        while (await r.ReadAsync(ct)) list.Add((r.GetString(0), r.GetInt64(1)));
        return list;
    }
}
