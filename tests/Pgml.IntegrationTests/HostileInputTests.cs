using System.Globalization;
using System.Text;
using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>
/// A seeded run of hostile inputs over every pgml function: arrays with NaN, infinities, NULL elements, empty,
/// multi-dimensional and huge; wrong lengths; every numeric type; unknown and hostile project, relation and column
/// names; malformed, huge and deeply nested JSON; parameters at and past their limits; empty, one-row, constant and
/// all-NULL tables; edge test sizes; empty and huge search grids. Every call must end in a result or in a clean error:
/// an SQLSTATE outside the critical classes (53, 58, XX, F0), never pgml's "internal error" (38000 with "internal"),
/// with a message; the backend must live on, and the user's tables must be unchanged. A failure names the call.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HostileInputTests(PgCluster cluster, Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Seed = 20261204;
    private const int Calls = 1200;

    private static readonly string[] Projects =
        ["fuzz reg", "fuzz cls", "fuzz text", "fuzz pca", "fuzz km", "no such project", "", "'; DROP TABLE fuzz_rows; --",
         "\"quoted\"", "ünïcødé ✓", new string('p', 5000), "fuzz reg ", "FUZZ REG"];

    private static readonly string[] Relations =
        ["fuzz_rows", "fuzz_empty", "fuzz_one", "fuzz_constant", "fuzz_null_label", "fuzz_null_feature", "fuzz_text_only",
         "no_such_table", "pg_catalog.pg_class", "fuzz_rows; DROP TABLE fuzz_rows", "\"fuzz_rows\"", "public.fuzz_rows",
         "a.b.c.d", "", " ", "fuzz_view", new string('r', 300), "pgml.models"];

    private static readonly string[] Columns = ["y", "x1", "label", "nope", "", "\"y\"", "y; --", "ctid", new string('c', 200)];

    private static readonly string[] Algorithms =
        ["linear", "xgboost", "lightgbm", "ridge", "lasso", "svm", "random_forest", "knn", "kmeans", "pca", "catboost", "elastic_net"];

    private static readonly string[] Tasks = ["regression", "classification", "clustering", "decomposition", "text-generation", "", "REGRESSION"];

    private static readonly string[] ArrayTypes = ["real[]", "double precision[]", "numeric[]", "smallint[]", "int[]", "bigint[]", "boolean[]"];

    private sealed record Outcome(string Call, string? SqlState, string? Message);

    [Fact]
    public void EveryCallEndsCleanlyAndLeavesTheBackendAndTheTablesAsTheyWere()
    {
        using var c = cluster.Open();
        CreateFixtures(c);
        int pid = PgCluster.Scalar<int>(c, "SELECT pg_backend_pid()");
        string tablesBefore = UserTables(c);
        int logStart = cluster.ServerLog().Length;

        var rng = new Random(Seed);
        var failures = new List<string>();
        var states = new Dictionary<string, int>();
        for (int i = 0; i < Calls; i++)
        {
            string call = NextCall(rng);
            var outcome = Run(c, call);
            string key = outcome.SqlState ?? "ok";
            states[key] = states.GetValueOrDefault(key) + 1;
            if (outcome.SqlState is { } s && (s.Length != 5 || s[..2] is "53" or "58" or "XX" or "F0"))
                failures.Add($"critical SQLSTATE {s}: {outcome.Message}\n    call: {Shorten(call)}");
            else if (outcome.SqlState == "38000" && outcome.Message?.Contains("internal error", StringComparison.Ordinal) == true)
                failures.Add($"internal error: {outcome.Message}\n    call: {Shorten(call)}");
            else if (outcome.SqlState is not null && string.IsNullOrWhiteSpace(outcome.Message))
                failures.Add($"{outcome.SqlState} without a message\n    call: {Shorten(call)}");
            if (c.FullState != System.Data.ConnectionState.Open || PgCluster.Scalar<int>(c, "SELECT pg_backend_pid()") != pid)
            {
                failures.Add($"the backend did not survive\n    call: {Shorten(call)}");
                break;
            }
        }
        output.WriteLine($"seed {Seed}, {Calls} calls: " + string.Join(", ", states.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.True(failures.Count == 0, $"seed {Seed}, {failures.Count} of {Calls} calls failed:\n" + string.Join('\n', failures.Take(20)));
        Assert.Equal(tablesBefore, UserTables(c));
        foreach (var sign in new[] { "server process (PID", "terminated by signal", "PANIC", "TRAP:" })
            Assert.DoesNotContain(sign, cluster.ServerLog()[logStart..]);
        // not only errors: a share of the calls succeeded, and many kinds of error were met
        Assert.True(states.GetValueOrDefault("ok") > Calls / 20, string.Join(", ", states.Select(kv => $"{kv.Key}: {kv.Value}")));
        Assert.True(states.Count > 10, string.Join(", ", states.Select(kv => $"{kv.Key}: {kv.Value}")));
    }

    /// <summary>One call in its own transaction, rolled back, so a call that succeeded leaves nothing behind either.</summary>
    private static Outcome Run(NpgsqlConnection c, string call)
    {
        using var tx = c.BeginTransaction();
        try
        {
            PgCluster.Exec(c, "SET LOCAL statement_timeout = '20s'");
            using var cmd = new NpgsqlCommand(call, c, tx);
            using (var reader = cmd.ExecuteReader())
                while (reader.Read()) { }
            return new Outcome(call, null, null);
        }
        catch (PostgresException e)
        {
            return new Outcome(call, e.SqlState, e.MessageText);
        }
        finally
        {
            tx.Rollback();   // after an error too: the transaction is aborted and must end
        }
    }

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + $"... ({s.Length} characters)";

    private static string Lit(string s) => "'" + s.Replace("'", "''") + "'";

    private static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    private static string NextCall(Random rng) => rng.Next(10) switch
    {
        < 4 => Predict(rng),
        < 7 => Train(rng),
        7 => Deploy(rng),
        8 => rng.Next(3) switch { 0 => Snapshot(rng), 1 => LoadDataset(rng), _ => Privileges(rng) },
        _ => rng.Next(2) == 0 ? PredictBatch(rng) : Vector(rng),
    };

    private static string Vector(Random rng)
    {
        string fn = Pick(rng, new[] { "add", "subtract", "multiply", "divide", "norm_l0", "norm_l1", "norm_l2", "norm_max",
            "normalize_l1", "normalize_l2", "normalize_max", "distance_l1", "distance_l2", "dot_product", "cosine_similarity",
            "sum", "min", "max", "min_abs", "max_abs" });
        if (fn is "sum" or "min" or "max" or "min_abs" or "max_abs")
            return $"SELECT pgml.{fn}(v) FROM (VALUES ({Array(rng)}), ({Array(rng)}), (NULL)) t(v)";
        if (fn.StartsWith("norm"))
            return $"SELECT pgml.{fn}({Array(rng)})";
        string second = rng.Next(3) == 0 && fn is "add" or "subtract" or "multiply" or "divide" ? Number(rng) : Array(rng);
        return $"SELECT pgml.{fn}({Array(rng)}, {second})";
    }

    private static string Privileges(Random rng)
    {
        string project = Lit(Pick(rng, Projects));
        string privilege = Pick(rng, new[] { "'predict'", "'train'", "'deploy'", "'all'", "'ALL '", "'select'", "''", "NULL" });
        string role = Pick(rng, new[] { "'postgres'", "'public'", "'PUBLIC'", "'no_such_role'", "''", "NULL", "'\"; DROP ROLE postgres; --'" });
        return rng.Next(3) switch
        {
            0 => $"SELECT pgml.grant_privilege({project}, {privilege}, {role})",
            1 => $"SELECT pgml.revoke_privilege({project}, {privilege}, {role})",
            _ => $"SELECT pgml.has_project_privilege({role}, {project}, {privilege})",
        };
    }

    private static string Key(Random rng) => rng.Next(4) switch
    {
        0 => Pick(rng, new[] { "0::bigint", "-1::bigint", "9223372036854775807::bigint", "NULL::bigint", "(SELECT max(id) FROM pgml.models)" }),
        _ => Lit(Pick(rng, Projects)),
    };

    private static string Number(Random rng) => rng.Next(12) switch
    {
        0 => "'NaN'",
        1 => "'Infinity'",
        2 => "'-Infinity'",
        3 => "NULL",
        4 => "1e38",
        5 => "-1e300",
        6 => "0",
        _ => (rng.NextDouble() * 20 - 5).ToString("G6", CultureInfo.InvariantCulture),
    };

    private static string Array(Random rng)
    {
        int n = rng.Next(10) switch { 0 => 0, 1 => 1, 2 => 100_000, 3 => 3, _ => 4 };
        string type = Pick(rng, ArrayTypes);
        if (rng.Next(15) == 0) return $"ARRAY[[1, 2], [3, 4]]::{type}";   // two dimensions
        if (rng.Next(20) == 0) return $"NULL::{type}";
        if (n == 100_000) return $"array_fill(1, ARRAY[{n}])::{type}";
        if (n == 0) return $"'{{}}'::{type}";
        var sb = new StringBuilder("ARRAY[");
        for (int i = 0; i < n; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(type == "boolean[]" ? Pick(rng, new[] { "true", "false", "NULL" }) : Number(rng));
        }
        return sb.Append("]::").Append(type).ToString();
    }

    private static string Row(Random rng) => rng.Next(5) switch
    {
        0 => "(1::real, 2::real, 3::real)",
        1 => "('a'::text, 2::real)",
        2 => "(NULL::real, NULL::real, NULL::real, NULL::real)",
        3 => "ROW(1)",
        _ => "(SELECT f FROM fuzz_rows f LIMIT 1)",
    };

    private static string Predict(Random rng)
    {
        string fn = Pick(rng, new[] { "predict", "predict_proba", "predict_joint", "predict_label", "decompose" });
        string features = rng.Next(6) == 0 ? Row(rng) : Array(rng);
        return $"SELECT pgml.{fn}({Key(rng)}, {features})";
    }

    private static string PredictBatch(Random rng) =>
        $"SELECT * FROM pgml.predict_batch({Key(rng)}, {(rng.Next(3) == 0 ? "array_fill(0.5::real, ARRAY[" + rng.Next(0, 50_000) + "])" : Array(rng).Split("::")[0] + "::real[]")})";

    private static string Json(Random rng) => rng.Next(14) switch
    {
        0 => "'not json'",
        1 => "'[]'",
        2 => "'null'",
        3 => "'\"text\"'",
        4 => "'" + new string('[', 2000) + new string(']', 2000) + "'",                                  // deeply nested
        5 => "(SELECT jsonb_object_agg('k' || i, i) FROM generate_series(1, 20000) i)",                    // huge
        6 => "'{\"n_estimators\": 1e9}'",
        7 => "'{\"max_depth\": -3, \"eta\": \"fast\"}'",
        8 => "'{\"nthread\": 100000}'",
        9 => "'{\"n_clusters\": 0}'",
        10 => "'{\"alpha\": \"NaN\"}'",
        11 => "'{\"C\": 1e308, \"kernel\": \"quantum\"}'",
        12 => "'{\"n_estimators\": 2}'",
        _ => "'{}'",
    };

    private static string SearchParams(Random rng) => rng.Next(6) switch
    {
        0 => "'{}'",
        1 => "'{\"max_depth\": []}'",
        2 => "(SELECT jsonb_build_object('max_depth', jsonb_agg(i)) FROM generate_series(1, 30000) i)",   // huge grid
        3 => "'{\"max_depth\": [1, 1]}'",
        4 => "'{\"alpha\": [0.1, 1.0], \"max_depth\": [2, 3]}'",
        _ => "'{\"n_estimators\": [1, 2]}'",
    };

    private static string TestSize(Random rng) => Pick(rng, new[] { "0.25", "0", "1", "-1", "1.5", "'NaN'", "0.999", "1e-9", "3", "100000" });

    private static string Train(Random rng)
    {
        var args = new List<string> { Lit(Pick(rng, Projects)) };
        if (rng.Next(6) > 0) args.Add("task => " + Lit(Pick(rng, Tasks)));
        if (rng.Next(6) > 0) args.Add("relation_name => " + Lit(Pick(rng, Relations)));
        if (rng.Next(3) > 0) args.Add("y_column_name => " + Lit(Pick(rng, Columns)));
        args.Add("algorithm => " + Lit(Pick(rng, Algorithms)));
        if (rng.Next(2) == 0) args.Add("hyperparams => " + Json(rng));
        if (rng.Next(5) == 0)
        {
            args.Add("search => " + Lit(Pick(rng, new[] { "grid", "random" })));
            args.Add("search_params => " + SearchParams(rng));
            if (rng.Next(2) == 0) args.Add("search_args => " + Pick(rng, new[] { "'{\"n_iter\": 2, \"cv\": 2}'", "'{\"cv\": 0}'", "'{\"n_iter\": -1}'", "'{\"cv\": 100000}'" }));
        }
        if (rng.Next(3) == 0) args.Add("test_size => " + TestSize(rng));
        if (rng.Next(4) == 0) args.Add("test_sampling => " + Lit(Pick(rng, new[] { "random", "last", "stratified" })));
        if (rng.Next(5) == 0) args.Add("preprocess => " + Pick(rng, new[] { "'{\"x1\": {\"scale\": \"standard\", \"impute\": \"mean\"}}'", "'{\"nope\": {}}'", "'{\"x1\": {\"encode\": \"target\"}}'", "'[1]'" }));
        if (rng.Next(8) == 0) args.Add("materialize_snapshot => true");
        return $"SELECT * FROM pgml.train({string.Join(", ", args)})";
    }

    private static string Deploy(Random rng) => rng.Next(3) == 0
        ? $"SELECT * FROM pgml.deploy({Pick(rng, new[] { "0::bigint", "-5::bigint", "9223372036854775807::bigint", "(SELECT min(id) FROM pgml.models)" })})"
        : $"SELECT * FROM pgml.deploy({Lit(Pick(rng, Projects))}, {Lit(Pick(rng, new[] { "best_score", "most_recent", "rollback" }))}" +
          (rng.Next(2) == 0 ? $", {Lit(Pick(rng, Algorithms))})" : ")");

    private static string Snapshot(Random rng) =>
        $"SELECT * FROM pgml.snapshot({Lit(Pick(rng, Relations))}, {Lit(Pick(rng, Columns))}, {TestSize(rng)})";

    private static string LoadDataset(Random rng) =>
        $"SELECT * FROM pgml.load_dataset({Lit(Pick(rng, new[] { "iris", "digits", "nope", "", "breast_cancer", "'; --" }))}" +
        (rng.Next(2) == 0 ? $", \"limit\" => {Pick(rng, new[] { "0", "-1", "3", "9223372036854775807" })})" : ")");

    private static void CreateFixtures(NpgsqlConnection c)
    {
        PgCluster.Exec(c, """
            SELECT setseed(0.42);
            DROP TABLE IF EXISTS fuzz_rows, fuzz_empty, fuzz_one, fuzz_constant, fuzz_null_label, fuzz_null_feature, fuzz_text_only CASCADE;
            CREATE TABLE fuzz_rows AS SELECT random()::real AS x1, random()::real AS x2, random()::real AS x3, (i % 3)::int AS label,
                   (random() * 10)::real AS y FROM generate_series(1, 300) i;
            CREATE TABLE fuzz_empty (x1 real, y real);
            CREATE TABLE fuzz_one AS SELECT 1::real AS x1, 2::real AS y;
            CREATE TABLE fuzz_constant AS SELECT i::real AS x1, 7::real AS y, 1 AS label FROM generate_series(1, 50) i;
            CREATE TABLE fuzz_null_label AS SELECT i::real AS x1, NULL::real AS y, NULL::int AS label FROM generate_series(1, 50) i;
            CREATE TABLE fuzz_null_feature AS SELECT NULL::real AS x1, i::real AS y, (i % 2) AS label FROM generate_series(1, 50) i;
            CREATE TABLE fuzz_text_only AS SELECT 'c' || (i % 4) AS x1, (i % 2)::real AS y, (i % 2) AS label FROM generate_series(1, 50) i;
            CREATE OR REPLACE VIEW fuzz_view AS SELECT x1, x2, y FROM fuzz_rows;
            """);
        PgCluster.Exec(c, "SELECT * FROM pgml.train('fuzz reg', 'regression', 'fuzz_rows', 'y', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 3}')");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('fuzz cls', 'classification', 'fuzz_rows', 'label', algorithm => 'linear')");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('fuzz text', 'classification', 'fuzz_text_only', 'label', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 2}')");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('fuzz pca', 'decomposition', 'fuzz_view', algorithm => 'pca')");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('fuzz km', 'clustering', 'fuzz_view', algorithm => 'kmeans', hyperparams => '{\"n_clusters\": 2}')");
    }

    /// <summary>A digest of every table the user owns outside pgml's schema (the fixtures), to prove none was touched.</summary>
    private static string UserTables(NpgsqlConnection c) => PgCluster.Scalar<string>(c, """
        SELECT string_agg(t.relname || ':' || (xpath('/row/c/text()',
                 query_to_xml(format('SELECT count(*) || ''/'' || coalesce(sum(hashtext(r::text)), 0) AS c FROM %I.%I r',
                                     n.nspname, t.relname), false, true, '')))[1]::text, ',' ORDER BY t.relname)
          FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = 'public' AND t.relkind = 'r' AND t.relname LIKE 'fuzz%'
        """);
}
