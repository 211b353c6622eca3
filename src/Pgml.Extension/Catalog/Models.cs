using Pgml.Extension.Interop;

namespace Pgml.Extension.Catalog;

internal sealed record NewModel(long ProjectId, long SnapshotId, int NumFeatures, string Algorithm, string Hyperparams,
    string Metrics, string? Search, string SearchParams, string SearchArgs);

/// <summary>pgml.models: one row per trained model, with its metrics.</summary>
internal static class Models
{
    public static long Insert(NewModel m)
    {
        Spi.Execute(
            "INSERT INTO pgml.models (project_id, snapshot_id, num_features, algorithm, runtime, hyperparams, status, metrics, " +
            "search, search_params, search_args) VALUES ($1, $2, $3::int, $4, 'rust', $5, 'successful', $6, $7, $8, $9) RETURNING id",
            SqlArg.Of(m.ProjectId), SqlArg.Of(m.SnapshotId), SqlArg.Of((long)m.NumFeatures), SqlArg.Of(m.Algorithm),
            SqlArg.Jsonb(m.Hyperparams), SqlArg.Jsonb(m.Metrics), SqlArg.Of(m.Search), SqlArg.Jsonb(m.SearchParams),
            SqlArg.Jsonb(m.SearchArgs));
        return Spi.Int64(0, 1)!.Value;
    }

    /// <summary>A numeric metric of a model, or null when the model has none (or it is not a number).</summary>
    public static double? Metric(long modelId, string metric)
    {
        Spi.Query("SELECT CASE WHEN jsonb_typeof(metrics -> $2) = 'number' THEN (metrics ->> $2)::float8 END " +
                  "FROM pgml.models WHERE id = $1", 1, SqlArg.Of(modelId), SqlArg.Of(metric));
        return Spi.Double(0, 1);
    }
}
