using Pgml.Extension.Interop;

namespace Pgml.Extension.Catalog;

/// <summary>
/// pgml.files: a model's bytes. estimator.compiled is pgml's versioned binary form of every model (IPredictor.ToBytes),
/// which loads in microseconds; XGBoost and LightGBM models also keep their library's own file (estimator.json,
/// estimator.txt), loadable by the library itself and the source of truth; beside them pgml's metadata (task,
/// features, classes) as JSON and the fitted preprocessing.
/// </summary>
internal static class Files
{
    public const string CompiledPath = "estimator.compiled";
    public const string PipelinePath = Engine.Preprocessing.FittedPipeline.FileName;

    /// <summary>Stores a file; a model with several targets stores one estimator per target, as parts 0, 1, ...</summary>
    public static void Save(long modelId, string path, byte[] data, int part = 0) => Save(modelId, path, SqlArg.Bytea(data), data.Length, part);

    /// <summary>Stores bytes held in native memory (a model's, which can be hundreds of megabytes) without copying them first.</summary>
    public static void Save(long modelId, string path, Engine.Data.NativeList<byte> data, int part = 0) =>
        Save(modelId, path, SqlArg.Bytea(data), data.Count, part);

    private static void Save(long modelId, string path, SqlArg data, long length, int part)
    {
        if (length > MaxFileBytes)
            throw new PgmlException(SqlState.ProgramLimitExceeded,
                $"the model file {path} is {length >> 20} MB, more than a bytea value holds (1 GB)",
                "Train a smaller model: fewer or shallower trees (n_estimators, max_depth, min_samples_leaf), or fewer rows for knn.");
        Spi.Execute("INSERT INTO pgml.files (model_id, path, part, data) VALUES ($1, $2, $3::int, $4)",
            SqlArg.Of(modelId), SqlArg.Of(path), SqlArg.Of((long)part), data);
    }

    /// <summary>PostgreSQL's limit on one field (MaxAllocSize, 1 GB minus one byte, less the varlena header).</summary>
    private const long MaxFileBytes = 0x3FFFFFFF - 4;

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

    /// <summary>What a library-native model file is, for messages.</summary>
    public static string Describe(string path) => path switch
    {
        Engine.XGBoost.XGBoostAlgorithm.NativeFile => "XGBoost JSON",
        Engine.LightGbm.LightGbmAlgorithm.NativeFile => "LightGBM text model",
        _ => path,
    };

    public static bool ModelExists(long modelId) =>
        Spi.Query("SELECT 1 FROM pgml.models WHERE id = $1", 1, SqlArg.Of(modelId)) > 0;
}
