using System.Text.Json;

namespace Pgml.Dashboard.Data;

// What the pages show, as read from the catalog (docs/sql-reference.md, Catalog tables). Metrics stay as parsed JSON
// objects: pgml writes different keys per task, and the pages show every key they find.

public sealed record ProjectSummary(long Id, string Name, string Task, DateTime CreatedAt, long Models,
    long? DeployedModelId, string? Algorithm, string? HeadlineMetric, double? HeadlineValue, DateTime? DeployedAt, string? Strategy);

public sealed record Project(long Id, string Name, string Task, DateTime CreatedAt, string Owner);

public sealed record ModelRow(long Id, string Algorithm, string Status, DateTime CreatedAt, long? SnapshotId,
    IReadOnlyDictionary<string, double?> Metrics);

public sealed record Deployment(long Id, long ModelId, string Algorithm, string Strategy, DateTime CreatedAt);

public sealed record ModelDetail(long Id, long ProjectId, string ProjectName, string Task, long? SnapshotId, int NumFeatures,
    string Algorithm, string Runtime, string Status, DateTime CreatedAt, bool Deployed, JsonElement Hyperparams, JsonElement Metrics,
    string? Search, JsonElement SearchParams, JsonElement SearchArgs, SnapshotSplit? Split);

/// <summary>The split a model's snapshot describes: rows read (its latest training), test_size and how test rows are picked.</summary>
public sealed record SnapshotSplit(string RelationName, double TestSize, string TestSampling, long? Samples)
{
    /// <summary>The test rows as pgml's splitter counts them: a fraction of the rows rounded half away from zero, or a count.</summary>
    public long? TestRows => Samples is not long rows ? null
        : TestSize < 1 ? (long)Math.Round(rows * TestSize, MidpointRounding.AwayFromZero) : (long)Math.Min(TestSize, rows);

    public long? TrainRows => Samples - TestRows;
}

public sealed record ModelFile(string Path, int Part, int Piece, long Bytes, long StoredBytes, DateTime CreatedAt);

public sealed record Snapshot(long Id, string RelationName, string[] YColumns, double TestSize, string TestSampling, string Status,
    DateTime CreatedAt, bool Materialized, long? Samples, IReadOnlyList<SnapshotColumn> Columns);

public sealed record SnapshotColumn(string Name, string PgType, int Position, bool Label);

/// <summary>A feature of a trained model as pgml.json lists it: kind number, array (of width elements) or text.</summary>
public sealed record FeatureColumn(string Name, string Kind, int Width, string PgType);
