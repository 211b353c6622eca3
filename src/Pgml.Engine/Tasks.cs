namespace Pgml.Engine;

/// <summary>What a project learns: PostgresML's four classical tasks.</summary>
public enum TaskKind { Regression, Classification, Clustering, Decomposition }

/// <summary>The task names SQL uses, and the facts about each task that training, search and deployment share.</summary>
public static class TaskNames
{
    public static string Name(TaskKind task) => task switch
    {
        TaskKind.Regression => "regression",
        TaskKind.Classification => "classification",
        TaskKind.Clustering => "clustering",
        TaskKind.Decomposition => "decomposition",
        _ => task.ToString().ToLowerInvariant(),
    };

    public static TaskKind? Parse(string name) => name switch
    {
        "regression" => TaskKind.Regression,
        "classification" => TaskKind.Classification,
        "clustering" => TaskKind.Clustering,
        "decomposition" => TaskKind.Decomposition,
        _ => null,
    };

    /// <summary>Whether the task learns from labels (and so takes a y_column_name).</summary>
    public static bool IsSupervised(TaskKind task) => task is TaskKind.Regression or TaskKind.Classification;

    /// <summary>
    /// The metric that decides which model is better, for automatic deployment, best_score and search; higher is
    /// better for every one of them.
    /// </summary>
    public static string TargetMetric(TaskKind task) => task switch
    {
        TaskKind.Regression => "r2",
        TaskKind.Classification => "f1",
        TaskKind.Clustering => "silhouette",
        _ => "cumulative_explained_variance",
    };
}
