using Pgml.Extension.Interop;

namespace Pgml.Extension.Catalog;

internal sealed record Snapshot(long Id, string RelationName, IReadOnlyList<string> YColumnNames, double TestSize, string TestSampling,
    bool Materialized)
{
    /// <summary>The table a materialized snapshot's rows were copied into.</summary>
    public string MaterializedTable => MaterializedTableOf(Id);

    public static string MaterializedTableOf(long id) => $"pgml.snapshot_{id}";
}

/// <summary>pgml.snapshots: which relation and label a training run read, how it split, and the columns it saw.</summary>
internal static class Snapshots
{
    public static long Create(string relationName, IReadOnlyList<string> yColumns, double testSize, string sampling, string columnsJson)
    {
        Spi.Execute(
            "INSERT INTO pgml.snapshots (relation_name, y_column_name, test_size, test_sampling, status, columns, materialized) " +
            "VALUES ($1, ARRAY(SELECT jsonb_array_elements_text($2)), $3, $4::pgml.sampling, 'in_progress', $5, false) RETURNING id",
            SqlArg.Of(relationName), SqlArg.Jsonb(System.Text.Json.JsonSerializer.Serialize(yColumns.ToArray(), SnapshotJson.Default.StringArray)),
            SqlArg.Of(testSize), SqlArg.Of(sampling), SqlArg.Jsonb(columnsJson));
        return Spi.Int64(0, 1)!.Value;
    }

    /// <summary>
    /// Copies the relation's rows into pgml.snapshot_&lt;id&gt;, so that every model trained on the snapshot reads the
    /// same rows whatever happens to the relation later (and, with the snapshot's seed, gets the same split).
    /// </summary>
    public static void Materialize(long id, string qualifiedRelation, IEnumerable<string> quotedColumns)
    {
        Spi.Execute($"CREATE TABLE {Snapshot.MaterializedTableOf(id)} AS SELECT {string.Join(", ", quotedColumns)} FROM {qualifiedRelation}");
        Spi.Execute("UPDATE pgml.snapshots SET materialized = true WHERE id = $1", SqlArg.Of(id));
    }

    public static void Complete(long id, long samples) =>
        Spi.Execute("UPDATE pgml.snapshots SET status = 'successful', analysis = jsonb_build_object('samples', $2::bigint) WHERE id = $1",
            SqlArg.Of(id), SqlArg.Of(samples));

    /// <summary>The newest snapshot one of the project's models was trained on (PostgresML's "last snapshot").</summary>
    public static Snapshot? LastOfProject(long projectId)
    {
        if (Spi.Query(
                "SELECT s.id, s.relation_name, to_jsonb(s.y_column_name)::text, s.test_size, s.test_sampling::text, coalesce(s.materialized, false) FROM pgml.snapshots s " +
                "JOIN pgml.models m ON m.snapshot_id = s.id WHERE m.project_id = $1 ORDER BY s.id DESC LIMIT 1",
                1, SqlArg.Of(projectId)) == 0)
            return null;
        var targets = System.Text.Json.JsonSerializer.Deserialize(Spi.Text(0, 3) ?? "[]", SnapshotJson.Default.StringArray) ?? [];
        return new Snapshot(Spi.Int64(0, 1)!.Value, Spi.Text(0, 2)!, targets, Spi.Double(0, 4)!.Value, Spi.Text(0, 5)!,
            Spi.Bool(0, 6) == true);
    }
}

/// <summary>Source-generated (NativeAOT-safe) JSON for the snapshot's list of targets.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class SnapshotJson : System.Text.Json.Serialization.JsonSerializerContext;
