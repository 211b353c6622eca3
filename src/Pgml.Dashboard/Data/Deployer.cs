using Microsoft.Extensions.Options;
using Npgsql;

namespace Pgml.Dashboard.Data;

/// <summary>The dashboard's only writes: pgml.deploy by model id or by strategy, when neither the configuration
/// (Dashboard:ReadOnly) nor the role's privileges make the project read-only.</summary>
public sealed class Deployer(NpgsqlDataSource db, Catalog catalog, IOptions<DashboardOptions> options)
{
    /// <summary>The strategies a user may ask for (new_score and specific are pgml's own records).</summary>
    public static readonly string[] Strategies = ["best_score", "most_recent", "rollback"];

    /// <summary>Null when deploying is allowed, else why the project is read-only.</summary>
    public async Task<string?> ReadOnlyReasonAsync(Project project, CancellationToken ct)
    {
        if (options.Value.ReadOnly) return "the dashboard runs read-only (Dashboard:ReadOnly = true)";
        if (!await catalog.MayDeployAsync(project.Name, ct))
            return "this role may not deploy the project (pgml.has_project_privilege(project, 'deploy') is false, or, before pgml 0.3.0, it may not insert into pgml.deployments)";
        return null;
    }

    /// <summary>Deploys one model of the project (pgml.deploy(model_id), recorded as specific).</summary>
    public async Task<string> DeployModelAsync(Project project, long modelId, CancellationToken ct)
    {
        await EnsureWritableAsync(project, ct);
        // pgml.deploy(model_id) deploys into the model's own project: check it is this one
        await using (var check = db.CreateCommand("SELECT project_id FROM pgml.models WHERE id = $1"))
        {
            check.Parameters.Add(new NpgsqlParameter<long> { TypedValue = modelId });
            if (await check.ExecuteScalarAsync(ct) is not long pid || pid != project.Id)
                throw new DeployRefusedException($"model {modelId} is not a model of project {project.Name}");
        }
        await using var cmd = db.CreateCommand("SELECT project, strategy, algorithm FROM pgml.deploy($1::bigint)");
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = modelId });
        return await RunAsync(cmd, ct);
    }

    public async Task<string> DeployStrategyAsync(Project project, string strategy, CancellationToken ct)
    {
        await EnsureWritableAsync(project, ct);
        if (!Strategies.Contains(strategy)) throw new DeployRefusedException($"unknown strategy \"{strategy}\": use best_score, most_recent or rollback");
        await using var cmd = db.CreateCommand("SELECT project, strategy, algorithm FROM pgml.deploy($1::text, $2::text::pgml.strategy)");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = project.Name });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = strategy });
        return await RunAsync(cmd, ct);
    }

    private async Task EnsureWritableAsync(Project project, CancellationToken ct)
    {
        if (await ReadOnlyReasonAsync(project, ct) is string why) throw new DeployRefusedException($"read-only: {why}");
    }

    private static async Task<string> RunAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        try
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            return $"deployed: project {r.GetString(0)}, strategy {r.GetString(1)}, algorithm {r.GetString(2)}";
        }
        // (codes named by Npgsql's table: the repository keeps literal SQLSTATEs out of src/, SqlStateTableTests)
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.NoDataFound or PostgresErrorCodes.InsufficientPrivilege
                                              or PostgresErrorCodes.InvalidParameterValue or PostgresErrorCodes.UndefinedObject)
        {
            // pgml's own refusals (no model qualifies for a rollback, permission denied): shown on the page
            throw new DeployRefusedException(e.MessageText + (e.Hint is null ? "" : $" ({e.Hint})"));
        }
    }
}

/// <summary>A deploy that pgml or the dashboard refused: the project page shows the reason.</summary>
public sealed class DeployRefusedException(string message) : Exception(message);
