using Pgml.Extension.Interop;

namespace Pgml.Extension.Catalog;

/// <summary>
/// pgml.files: a model's bytes. estimator.compiled is pgml's versioned binary form of every model (IPredictor.ToBytes),
/// which loads in microseconds; XGBoost and LightGBM models also keep their library's own file (estimator.json,
/// estimator.txt), loadable by the library itself and the source of truth; beside them pgml's metadata (task,
/// features, classes) as JSON and the fitted preprocessing.
/// </summary>
internal static unsafe class Files
{
    public const string CompiledPath = "estimator.compiled";
    public const string PipelinePath = Engine.Preprocessing.FittedPipeline.FileName;

    /// <summary>Stores a file; a model with several targets stores one estimator per target, as parts 0, 1, ...</summary>
    public static void Save(long modelId, string path, byte[] data, int part = 0)
    {
        fixed (byte* p = data) Save(modelId, path, p, data.Length, part);
    }

    /// <summary>Stores bytes held in native memory (a model's, which can be hundreds of megabytes) without copying them first.</summary>
    public static void Save(long modelId, string path, Engine.Data.NativeList<byte> data, int part = 0) =>
        Save(modelId, path, data.Pointer, data.Count, part);

    /// <summary>
    /// One row per piece of at most <see cref="PieceBytes"/>: PostgreSQL's INSERT copies a value a few times (the
    /// parameter, the heap tuple, the compression buffer), so a 200 MB model stored whole would briefly cost a gigabyte.
    /// </summary>
    private static void Save(long modelId, string path, byte* data, long length, int part)
    {
        if (length > MaxFileBytes)
            throw new PgmlException(SqlState.ProgramLimitExceeded,
                $"the file {path} is {length >> 20} MB, more than pgml stores for one model file (1 GB)",
                "Train a smaller model: fewer or shallower trees (n_estimators, max_depth, min_samples_leaf), or fewer rows for knn.");
        int piece = 0;
        for (long offset = 0; piece == 0 || offset < length; offset += PieceBytes, piece++)
        {
            int size = (int)Math.Min(PieceBytes, length - offset);
            Spi.Execute("INSERT INTO pgml.files (model_id, path, part, piece, data) VALUES ($1, $2, $3::int, $4::int, $5)",
                SqlArg.Of(modelId), SqlArg.Of(path), SqlArg.Of((long)part), SqlArg.Of((long)piece), SqlArg.Bytea(data + offset, size));
        }
    }

    /// <summary>The largest piece of a file in one pgml.files row.</summary>
    public const int PieceBytes = 16 << 20;

    /// <summary>The largest file pgml writes (a bytea could hold 1 GB per piece; a model is loaded into one buffer).</summary>
    private const long MaxFileBytes = 1L << 30;

    /// <summary>
    /// Reads the given files of a model, each put together from its pieces in native memory (a model's bytes can be
    /// hundreds of MB, which the backend's capped managed heap should not hold); a missing file is absent from the
    /// result, and a file whose pieces are not 0, 1, ... is an error. Dispose the result once the files are parsed.
    /// </summary>
    public static StoredFiles Load(long modelId, params string[] paths)
    {
        long rows = Spi.Query("SELECT path, part, piece, data FROM pgml.files WHERE model_id = $1 AND path = ANY($2::text[]) ORDER BY path, part, piece",
            0, SqlArg.Of(modelId), SqlArg.Typed(1009, "{" + string.Join(',', paths.Select(p => $"\"{p}\"")) + "}"));
        var files = new StoredFiles();
        try
        {
            var pieces = new List<(nint Data, int Length)>();
            for (long first = 0, end; first < rows; first = end)
            {
                var key = (Spi.Text(first, 1)!, (int)Spi.Int64(first, 2)!.Value);
                pieces.Clear();
                long total = 0;
                for (end = first; end < rows && Spi.Text(end, 1) == key.Item1 && Spi.Int64(end, 2) == key.Item2; end++)
                {
                    if (Spi.Int64(end, 3) != end - first)
                        throw new PgmlException(SqlState.InvalidBinaryRepresentation,
                            $"model {modelId}'s file {key.Item1} (part {key.Item2}) lacks its piece {end - first}", "Retrain the model.");
                    byte* data = Spi.Bytes(end, 4, out int length);   // detoasted once, valid until the next query
                    pieces.Add(((nint)data, length));
                    total += length;
                }
                if (total > MaxFileBytes)
                    throw new PgmlException(SqlState.ProgramLimitExceeded,
                        $"model {modelId}'s file {key.Item1} is {total >> 20} MB, more than pgml loads (1 GB)", "Retrain a smaller model.");
                var bytes = new Engine.Data.NativeList<byte>(total);
                files.Add(key, bytes);
                foreach (var (data, length) in pieces) bytes.AddRange(new ReadOnlySpan<byte>((byte*)data, length));
            }
            return files;
        }
        catch
        {
            files.Dispose();
            throw;
        }
    }


    public static bool ModelExists(long modelId) =>
        Spi.Query("SELECT 1 FROM pgml.models WHERE id = $1", 1, SqlArg.Of(modelId)) > 0;
}

/// <summary>A model's files as read by <see cref="Files.Load"/>, in native memory until disposed.</summary>
internal sealed class StoredFiles : IDisposable
{
    private readonly Dictionary<(string Path, int Part), Engine.Data.NativeList<byte>> _files = new();

    internal void Add((string Path, int Part) key, Engine.Data.NativeList<byte> bytes) => _files[key] = bytes;

    public bool Contains(string path, int part) => _files.ContainsKey((path, part));

    /// <summary>The file's bytes in place (valid until disposed); empty when it is absent (check <see cref="Contains"/>).</summary>
    public ReadOnlySpan<byte> Span(string path, int part) =>
        _files.TryGetValue((path, part), out var bytes) ? bytes.AsSpan() : default;

    /// <summary>A managed copy, for the small files (JSON) and the parsers that take arrays; null when absent.</summary>
    public byte[]? Bytes(string path, int part) =>
        _files.TryGetValue((path, part), out var bytes) ? bytes.AsSpan().ToArray() : null;

    public void Dispose()
    {
        foreach (var bytes in _files.Values) bytes.Dispose();
        _files.Clear();
    }
}
