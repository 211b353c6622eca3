using Pgml.Extension.Interop;

namespace Pgml.Extension.Catalog;

/// <summary>pgml.deployments: append-only; a project's current model is its newest deployment.</summary>
internal static class Deployments
{
    public static long? CurrentModel(string projectName)
    {
        Spi.Query(
            "SELECT d.model_id FROM pgml.deployments d JOIN pgml.projects p ON p.id = d.project_id " +
            "WHERE p.name = $1 ORDER BY d.created_at DESC, d.id DESC LIMIT 1", 1, SqlArg.Of(projectName));
        return Spi.Int64(0, 1);
    }

    public static long? CurrentModel(long projectId)
    {
        Spi.Query("SELECT model_id FROM pgml.deployments WHERE project_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
            1, SqlArg.Of(projectId));
        return Spi.Int64(0, 1);
    }

    /// <summary>
    /// The model a rollback returns to. Deployments form a stack: a deploy pushes its model, a rollback pops the
    /// current one. So repeated rollbacks walk back through the history instead of swapping the last two models
    /// (PostgresML's behaviour). With an algorithm filter, the first earlier model of that algorithm.
    /// </summary>
    public static long? RollbackTarget(long projectId, string? algorithm)
    {
        long rows = Spi.Query("SELECT d.model_id, d.strategy::text, m.algorithm FROM pgml.deployments d JOIN pgml.models m ON m.id = d.model_id " +
                              "WHERE d.project_id = $1 ORDER BY d.created_at, d.id", 0, SqlArg.Of(projectId));
        var stack = new List<(long Model, string Algorithm)>();
        for (long r = 0; r < rows; r++)
        {
            long model = Spi.Int64(r, 1)!.Value;
            if (Spi.Text(r, 2) == "rollback")
                while (stack.Count > 1 && stack[^1].Model != model) stack.RemoveAt(stack.Count - 1);
            if (stack.Count == 0 || stack[^1].Model != model) stack.Add((model, Spi.Text(r, 3)!));
        }
        for (int i = stack.Count - 2; i >= 0; i--)
            if (algorithm is null || stack[i].Algorithm == algorithm)
                return stack[i].Model;
        return null;
    }

    public static void Deploy(long projectId, long modelId, string strategy) =>
        Spi.Execute("INSERT INTO pgml.deployments (project_id, model_id, strategy) VALUES ($1, $2, $3::pgml.strategy)",
            SqlArg.Of(projectId), SqlArg.Of(modelId), SqlArg.Of(strategy));
}
