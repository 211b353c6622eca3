using System.Text.Json;
using Npgsql;

namespace Pgml.Dashboard.Data;

/// <summary>
/// Reads pgml's catalog (pgml.projects, models, deployments, snapshots, files) as the configured role: row-level
/// security decides what it sees, so a project the role may not use is "not found", as in SQL. Every value from the
/// request is a parameter; no SQL text is built here.
/// </summary>
public sealed class Catalog(NpgsqlDataSource db)
{
    // The newest deployment per project is the deployed model (created_at, then id), as pgml.deployed_models has it.
    private const string LatestDeployment =
        "SELECT d.model_id, d.created_at, d.strategy::text AS strategy FROM pgml.deployments d WHERE d.project_id = p.id ORDER BY d.created_at DESC, d.id DESC LIMIT 1";

    public async Task<List<ProjectSummary>> ProjectsAsync(CancellationToken ct)
    {
        const string sql = $"""
            SELECT p.id, p.name, p.task::text, p.created_at, (SELECT count(*) FROM pgml.models mm WHERE mm.project_id = p.id),
                   d.model_id, m.algorithm, (m.metrics - 'search_results' - 'confusion_matrix')::text, d.created_at, d.strategy
            FROM pgml.projects p
            LEFT JOIN LATERAL ({LatestDeployment}) d ON true
            LEFT JOIN pgml.models m ON m.id = d.model_id
            ORDER BY p.name, p.id
            """;
        await using var cmd = db.CreateCommand(sql);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<ProjectSummary>();
        while (await r.ReadAsync(ct))
        {
            string task = r.GetString(2);
            string? headline = Metrics.Headline(task);
            double? value = null;
            if (!r.IsDBNull(7) && headline is not null)
            {
                using var doc = JsonDocument.Parse(r.GetString(7));
                value = Metrics.Scalars(doc.RootElement).GetValueOrDefault(headline);
            }
            list.Add(new ProjectSummary(r.GetInt64(0), r.GetString(1), task, r.GetDateTime(3), r.GetInt64(4),
                r.IsDBNull(5) ? null : r.GetInt64(5), r.IsDBNull(6) ? null : r.GetString(6), headline, value,
                r.IsDBNull(8) ? null : r.GetDateTime(8), r.IsDBNull(9) ? null : r.GetString(9)));
        }
        return list;
    }

    public async Task<Project> ProjectAsync(long id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT id, name, task::text, created_at, coalesce(to_jsonb(p)->>'owner', '') FROM pgml.projects p WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw new NotFoundException($"project {id} does not exist (or this role may not see it)");
        return new Project(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetDateTime(3), r.GetString(4));
    }

