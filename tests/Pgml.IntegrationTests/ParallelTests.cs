using System.Text.RegularExpressions;
using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>
/// Every PARALLEL SAFE function answers in parallel workers exactly as it does serially: the same 100,000-row scan,
/// once with parallelism off and once forced into two workers (the leader only gathers, so every call runs in a
/// worker), compared row by row through an order-independent hash of each input row with its answer. auto_explain
/// reports the parallel run's own plan, so the test knows that workers were launched in the very execution whose
/// answers it compares, and the workers' DEBUG1 lines show that pgml's engine started in them.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ParallelTests(PgCluster cluster)
{
    private const int Rows = 100_000;

    private static readonly string[] Serial =
    [
        "SET force_parallel_mode = off", "SET max_parallel_workers_per_gather = 0",
    ];

    // force_parallel_mode is PostgreSQL 15's name (16 renamed it debug_parallel_query). With the leader out of the
    // scan, no row is computed outside a worker once a worker has been launched.
    private static readonly string[] Parallel =
    [
        "SET force_parallel_mode = on", "SET parallel_setup_cost = 0", "SET parallel_tuple_cost = 0",
        "SET min_parallel_table_scan_size = 0", "SET max_parallel_workers_per_gather = 2",
        "SET parallel_leader_participation = off",
    ];

    /// <summary>The training rows, four models, and the 100,000 rows to score (integer-valued features, so that every
    /// array type carries the same numbers).</summary>
    private NpgsqlConnection Setup()
    {
        var c = cluster.Open();
        if (PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.projects WHERE name = 'parallel pca'") > 0)
            return c;
        PgCluster.Exec(c, $"""
            DROP TABLE IF EXISTS parallel_train, parallel_rows CASCADE;
            SELECT setseed(0.25);
            CREATE TABLE parallel_train AS
            SELECT x1, x2, x3, x4,
                   (2 * x1 - x2 + 0.05 * x3 * x4 + random())::real AS y,
                   (x1 + x2 - 0.3 * x3 + random())::real AS y2,
                   CASE WHEN x1 - x2 + x3 < 10 THEN 'low' WHEN x1 - x2 + x3 < 40 THEN 'mid' ELSE 'high' END AS label
            FROM (SELECT floor(random() * 50)::real AS x1, floor(random() * 50)::real AS x2,
                         floor(random() * 50)::real AS x3, floor(random() * 50)::real AS x4
                  FROM generate_series(1, 2000)) s;
            CREATE VIEW parallel_regression AS SELECT x1, x2, x3, x4, y FROM parallel_train;
            CREATE VIEW parallel_classification AS SELECT x1, x2, x3, x4, label FROM parallel_train;
            CREATE VIEW parallel_joint AS SELECT x1, x2, x3, x4, y, y2 FROM parallel_train;
            CREATE VIEW parallel_features AS SELECT x1, x2, x3, x4 FROM parallel_train;
            CREATE TABLE parallel_rows AS
            SELECT floor(random() * 50)::real AS x1, floor(random() * 50)::real AS x2,
                   floor(random() * 50)::real AS x3, floor(random() * 50)::real AS x4
            FROM generate_series(1, {Rows});
            ANALYZE parallel_rows;
            """);
        PgCluster.Exec(c, "SELECT * FROM pgml.train('parallel regression', 'regression', 'parallel_regression', 'y', " +
                          "algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 20}')");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('parallel classification', 'classification', 'parallel_classification', " +
                          "'label', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 10}')");
        PgCluster.Exec(c, "SELECT * FROM pgml.train_joint('parallel joint', 'regression', 'parallel_joint', ARRAY['y', 'y2'])");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('parallel pca', 'decomposition', 'parallel_features', " +
                          "hyperparams => '{\"n_components\": 2}')");
        return c;
    }

    private static long ModelId(NpgsqlConnection c, string project) => PgCluster.Scalar<long>(c,
        "SELECT d.model_id FROM pgml.deployments d JOIN pgml.projects p ON p.id = d.project_id " +
        "WHERE p.name = $1 ORDER BY d.id DESC LIMIT 1", project);

    /// <summary>
    /// One call of <paramref name="function"/> per row, through one of its overloads chosen by the row's features:
    /// by project name and by model id, each with the seven array types, the table's row type (t.*) and an
    /// anonymous record, so each of the 18 overloads answers about 5,500 of the rows.
    /// </summary>
    private static string EveryOverload(string function, string project, long modelId)
    {
        string[] inputs =
        [
            "ARRAY[t.x1, t.x2, t.x3, t.x4]",
            "ARRAY[t.x1, t.x2, t.x3, t.x4]::float8[]",
            "ARRAY[t.x1, t.x2, t.x3, t.x4]::numeric[]",
            "ARRAY[t.x1, t.x2, t.x3, t.x4]::smallint[]",
            "ARRAY[t.x1, t.x2, t.x3, t.x4]::int[]",
            "ARRAY[t.x1, t.x2, t.x3, t.x4]::bigint[]",
            "ARRAY[t.x1 > 24, t.x2 > 24, t.x3 > 24, t.x4 > 24]",
            "t.*",
            "(t.x1, t.x2, t.x3, t.x4)",
        ];
        var keys = new[] { $"'{project}'", $"{modelId}::bigint" };
        var branches = keys.SelectMany(k => inputs.Select(i => $"{function}({k}, {i})")).ToArray();
        return $"CASE (t.x1 + 3 * t.x2 + 7 * t.x3 + 11 * t.x4)::int % {branches.Length} " +
               string.Join(" ", branches.Select((b, i) => $"WHEN {i} THEN {b}")) + " END";
    }

    /// <summary>The whole answer of a scan as one line: the row count and a hash of every (input row, answer) pair,
    /// which changes when any answer changes or moves to another row.</summary>
    private static string Scan(string answer, string from = "parallel_rows t") =>
        $"SELECT count(*) || '/' || sum(hashtext(t::text || '=' || coalesce(({answer})::text, 'null'))) FROM {from}";

    public static TheoryData<string> Functions => new()
    {
        "predict regression", "predict classification", "predict_proba", "predict_label", "predict_joint", "decompose",
        "predict_batch", "_predict_batch", "version", "vector functions",
    };

    /// <summary>Every vector function, on real[], double precision[] and numeric[] views of the row's features.</summary>
    private static string VectorFunctions()
    {
        const string A = "ARRAY[t.x1, t.x2, t.x3, t.x4]", B = "ARRAY[t.x4, t.x3, t.x2, t.x1]";
        string[] calls =
        [
            $"pgml.add({A}, 2::real)", $"pgml.add({A}, {B})", $"pgml.subtract({A}, 1::real)", $"pgml.subtract({A}, {B})",
            $"pgml.multiply({A}, 3::real)", $"pgml.multiply({A}, {B})", $"pgml.divide({A}, 2::real)",
            $"pgml.divide({A}, pgml.add({B}, 1::real))", $"pgml.norm_l0({A})", $"pgml.norm_l1({A})", $"pgml.norm_l2({A})",
            $"pgml.norm_max({A})", $"pgml.normalize_l1({A})", $"pgml.normalize_l2({A})", $"pgml.normalize_max({A})",
            $"pgml.distance_l1({A}, {B})", $"pgml.distance_l2({A}, {B})", $"pgml.dot_product({A}, {B})",
            $"pgml.cosine_similarity({A}, {B})", $"pgml.cosine_similarity({A}::float8[], {B}::float8[])",
            $"pgml.normalize_l2({A}::float8[])", $"pgml.distance_l1({A}::numeric[], {B}::numeric[])", $"pgml.add({A}::numeric[], 1)",
        ];
        return "concat_ws('|', " + string.Join(", ", calls) + ")";
    }

    private static string Query(NpgsqlConnection c, string name) => name switch
    {
        "predict regression" => Scan(EveryOverload("pgml.predict", "parallel regression", ModelId(c, "parallel regression"))),
        "predict classification" => Scan(EveryOverload("pgml.predict", "parallel classification", ModelId(c, "parallel classification"))),
        "predict_proba" => Scan(EveryOverload("pgml.predict_proba", "parallel classification", ModelId(c, "parallel classification"))),
        "predict_label" => Scan(EveryOverload("pgml.predict_label", "parallel classification", ModelId(c, "parallel classification"))),
        "predict_joint" => Scan(EveryOverload("pgml.predict_joint", "parallel joint", ModelId(c, "parallel joint"))),
        "decompose" => Scan(EveryOverload("pgml.decompose", "parallel pca", ModelId(c, "parallel pca"))),
        // The set-returning SQL function (one answer per row of features), by name and by model id.
        "predict_batch" => Scan("b.v", $"parallel_rows t, LATERAL (SELECT pgml.predict_batch('parallel regression', ARRAY[t.x1, t.x2, t.x3, t.x4]) " +
                                       $"UNION ALL SELECT pgml.predict_batch({ModelId(c, "parallel regression")}::bigint, ARRAY[t.x1, t.x2, t.x3, t.x4])) b(v)"),
        "_predict_batch" => Scan($"CASE t.x1::int % 2 WHEN 0 THEN pgml._predict_batch('parallel regression', ARRAY[t.x1, t.x2, t.x3, t.x4, t.x4, t.x3, t.x2, t.x1]) " +
                                 $"ELSE pgml._predict_batch({ModelId(c, "parallel regression")}::bigint, ARRAY[t.x1, t.x2, t.x3, t.x4, t.x4, t.x3, t.x2, t.x1]) END"),
        "version" => Scan("pgml.version()"),
        "vector functions" => Scan(VectorFunctions()),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private sealed record Run(string Answer, string Plan, List<string> Debug);

    /// <summary>Runs the query under the settings, with auto_explain reporting its plan (ANALYZE: with the workers
    /// planned and launched) to the client, and the workers' DEBUG1 lines collected.</summary>
    private static Run Execute(NpgsqlConnection c, string[] settings, string sql)
    {
        var notices = new List<string>();
        void OnNotice(object? _, NpgsqlNoticeEventArgs e)
        {
            lock (notices) notices.Add(e.Notice.MessageText);
        }
        foreach (var s in settings) PgCluster.Exec(c, s);
        PgCluster.Exec(c, "LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on; " +
                          "SET auto_explain.log_timing = off; SET auto_explain.log_format = json; " +
                          "SET auto_explain.log_level = notice; SET client_min_messages = debug1");
        c.Notice += OnNotice;
        string answer;
        try
        {
            answer = PgCluster.Scalar<string>(c, sql);
        }
        finally
        {
            c.Notice -= OnNotice;
            PgCluster.Exec(c, "SET auto_explain.log_min_duration = -1; RESET client_min_messages");
        }
        string plan = notices.LastOrDefault(n => n.Contains("\"Plan\"")) ?? "";
        return new Run(answer, plan, notices.Where(n => n.StartsWith("pgml engine started")).ToList());
    }

    private static int WorkersLaunched(string plan) =>
        Regex.Matches(plan, "\"Workers Launched\": (\\d+)").Sum(m => int.Parse(m.Groups[1].Value));

    [Theory]
    [MemberData(nameof(Functions))]
    public void AnswersInParallelWorkersAsSerially(string function)
    {
        using var c = Setup();
        string sql = Query(c, function);

        var serial = Execute(c, Serial, sql);
        Assert.Contains("\"Plan\"", serial.Plan);
        Assert.DoesNotContain("Gather", serial.Plan);
        Assert.StartsWith($"{Rows * (function == "predict_batch" ? 2 : 1)}/", serial.Answer);

        // A fresh connection: the workers are fresh processes either way; the leader never starts the engine itself.
        using var p = cluster.Open();
        var parallel = Execute(p, Parallel, sql);
        Assert.True(WorkersLaunched(parallel.Plan) > 0, $"no parallel worker was launched:\n{parallel.Plan}");
        Assert.Contains("\"Parallel Aware\": true", parallel.Plan);
        Assert.NotEmpty(parallel.Debug);   // pgml's engine started inside the workers
        Assert.Equal(serial.Answer, parallel.Answer);
    }

    /// <summary>Every PARALLEL SAFE function of the extension is in the theory above, so a new one needs a case here
    /// (the vector aggregates and their steps run in workers in VectorFunctionTests).</summary>
    [Fact]
    public void EveryParallelSafeFunctionIsCovered()
    {
        using var c = cluster.Open();
        string safe = PgCluster.Scalar<string>(c,
            "SELECT string_agg(DISTINCT p.proname, ',' ORDER BY p.proname) FROM pg_proc p " +
            "JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e' " +
            "JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pgml' WHERE p.proparallel = 's'");
        Assert.Equal("_max_abs_step,_max_step,_min_abs_step,_min_step,_predict_batch,_sum_step,add,cosine_similarity,decompose," +
                     "distance_l1,distance_l2,divide,dot_product,max,max_abs,min,min_abs,multiply,norm_l0,norm_l1,norm_l2,norm_max," +
                     "normalize_l1,normalize_l2,normalize_max,predict,predict_batch,predict_joint,predict_label,predict_proba,subtract,sum,version", safe);
    }
}
