using Pgml.Extension.Catalog;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Api;

/// <summary>
/// pgml.deploy(model_id) and pgml.deploy(project_name, strategy, algorithm): make a model its project's deployed
/// model. Every prediction cache follows at the deployment's commit.
/// </summary>
internal static class DeployFunction
{
    public static void Run(Args a, int nargs)
    {
        if (nargs == 1) DeploySpecific(a);
        else DeployByStrategy(a);
    }

    private static void DeploySpecific(Args a)
    {
        long modelId = a.Int64(0) ?? throw new PgmlException(SqlState.NullValueNotAllowed, "pgml.deploy: model_id must not be NULL",
            "Pass the id of a model from pgml.models.");
        var model = Models.Find(modelId) ?? throw Access.HiddenModel(modelId, Privilege.Deploy) ?? new PgmlException(
            SqlState.UndefinedObject, $"model {modelId} does not exist", "List the models with: SELECT id, algorithm, metrics FROM pgml.models;");
        Access.Require(model.ProjectId, model.ProjectName, Privilege.Deploy);
        Deployments.Deploy(model.ProjectId, modelId, "specific");
        Result.Row(model.ProjectName, "specific", model.Algorithm);
    }

    private static void DeployByStrategy(Args a)
    {
        string projectName = a.RequiredText(0, "project_name");
        string strategy = a.RequiredText(1, "strategy");
        string? algorithm = a.Text(2);
        var project = Projects.Find(projectName) ?? throw Access.HiddenProject(projectName, Privilege.Deploy) ?? new PgmlException(
            SqlState.UndefinedObject, $"project \"{projectName}\" does not exist", "Train a model first with pgml.train(), or check the name in pgml.projects.");
        Access.Require(project.Id, projectName, Privilege.Deploy);
        long? modelId = strategy switch
        {
            "best_score" => Models.Best(project.Id, TargetMetric(project.Task), algorithm),
            "most_recent" => Models.MostRecent(project.Id, algorithm),
            "rollback" => Deployments.RollbackTarget(project.Id, algorithm),
            _ => throw new PgmlException(SqlState.InvalidParameterValue, $"the strategy {strategy} cannot be asked for",
                "Use best_score, most_recent or rollback; to deploy a specific model, pass its id: pgml.deploy(42)."),
        };
        if (modelId is null)
            throw new PgmlException(SqlState.NoDataFound,
                $"no model of project \"{projectName}\" qualifies for the {strategy} deployment{(algorithm is null ? "" : $" with algorithm {algorithm}")}",
                strategy == "rollback"
                    ? "Rollback needs an earlier deployment to return to; see SELECT * FROM pgml.deployments;"
                    : "Train a model first, or drop the algorithm filter.");
        var model = Models.Find(modelId.Value)!;
        Deployments.Deploy(project.Id, model.Id, strategy);
        Result.Row(project.Name, strategy, model.Algorithm);
    }

    /// <summary>The metric best_score compares; a project's task was checked when it was created.</summary>
    private static string TargetMetric(string task) =>
        Engine.TaskNames.Parse(task) is { } kind ? Engine.TaskNames.TargetMetric(kind)
            : throw new PgmlException(SqlState.FeatureNotSupported, $"the task {task} has no target metric",
                "Use a regression, classification, clustering or decomposition project.");
}
