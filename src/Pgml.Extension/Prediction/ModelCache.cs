using System.Text;
using Pgml.Engine.Models;
using Pgml.Engine.Trees;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Prediction;

/// <summary>
/// Per-backend cache: project name → deployed model → ready evaluator. A warm lookup compares bytes and reads one
/// counter; no query, no allocation. Any change to pgml's catalog tables bumps the shim's generation counter through
/// PostgreSQL's relcache invalidations, which are sent at commit (never on rollback) and replayed on standbys; the
/// next call then drops everything and reloads from the catalog.
/// </summary>
internal static class ModelCache
{
    private static ulong _generation;
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
        return ById.TryGetValue(id, out var m) ? m : LoadModel(id);
    }

    private static void Revalidate()
    {
        ulong g = Pg.DeployGeneration;
        if (g == _generation) return;
        _generation = g;
        Array.Clear(_projects);
        _projectCount = 0;
        _lastHit = 0;
        ById.Clear();
    }

    private static LoadedModel LoadProject(byte[] nameBytes)
    {
        Pg.WatchDeployments();
        string name = Encoding.UTF8.GetString(nameBytes);
        long? modelId = Catalog.Deployments.CurrentModel(name);
        if (modelId is null)
        {
            if (!Catalog.Projects.Exists(name))
                throw new PgmlException(SqlState.UndefinedObject, $"project \"{name}\" does not exist",
                    "Train a model first with pgml.train(), or check the name in pgml.projects.");
            throw new PgmlException(SqlState.NoDataFound, $"project \"{name}\" has no deployed model",
                "Deploy one of its models with pgml.deploy(), or train with automatic_deploy => true.");
        }
        var model = ForModel(modelId.Value);
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
        var stored = Catalog.Files.Load(id)
            ?? throw new PgmlException(SqlState.UndefinedObject, $"model {id} does not exist",
                "List the models with: SELECT id, algorithm FROM pgml.models;");
        long fetched = System.Diagnostics.Stopwatch.GetTimestamp();
        var metadata = ModelMetadata.FromJson(stored.Metadata);
        var trees = TreeEnsemble.FromXGBoostJson(stored.Estimator);
        var model = new LoadedModel(id, metadata, trees);
        ById[id] = model;
        Loads++;
        LastLoadMilliseconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LastParseMilliseconds = System.Diagnostics.Stopwatch.GetElapsedTime(fetched).TotalMilliseconds;
        return model;
    }
}
