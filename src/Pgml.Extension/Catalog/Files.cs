using Pgml.Extension.Interop;

namespace Pgml.Extension.Catalog;

/// <summary>
/// pgml.files: a model's bytes. The estimator is stored in its library's own format (XGBoost JSON), loadable by
/// XGBoost itself, and is the source of truth; beside it, pgml's metadata (task, features, classes) as JSON and the
/// compiled trees (Pgml.Engine's versioned binary form), which load in microseconds instead of milliseconds.
/// </summary>
internal static class Files
{
    public const string EstimatorPath = "estimator.json";
    public const string CompiledPath = "estimator.compiled";
    public const string PipelinePath = Engine.Preprocessing.FittedPipeline.FileName;

    /// <summary>Stores a file; a model with several targets stores one estimator per target, as parts 0, 1, ...</summary>
    public static void Save(long modelId, string path, byte[] data, int part = 0) =>
        Spi.Execute("INSERT INTO pgml.files (model_id, path, part, data) VALUES ($1, $2, $3::int, $4)",
            SqlArg.Of(modelId), SqlArg.Of(path), SqlArg.Of((long)part), SqlArg.Bytea(data));

    /// <summary>Reads the given files of a model, keyed by (path, part); a missing file is absent from the result.</summary>
    public static Dictionary<(string Path, int Part), byte[]> Load(long modelId, params string[] paths)
    {
        long rows = Spi.Query("SELECT path, part, data FROM pgml.files WHERE model_id = $1 AND path = ANY($2::text[])",
            0, SqlArg.Of(modelId), SqlArg.Typed(1009, "{" + string.Join(',', paths.Select(p => $"\"{p}\"")) + "}"));
        var files = new Dictionary<(string, int), byte[]>((int)rows);
        for (long r = 0; r < rows; r++)
            files[(Spi.Text(r, 1)!, (int)Spi.Int64(r, 2)!.Value)] = Spi.Bytes(r, 3)!;
        return files;
    }

    public static bool ModelExists(long modelId) =>
        Spi.Query("SELECT 1 FROM pgml.models WHERE id = $1", 1, SqlArg.Of(modelId)) > 0;
}
