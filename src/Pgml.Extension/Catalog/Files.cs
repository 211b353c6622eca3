using Pgml.Engine.Models;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Catalog;

internal sealed record StoredModel(byte[] Metadata, byte[] Estimator);

/// <summary>
/// pgml.files: a model's bytes. The estimator is stored in its library's own format (XGBoost JSON), loadable by
/// XGBoost itself; pgml's metadata (task, features, classes) sits beside it as JSON.
/// </summary>
internal static class Files
{
    public const string EstimatorPath = "estimator.json";

    public static void Save(long modelId, string path, byte[] data) =>
        Spi.Execute("INSERT INTO pgml.files (model_id, path, part, data) VALUES ($1, $2, 0, $3)",
            SqlArg.Of(modelId), SqlArg.Of(path), SqlArg.Bytea(data));

    public static StoredModel? Load(long modelId)
    {
        long rows = Spi.Query("SELECT path, data FROM pgml.files WHERE model_id = $1 AND part = 0 AND path = ANY($2::text[])",
            0, SqlArg.Of(modelId), SqlArg.Typed(1009, $"{{{EstimatorPath},{ModelMetadata.FileName}}}"));
        byte[]? metadata = null, estimator = null;
        for (long r = 0; r < rows; r++)
        {
            string path = Spi.Text(r, 1)!;
            if (path == EstimatorPath) estimator = Spi.Bytes(r, 2);
            else metadata = Spi.Bytes(r, 2);
        }
        if (metadata is null && estimator is null) return null;
        if (metadata is null || estimator is null)
            throw new PgmlException(SqlState.InvalidBinaryRepresentation,
                $"model {modelId} is incomplete: pgml.files lacks its {(metadata is null ? ModelMetadata.FileName : EstimatorPath)}",
                "Retrain the model.");
        return new StoredModel(metadata, estimator);
    }
}
