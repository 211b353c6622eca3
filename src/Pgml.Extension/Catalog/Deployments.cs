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

    public static void Deploy(long projectId, long modelId, string strategy) =>
        Spi.Execute("INSERT INTO pgml.deployments (project_id, model_id, strategy) VALUES ($1, $2, $3::pgml.strategy)",
            SqlArg.Of(projectId), SqlArg.Of(modelId), SqlArg.Of(strategy));
}