    public async Task<List<ModelRow>> ModelsAsync(long projectId, CancellationToken ct)
    {
        // the two large metrics (a K×K matrix, every search candidate) stay in the database: the table shows scalars
        await using var cmd = db.CreateCommand("""
            SELECT id, algorithm, status, created_at, snapshot_id, (metrics - 'search_results' - 'confusion_matrix')::text
            FROM pgml.models WHERE project_id = $1 ORDER BY id
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = projectId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<ModelRow>();
        while (await r.ReadAsync(ct))
        {
            Dictionary<string, double?> metrics = [];
            if (!r.IsDBNull(5))
            {
                using var doc = JsonDocument.Parse(r.GetString(5));
                metrics = Metrics.Scalars(doc.RootElement);
            }
            list.Add(new ModelRow(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetDateTime(3), r.IsDBNull(4) ? null : r.GetInt64(4), metrics));
        }
        return list;
    }

    /// <summary>The project's deployments, newest first; the first is the deployed model.</summary>
    public async Task<List<Deployment>> DeploymentsAsync(long projectId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT d.id, d.model_id, m.algorithm, d.strategy::text, d.created_at
            FROM pgml.deployments d JOIN pgml.models m ON m.id = d.model_id
            WHERE d.project_id = $1 ORDER BY d.created_at DESC, d.id DESC
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = projectId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<Deployment>();
        while (await r.ReadAsync(ct))
            list.Add(new Deployment(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetDateTime(4)));
        return list;
    }

    /// <summary>Whether the connected role may deploy the project's models: pgml 0.3.0's per-project privilege, or, in
    /// a database whose pgml is older (0.1.0, 0.2.0: no owners, no pgml.has_project_privilege), whether the role may
    /// write pgml.deployments at all.</summary>
    public async Task<bool> MayDeployAsync(string projectName, CancellationToken ct)
    {
        try
        {
            await using var cmd = db.CreateCommand("SELECT pgml.has_project_privilege($1, 'deploy')");
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projectName });
            return await cmd.ExecuteScalarAsync(ct) is true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedFunction)
        {
            await using var cmd = db.CreateCommand("SELECT has_table_privilege('pgml.deployments', 'INSERT')");
            return await cmd.ExecuteScalarAsync(ct) is true;
        }
    }

    public async Task<ModelDetail> ModelAsync(long id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT m.id, m.project_id, p.name, p.task::text, m.snapshot_id, m.num_features, m.algorithm, m.runtime::text,
                   m.status, m.created_at, d.model_id IS NOT DISTINCT FROM m.id, m.hyperparams::text, m.metrics::text,
                   m.search, m.search_params::text, m.search_args::text,
                   s.relation_name, s.test_size, s.test_sampling::text, (s.analysis->>'samples')::bigint
            FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id
            LEFT JOIN LATERAL ({LatestDeployment}) d ON true
            LEFT JOIN pgml.snapshots s ON s.id = m.snapshot_id
            WHERE m.id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw new NotFoundException($"model {id} does not exist (or this role may not see it)");
        SnapshotSplit? split = r.IsDBNull(16) ? null
            : new SnapshotSplit(r.GetString(16), r.GetFloat(17), r.GetString(18), r.IsDBNull(19) ? null : r.GetInt64(19));
        return new ModelDetail(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetInt64(4),
            r.GetInt32(5), r.GetString(6), r.IsDBNull(7) ? "" : r.GetString(7), r.GetString(8), r.GetDateTime(9), r.GetBoolean(10),
            Parse(r, 11), Parse(r, 12), r.IsDBNull(13) ? null : r.GetString(13), Parse(r, 14), Parse(r, 15), split);
    }

    public async Task<List<ModelFile>> FilesAsync(long modelId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT path, part, piece, length(data)::bigint, pg_column_size(data)::bigint, created_at
            FROM pgml.files WHERE model_id = $1 ORDER BY path, part, piece
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = modelId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<ModelFile>();
        while (await r.ReadAsync(ct))
            list.Add(new ModelFile(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetInt64(3), r.GetInt64(4), r.GetDateTime(5)));
        return list;
    }

    /// <summary>One of a model's JSON files (pgml.json, preprocess.json), or an undefined element when it has none.
    /// PostgreSQL decompresses the column (lz4 is its own TOAST compression).</summary>
    public async Task<JsonElement> ModelJsonFileAsync(long modelId, string path, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "SELECT convert_from(data, 'UTF8') FROM pgml.files WHERE model_id = $1 AND path = $2 AND part = 0 AND piece = 0");
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = modelId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = path });
        return await cmd.ExecuteScalarAsync(ct) is string s ? JsonDocument.Parse(s).RootElement.Clone() : default;
    }

    /// <summary>The features the model was trained on, in order, from its pgml.json.</summary>
    public async Task<List<FeatureColumn>> FeaturesAsync(long modelId, CancellationToken ct)
    {
        var meta = await ModelJsonFileAsync(modelId, "pgml.json", ct);
        var list = new List<FeatureColumn>();
        if (meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("columns", out var cols) && cols.ValueKind == JsonValueKind.Array)
            foreach (var c in cols.EnumerateArray())
                list.Add(new FeatureColumn(Str(c, "name"), Str(c, "kind"),
                    c.TryGetProperty("width", out var w) && w.ValueKind == JsonValueKind.Number ? w.GetInt32() : 1, Str(c, "pg_type")));
        return list;
    }

    public async Task<Snapshot> SnapshotAsync(long id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT id, relation_name, coalesce(y_column_name, '{}'), test_size, test_sampling::text, status, created_at,
                   coalesce(materialized, false), (analysis->>'samples')::bigint, coalesce(columns, '[]')::text
            FROM pgml.snapshots WHERE id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw new NotFoundException($"snapshot {id} does not exist (or this role may not see it)");
        var columns = new List<SnapshotColumn>();
        using (var doc = JsonDocument.Parse(r.GetString(9)))
            foreach (var c in doc.RootElement.EnumerateArray())
                columns.Add(new SnapshotColumn(Str(c, "name"), Str(c, "pg_type"),
                    c.TryGetProperty("position", out var pos) && pos.ValueKind == JsonValueKind.Number ? pos.GetInt32() : 0,
                    c.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.True));
        return new Snapshot(r.GetInt64(0), r.GetString(1), r.GetFieldValue<string[]>(2), r.GetFloat(3), r.GetString(4), r.GetString(5),
            r.GetDateTime(6), r.GetBoolean(7), r.IsDBNull(8) ? null : r.GetInt64(8), columns);
    }

    /// <summary>The models trained on a snapshot (id, project, algorithm).</summary>
    public async Task<List<(long Id, long ProjectId, string Project, string Algorithm)>> SnapshotModelsAsync(long snapshotId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT m.id, p.id, p.name, m.algorithm FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id
            WHERE m.snapshot_id = $1 ORDER BY m.id
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = snapshotId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<(long, long, string, string)>();
        while (await r.ReadAsync(ct)) list.Add((r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3)));
        return list;
    }

    private static JsonElement Parse(NpgsqlDataReader r, int i)
    {
        if (r.IsDBNull(i)) return default;
        using var doc = JsonDocument.Parse(r.GetString(i));
        return doc.RootElement.Clone();
    }

    private static string Str(JsonElement o, string key) =>
        o.TryGetProperty(key, out var v) ? (v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.GetRawText()) : "";
}
