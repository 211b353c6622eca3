using Pgml.Extension.Catalog;
using Pgml.Extension.Interop;
using Pgml.Extension.Training;

namespace Pgml.Extension.Api;

/// <summary>
/// pgml.snapshot(relation_name, y_column_name, test_size, test_sampling, preprocess): records a snapshot and copies
/// the relation's rows into pgml.snapshot_&lt;id&gt; (always materialized, as in PostgresML).
/// </summary>
internal static class SnapshotFunction
{
    public static void Run(Args a)
    {
        string relationName = a.RequiredText(0, "relation_name");
        string yColumn = a.RequiredText(1, "y_column_name");
        double testSize = a.Double(2) ?? 0.25;
        string sampling = a.Text(3) ?? "stratified";
        Engine.Sampling.Splitter.ValidateTestSize(testSize);
        if (a.Text(4) is { } preprocess && preprocess.Trim() is not ("{}" or ""))
            throw new PgmlException(SqlState.FeatureNotSupported, "pgml keeps preprocessing with each model, not with the snapshot",
                "Pass preprocess to pgml.train: its statistics then come from that model's training rows.");
        var relation = Relation.Resolve(relationName);
        var label = relation.Column(yColumn);
        var columns = relation.Columns.OrderBy(c => c.Position).ToList();
        long id = Snapshots.Create(relation.QualifiedName, [label.Name], testSize, sampling, Relation.ColumnsJson(columns, [label.Name]));
        Snapshots.Materialize(id, relation.QualifiedName, columns.Select(c => c.Quoted));
        Spi.Query($"SELECT count(*) FROM {Snapshot.MaterializedTableOf(id)}", 1);
        Snapshots.Complete(id, Spi.Int64(0, 1) ?? 0);
        Result.Row(relation.QualifiedName, label.Name);
    }
}
