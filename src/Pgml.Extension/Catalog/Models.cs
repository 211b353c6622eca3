using Pgml.Extension.Interop;

namespace Pgml.Extension.Catalog;

internal sealed record NewModel(long ProjectId, long SnapshotId, int NumFeatures, string Algorithm, string Hyperparams,
    string Metrics, string? Search, string SearchParams, string SearchArgs);

internal sealed record ModelRow(long Id, long ProjectId, string ProjectName, string Algorithm);

/// <summary>pgml.models: one row per trained model, with its metrics.</summary>
internal static class Models
{
    public static ModelRow? Find(long id)
    {
        if (Spi.Query("SELECT m.project_id, p.name, m.algorithm FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id " +
                      "WHERE m.id = $1", 1, SqlArg.Of(id)) == 0)
            return null;
        return new ModelRow(id, Spi.Int64(0, 1)!.Value, Spi.Text(0, 2)!, Spi.Text(0, 3)!);
    }

    /// <summary>The model with the highest <paramref name="metric"/>, compared as numbers (models without it last).</summary>
    public static long? Best(long projectId, string metric, string? algorithm)
    {
        Spi.Query("SELECT id FROM pgml.models WHERE project_id = $1 AND ($3::text IS NULL OR algorithm = $3) " +
                  "ORDER BY CASE WHEN jsonb_typeof(metrics -> $2) = 'number' THEN (metrics ->> $2)::float8 END DESC NULLS LAST, id DESC LIMIT 1",
            1, SqlArg.Of(projectId), SqlArg.Of(metric), SqlArg.Of(algorithm));
        return Spi.Int64(0, 1);
    }

    /// <summary>The preprocess spec (normalized JSON) of the project's most recent model, or null when it had none.</summary>
    public static string? LastPreprocess(long projectId)
    {
        Spi.Query("SELECT (SELECT (convert_from(f.data, 'UTF8')::jsonb -> 'preprocess')::text FROM pgml.files f " +
                  "WHERE f.model_id = m.id AND f.path = $2 AND f.part = 0) FROM pgml.models m WHERE m.project_id = $1 " +
                  "ORDER BY m.id DESC LIMIT 1", 1, SqlArg.Of(projectId), SqlArg.Of(Files.PipelinePath));
        return Spi.Text(0, 1);
    }

    public static long? MostRecent(long projectId, string? algorithm)
    {
        Spi.Query("SELECT id FROM pgml.models WHERE project_id = $1 AND ($2::text IS NULL OR algorithm = $2) " +
                  "ORDER BY created_at DESC, id DESC LIMIT 1", 1, SqlArg.Of(projectId), SqlArg.Of(algorithm));
        return Spi.Int64(0, 1);
    }

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
