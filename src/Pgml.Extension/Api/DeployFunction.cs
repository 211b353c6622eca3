using Pgml.Extension.Catalog;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Api;

/// <summary>pgml.deploy(model_id): makes a model its project's deployed model (strategy 'specific').</summary>
internal static class DeployFunction
{
    public static void Run(Args a)
    {
        long modelId = a.Int64(0) ?? throw new PgmlException(SqlState.NullValueNotAllowed, "pgml.deploy: model_id must not be NULL",
            "Pass the id of a model from pgml.models.");
        if (Spi.Query("SELECT m.project_id, p.name, m.algorithm FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id " +
                      "WHERE m.id = $1", 1, SqlArg.Of(modelId)) == 0)
            throw new PgmlException(SqlState.UndefinedObject, $"model {modelId} does not exist",
                "List the models with: SELECT id, algorithm, metrics FROM pgml.models;");
        long projectId = Spi.Int64(0, 1)!.Value;
        string project = Spi.Text(0, 2)!;
        string algorithm = Spi.Text(0, 3)!;
        Deployments.Deploy(projectId, modelId, "specific");
        Result.Row(project, "specific", algorithm);
    }
}
