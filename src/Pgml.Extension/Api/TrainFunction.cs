using Pgml.Extension.Catalog;
using Pgml.Extension.Interop;
using Pgml.Extension.Training;

namespace Pgml.Extension.Api;

/// <summary>
/// pgml.train(project_name, task, relation_name, y_column_name, algorithm, hyperparams, search, search_params,
/// search_args, test_size, test_sampling, runtime, automatic_deploy, materialize_snapshot, preprocess):
/// argument checks in PostgresML's order, then a <see cref="TrainingRun"/>.
/// </summary>
internal static class TrainFunction
{
    private static readonly string[] SupportedTasks = ["regression", "classification", "clustering", "decomposition"];
    private static readonly string[] AllTasks =
    [
        "regression", "classification", "decomposition", "clustering", "question_answering", "summarization",
        "translation", "text_classification", "text_generation", "text2text", "embedding", "text_pair_classification",
        "conversation",
    ];

    /// <param name="joint">pgml.train_joint: y_column_name is a text[] of targets.</param>
    public static void Run(Args a, bool joint)
    {
        string projectName = a.RequiredText(0, "project_name");
        string? task = a.Text(1) is { } t ? NormalizeTask(t) : null;
        string? relationName = a.Text(2);
        IReadOnlyList<string>? yColumns = a.Text(3) is { } y ? (joint ? ParseTextArray(y) : [y]) : null;
        string? givenAlgorithm = a.Text(4);
        string hyperparams = a.Text(5) ?? "{}";
        string? search = a.Text(6);
        string searchParams = a.Text(7) ?? "{}";
        string searchArgs = a.Text(8) ?? "{}";
        double testSize = a.Double(9) ?? 0.25;
        string sampling = a.Text(10) ?? "stratified";
        string? runtime = a.Text(11);
        bool automaticDeploy = a.Bool(12) ?? true;
        bool materialize = a.Bool(13) ?? false;
        string preprocess = a.Text(14) ?? "{}";

        var project = Projects.Find(projectName);
        if (project is null && Access.HiddenProject(projectName, Privilege.Train) is { } hidden) throw hidden;
        if (project is not null) Access.Require(project.Id, projectName, Privilege.Train);
        if (project is null && task is null)
            throw new PgmlException(SqlState.InvalidParameterValue,
                $"project \"{projectName}\" does not exist; to create it, pass a task",
                "For example: pgml.train('my project', 'regression', 'my_table', 'my_label', algorithm => 'xgboost').");
        if (project is not null && task is not null && project.Task != task)
            throw new PgmlException(SqlState.InvalidParameterValue,
                $"project \"{projectName}\" already exists with the task {project.Task}, not {task}",
                "Use another project name for a different task, or omit the task.");
        string effectiveTask = task ?? project!.Task;
        if (!SupportedTasks.Contains(effectiveTask))
            throw new PgmlException(SqlState.FeatureNotSupported, $"the task {effectiveTask} is not supported by pgml yet",
                $"Supported tasks: {string.Join(", ", SupportedTasks)}.");

        var taskKind = Engine.TaskNames.Parse(effectiveTask)!.Value;
        bool supervised = Engine.TaskNames.IsSupervised(taskKind);
        // PostgresML's default 'linear' becomes kmeans for clustering and pca for decomposition
        string algorithm = Engine.Algorithms.AlgorithmRegistry.Default(taskKind, givenAlgorithm);
        Engine.Algorithms.AlgorithmRegistry.Find(algorithm, taskKind);
        if (!supervised && yColumns is { Count: > 0 })
            throw new PgmlException(SqlState.InvalidParameterValue, $"the task {effectiveTask} takes no y_column_name",
                "Omit y_column_name; every column of the relation is a feature (train on a VIEW to leave columns out).");
        if (runtime is "python")
            Pg.Notice("pgml has no Python runtime: the model is trained in-process by the C# engine (runtime ignored).");

        long? reuseSnapshot = null;
        bool reusedMaterialized = false;
        if (relationName is null)
        {
            var last = project is null ? null : Snapshots.LastOfProject(project.Id);
            if (last is null)
                throw new PgmlException(SqlState.InvalidParameterValue,
                    supervised ? "relation_name and y_column_name are required the first time a project is trained"
                        : "relation_name is required the first time a project is trained",
                    supervised ? "Pass the table or view to train on and its label column." : "Pass the table or view to train on.");
            // PostgresML reuses the last snapshot's relation, label and split settings; pgml says so when asked otherwise,
            // and also reuses the project's last preprocessing unless a new one is given.
            if ((testSize != last.TestSize && testSize != 0.25) || (sampling != last.TestSampling && sampling != "stratified"))
                Pg.Notice($"Training on the project's last snapshot, which keeps its split: test_size {last.TestSize.ToString(System.Globalization.CultureInfo.InvariantCulture)}, test_sampling {last.TestSampling}. Pass relation_name to split differently.");
            relationName = last.RelationName;
            yColumns = last.YColumnNames;
            testSize = last.TestSize;
            sampling = last.TestSampling;
            if (preprocess.Trim() is "{}" or "" && project is not null)
                preprocess = Catalog.Models.LastPreprocess(project.Id) ?? preprocess;
            reuseSnapshot = last.Id;
            reusedMaterialized = last.Materialized;
        }
        yColumns ??= [];
        if (supervised && yColumns.Count == 0)
            throw new PgmlException(SqlState.InvalidParameterValue,
                $"y_column_name is required for the supervised task {effectiveTask}",
                "Pass the name of the label column as y_column_name.");
        Engine.Sampling.Splitter.ValidateTestSize(testSize);

        project ??= Projects.Create(projectName, effectiveTask);
        var outcome = new TrainingRun(new TrainingRequest(project, algorithm, hyperparams, relationName, yColumns, testSize,
            sampling, automaticDeploy, reuseSnapshot, preprocess, search, searchParams, searchArgs, materialize, reusedMaterialized)).Execute();
        Result.Row(project.Name, project.Task, algorithm, outcome.Deployed ? "t" : "f");
    }

    private static string NormalizeTask(string t)
    {
        string n = t.Trim().ToLowerInvariant().Replace('-', '_');
        if (n == "cluster") n = "clustering";
        if (!AllTasks.Contains(n))
            throw new PgmlException(SqlState.InvalidParameterValue, $"unknown task \"{t}\"",
                $"Valid tasks: {string.Join(", ", AllTasks)}.");
        return n;
    }

    /// <summary>A text[] in PostgreSQL's text form ({a,"b c"}) as strings.</summary>
    private static string[] ParseTextArray(string s)
    {
        var items = new List<string>();
        if (s.Length < 2 || s[0] != '{' || s[^1] != '}')
            throw new PgmlException(SqlState.InvalidParameterValue, $"y_column_name must be an array of column names, not {s}",
                "Pass ARRAY['target1', 'target2'].");
        var current = new System.Text.StringBuilder();
        bool quoted = false, any = false;
        for (int i = 1; i < s.Length - 1; i++)
        {
            char ch = s[i];
            if (quoted)
            {
                if (ch == '\\' && i + 1 < s.Length - 1) current.Append(s[++i]);
                else if (ch == '"') quoted = false;
                else current.Append(ch);
            }
            else if (ch == '"') { quoted = true; any = true; }
            else if (ch == ',') { items.Add(current.ToString()); current.Clear(); any = false; }
            else { current.Append(ch); any = true; }
        }
        if (any || items.Count > 0) items.Add(current.ToString());
        return [.. items];
    }
}
