using System.Text;
using Pgml.Engine.Models;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Trees;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Prediction;

/// <summary>
/// Per-backend cache: project name → deployed model → ready evaluator. A warm lookup compares bytes and reads one
/// counter; no query, no allocation. Any change to pgml's catalog tables bumps the shim's generation counter through
/// PostgreSQL's relcache invalidations, which are sent at commit (never on rollback) and replayed on standbys; the
/// next call then drops everything and reloads from the catalog.
///
/// A model is served only to a role that may see it (pgml's privileges): the catalog is read as the current role,
/// under row-level security, so a load is the check. When the role changes (SET ROLE, a SECURITY DEFINER function),
/// the names resolved for the previous role are dropped, and a loaded model is checked again, with one query, before
/// the new role gets it; the warm path compares one number more.
/// </summary>
internal static class ModelCache
{
    private static ulong _generation;
    private static uint _user;
    private static (byte[] Name, LoadedModel Model)[] _projects = [];
    private static int _projectCount;
    private static int _lastHit;
    private static readonly Dictionary<long, LoadedModel> ById = new();

    public static int Count => ById.Count;
    public static long Loads { get; private set; }
    public static double LastLoadMilliseconds { get; private set; }
    public static double LastParseMilliseconds { get; private set; }

    public static LoadedModel ForProject(ReadOnlySpan<byte> name)
    {
        Revalidate();
        if (_lastHit < _projectCount && name.SequenceEqual(_projects[_lastHit].Name))
            return _projects[_lastHit].Model;
        for (int i = 0; i < _projectCount; i++)
        {
            if (name.SequenceEqual(_projects[i].Name))
            {
                _lastHit = i;
                return _projects[i].Model;
            }
        }
        return LoadProject(name.ToArray());
    }

    public static LoadedModel ForModel(long id)
    {
        Revalidate();
        if (!ById.TryGetValue(id, out var m)) return LoadModel(id);
        if (m.CheckedFor != _user) CheckVisible(m);
        return m;
    }

    private static void Revalidate()
    {
        ulong g = Pg.DeployGeneration;
        uint user = Pg.CurrentUser;
        if (g == _generation && user == _user) return;
        if (g != _generation) ById.Clear();
        _generation = g;
        _user = user;
        Array.Clear(_projects);
        _projectCount = 0;
        _lastHit = 0;
    }

    /// <summary>A loaded model asked for by another role than the one it was loaded or last checked for.</summary>
    private static void CheckVisible(LoadedModel model)
    {
        if (!Catalog.Files.ModelExists(model.Id))
            throw Catalog.Access.HiddenModel(model.Id, Catalog.Privilege.Predict) ?? ModelMissing(model.Id);
        model.CheckedFor = _user;
    }

    private static PgmlException ModelMissing(long id) => new(SqlState.UndefinedObject, $"model {id} does not exist",
        "List the models with: SELECT id, algorithm FROM pgml.models;");

    private static LoadedModel LoadProject(byte[] nameBytes)
    {
        Pg.WatchDeployments();
        string name = Encoding.UTF8.GetString(nameBytes);
        long? modelId = Catalog.Deployments.CurrentModel(name);
        if (modelId is null)
        {
            if (!Catalog.Projects.Exists(name))
                throw Catalog.Access.HiddenProject(name, Catalog.Privilege.Predict) ?? new PgmlException(SqlState.UndefinedObject, $"project \"{name}\" does not exist",
                    "Train a model first with pgml.train(), or check the name in pgml.projects.");
            throw new PgmlException(SqlState.NoDataFound, $"project \"{name}\" has no deployed model",
                "Deploy one of its models with pgml.deploy(), or train with automatic_deploy => true.");
        }
        var model = ForModel(modelId.Value);   // the role saw the deployment, hence the model: CheckVisible agrees
        if (_projectCount == _projects.Length)
            Array.Resize(ref _projects, Math.Max(4, _projects.Length * 2));
        _projects[_projectCount] = (nameBytes, model);
        _lastHit = _projectCount++;
        return model;
    }

    private static LoadedModel LoadModel(long id)
    {
        Pg.WatchDeployments();
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var files = Catalog.Files.Load(id, ModelMetadata.FileName, Catalog.Files.CompiledPath, Catalog.Files.PipelinePath);
        if (!files.Contains(ModelMetadata.FileName, 0))
        {
            if (!Catalog.Files.ModelExists(id))
                throw Catalog.Access.HiddenModel(id, Catalog.Privilege.Predict) ?? ModelMissing(id);
            throw new PgmlException(SqlState.InvalidBinaryRepresentation,
                $"model {id} is incomplete: pgml.files lacks its {ModelMetadata.FileName}", "Retrain the model.");
        }
        long fetched = System.Diagnostics.Stopwatch.GetTimestamp();
        var metadata = ModelMetadata.FromJson(files.Span(ModelMetadata.FileName, 0));
        var algorithm = AlgorithmRegistry.Find(metadata.Algorithm, metadata.Task);
        var targets = new IPredictor[Math.Max(1, metadata.Targets.Count)];
        for (int t = 0; t < targets.Length; t++)
            targets[t] = LoadPredictor(id, t, metadata, algorithm, files, Catalog.Files.CompiledPath);
        var transform = files.Bytes(Catalog.Files.PipelinePath, 0) is { } pipeline ? Pipelines.Load(pipeline) : null;
        var model = new LoadedModel(id, metadata, targets, new FeatureEncoder(metadata, transform), algorithm.AcceptsMissingValues)
        {
            CheckedFor = _user,   // its files were read as this role, under row-level security
        };
        ById[id] = model;
        Loads++;
        LastLoadMilliseconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LastParseMilliseconds = System.Diagnostics.Stopwatch.GetElapsedTime(fetched).TotalMilliseconds;
        return model;
    }

    /// <summary>
    /// The model's bytes in pgml's format when they are there and sound. An algorithm that stores its library's own
    /// model (XGBoost's JSON, LightGBM's text), the source of truth, falls back to it when pgml's bytes are missing or
    /// damaged, so the model still predicts; for the others a damaged model is an error.
    /// </summary>
    private static IPredictor LoadPredictor(long id, int target, ModelMetadata metadata, IAlgorithm algorithm, Catalog.StoredFiles files, string compiled)
    {
        string? native = algorithm.NativeFile;
        if (files.Contains(compiled, target))
        {
            try
            {
                return ModelFormats.Load(files.Span(compiled, target), metadata.Task);
            }
            catch (Engine.ModelFormatException e) when (native is not null)
            {
                Pg.Log(Pg.Level.Warning, $"pgml: the compiled trees of model {id} are unusable ({e.Message}); loading its {Engine.Algorithms.AlgorithmRegistry.DescribeFile(native)} instead");
            }
        }
        string missing = native ?? Catalog.Files.CompiledPath;
        byte[]? bytes = null;
        if (native is not null)
        {
            using var nativeFiles = Catalog.Files.Load(id, native);
            bytes = nativeFiles.Bytes(native, target);
        }
        return bytes is null
            ? throw new PgmlException(SqlState.InvalidBinaryRepresentation,
                $"model {id} is incomplete: pgml.files lacks its {missing} (part {target})", "Retrain the model.")
            : algorithm.FromNativeFile(bytes, metadata.Task);
    }
}
