using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>pgml.predict: overloads, missing values, the warm path, cache invalidation, XGBoost interoperability.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PredictionTests(PgCluster cluster)
{
    private NpgsqlConnection Setup(string project = "p regression")
    {
        var c = cluster.Open();
        if (PgCluster.Scalar<long>(c, "SELECT count(*) FROM pg_class WHERE relname = 'predict_data'") == 0)
        {
            TestData.CreateRegressionTable(c, "predict_data", 2000);
            TestData.CreateClassificationViews(c, "predict_data");
        }
        if (PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.projects WHERE name = 'p regression'") == 0)
        {
            PgCluster.Exec(c, "SELECT * FROM pgml.train('p regression', 'regression', 'predict_data', 'y', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 25}')");
            PgCluster.Exec(c, "SELECT * FROM pgml.train('p binary', 'classification', 'predict_data_binary', 'label', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 25}')");
            PgCluster.Exec(c, "SELECT * FROM pgml.train('p multi', 'classification', 'predict_data_multi', 'label', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 25}')");
        }
        return c;
    }

    [Fact]
    public void EveryArrayOverloadGivesTheSameAnswer()
    {
        using var c = Setup();
        float expected = PgCluster.Scalar<float>(c, "SELECT pgml.predict('p regression', ARRAY[5, 2, 1, 7]::real[])");
        foreach (var type in new[] { "double precision", "smallint", "int", "bigint" })
            Assert.Equal(expected, PgCluster.Scalar<float>(c, $"SELECT pgml.predict('p regression', ARRAY[5, 2, 1, 7]::{type}[])"));
        long id = PgCluster.Scalar<long>(c, "SELECT d.model_id FROM pgml.deployments d JOIN pgml.projects p ON p.id = d.project_id WHERE p.name = 'p regression' ORDER BY d.id DESC LIMIT 1");
        Assert.Equal(expected, PgCluster.Scalar<float>(c, $"SELECT pgml.predict({id}::bigint, ARRAY[5, 2, 1, 7]::real[])"));
        Assert.Equal(expected, PgCluster.Scalar<float>(c, $"SELECT pgml.predict({id}::bigint, ARRAY[5, 2, 1, 7]::float8[])"));
        Assert.Equal(expected, PgCluster.Scalar<float>(c, "SELECT pgml.predict('p regression', ARRAY[5, 2, 1, 7])"));   // plain int[]
        Assert.True(PgCluster.Scalar<float>(c, "SELECT pgml.predict('p binary', ARRAY[true, false, true, true])") is 0f or 1f);
    }

    [Fact]
    public void NullArrayGivesNullAndNullOrNaNElementsAreMissingValues()
    {
        using var c = Setup();
        Assert.True(PgCluster.Scalar<object?>(c, "SELECT pgml.predict('p regression', NULL::real[])") is null);
        float withNaN = PgCluster.Scalar<float>(c, "SELECT pgml.predict('p regression', ARRAY['NaN', 2, 1, 7]::real[])");
        float withNull = PgCluster.Scalar<float>(c, "SELECT pgml.predict('p regression', ARRAY[NULL, 2, 1, 7]::real[])");
        float withNullDouble = PgCluster.Scalar<float>(c, "SELECT pgml.predict('p regression', ARRAY[NULL, 2, 1, 7]::float8[])");
        Assert.Equal(withNaN, withNull);
        Assert.Equal(withNaN, withNullDouble);
        Assert.True(float.IsFinite(withNaN));
    }

    [Fact]
    public void WrongFeatureCountSaysWhatWasExpected()
    {
        using var c = Setup();
        var e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<float>(c, "SELECT pgml.predict('p regression', ARRAY[1, 2, 3]::real[])"));
        Assert.Equal("2202E", e.SqlState);
        Assert.Contains("expects 4 features, but the array has 3", e.MessageText);
        Assert.Contains("a, b, c, d", e.Hint);
        e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<float>(c, "SELECT pgml.predict('p regression', ARRAY[1, 2, 3, 4, 5]::real[])"));
        Assert.Equal("2202E", e.SqlState);
    }

    [Fact]
    public void WarmCallsRunNoQueryAndAllocateNothing()
    {
        using var c = Setup();
        PgCluster.Scalar<float>(c, "SELECT pgml.predict('p regression', ARRAY[5, 2, 1, 7]::real[])");   // load
        long Allocated() => JsonDocument.Parse(PgCluster.Scalar<string>(c, "SELECT pgml._runtime_info()::text"))
            .RootElement.GetProperty("allocated_bytes").GetInt64();
        long Loads() => JsonDocument.Parse(PgCluster.Scalar<string>(c, "SELECT pgml._runtime_info()::text"))
            .RootElement.GetProperty("model_loads").GetInt64();
        Allocated();
        long a0 = Allocated(), a1 = Allocated();
        long infoCost = a1 - a0;   // what one _runtime_info call allocates itself (varies by a few digits)
        long loads = Loads();
        a1 = Allocated();
        PgCluster.Scalar<double>(c, "SELECT sum(pgml.predict('p regression', ARRAY[a, b, c, d])::float8) FROM predict_data");
        PgCluster.Scalar<double>(c, "SELECT sum(pgml.predict('p regression', ARRAY[a, b, c, d]::float8[])::float8) FROM predict_data");
        long a2 = Allocated();
        // 4,000 predictions: even 8 bytes each would be 32,000 bytes; they must add nothing beyond the info call.
        Assert.InRange(a2 - a1, 0, infoCost + 128);
        Assert.Equal(loads, Loads());      // and loaded nothing
    }

    [Fact]
    public void AnotherConnectionSeesANewDeploymentAtCommitAndNotOnRollback()
    {
        using var setup = Setup();
        PgCluster.Exec(setup, "DROP TABLE IF EXISTS inval_a, inval_b; " +
                              "CREATE TABLE inval_a AS SELECT i::real AS x, 1::real AS y FROM generate_series(1, 200) i; " +
                              "CREATE TABLE inval_b AS SELECT i::real AS x, 2::real AS y FROM generate_series(1, 200) i;");
        PgCluster.Exec(setup, "SELECT * FROM pgml.train('p inval', 'regression', 'inval_a', 'y', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 5}')");
        using var reader = cluster.Open();
        using var writer = cluster.Open();
        const string predict = "SELECT pgml.predict('p inval', ARRAY[10]::real[])";
        float first = PgCluster.Scalar<float>(reader, predict);
        Assert.InRange(first, 0.5f, 1.4f);

        // a second model (on y = 2), deployed inside an open transaction: invisible to others until commit
        using (var tx = writer.BeginTransaction())
        {
            PgCluster.Exec(writer, "SELECT * FROM pgml.train('p inval', relation_name => 'inval_b', y_column_name => 'y', algorithm => 'xgboost', " +
                                   "hyperparams => '{\"n_estimators\": 5}', automatic_deploy => false)");
            PgCluster.Exec(writer, "SELECT * FROM pgml.deploy((SELECT max(id) FROM pgml.models))");
            Assert.InRange(PgCluster.Scalar<float>(writer, predict), 1.5f, 2.5f);   // the writer sees its own deploy
            Assert.Equal(first, PgCluster.Scalar<float>(reader, predict));
            tx.Rollback();
        }
        Assert.Equal(first, PgCluster.Scalar<float>(reader, predict));   // rolled back: nothing changed for anyone
        Assert.Equal(first, PgCluster.Scalar<float>(writer, predict));

        using (var tx = writer.BeginTransaction())
        {
            PgCluster.Exec(writer, "SELECT * FROM pgml.train('p inval', relation_name => 'inval_b', y_column_name => 'y', algorithm => 'xgboost', " +
                                   "hyperparams => '{\"n_estimators\": 5}', automatic_deploy => false)");
            PgCluster.Exec(writer, "SELECT * FROM pgml.deploy((SELECT max(id) FROM pgml.models))");
            Assert.Equal(first, PgCluster.Scalar<float>(reader, predict));
            tx.Commit();
        }
        Assert.InRange(PgCluster.Scalar<float>(reader, predict), 1.5f, 2.5f);   // next statement after the commit
    }

    [Theory]
    [InlineData("p regression", "predict_data", "a, b, c, d")]
    [InlineData("p binary", "predict_data_binary", "a, b, c, d")]
    [InlineData("p multi", "predict_data_multi", "a, b, c, d")]
    public void XGBoostItselfLoadsTheStoredModelAndAgrees(string project, string relation, string columns)
    {
        using var c = Setup();
        long id = PgCluster.Scalar<long>(c, "SELECT d.model_id FROM pgml.deployments d JOIN pgml.projects p ON p.id = d.project_id WHERE p.name = $1 ORDER BY d.id DESC LIMIT 1", project);
        byte[] model = PgCluster.Scalar<byte[]>(c, $"SELECT data FROM pgml.files WHERE model_id = {id} AND path = 'estimator.json'");
        string dir = Directory.CreateTempSubdirectory("pgml-xgb-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "model.json"), model);
            var rows = new List<float[]>();
            var ours = new List<float>();
            using (var cmd = new NpgsqlCommand($"SELECT ARRAY[{columns}]::real[], pgml.predict({id}::bigint, ARRAY[{columns}]::real[]) FROM {relation}", c))
            using (var r = cmd.ExecuteReader())
                while (r.Read())
                {
                    rows.Add(r.GetFieldValue<float?[]>(0).Select(v => v ?? float.NaN).ToArray());
                    ours.Add(r.GetFloat(1));
                }
            Assert.Contains(rows, row => row.Any(float.IsNaN));   // missing values are part of the comparison
            File.WriteAllLines(Path.Combine(dir, "rows.csv"),
                rows.Select(row => string.Join(',', row.Select(v => float.IsNaN(v) ? "nan" : v.ToString("R", CultureInfo.InvariantCulture)))));
            var theirs = RunXGBoost(Path.Combine(dir, "model.json"), Path.Combine(dir, "rows.csv"));
            Assert.Equal(rows.Count, theirs.Count);
            var classes = PgCluster.Scalar<string>(c, $"SELECT convert_from(data, 'UTF8') FROM pgml.files WHERE model_id = {id} AND path = 'pgml.json'");
            var classValues = JsonDocument.Parse(classes).RootElement.GetProperty("classes").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
            for (int i = 0; i < rows.Count; i++)
            {
                float expected = classValues.Length == 0 ? theirs[i][0]
                    : theirs[i].Length == 1 ? classValues[theirs[i][0] > 0.5f ? 1 : 0]
                    : classValues[Array.IndexOf(theirs[i], theirs[i].Max())];
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(ours[i]),
                    $"row {i}: XGBoost {expected:R}, pgml {ours[i]:R}");
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static List<float[]> RunXGBoost(string model, string csv)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "python", "xgboost_predict.py"));
        psi.ArgumentList.Add(model);
        psi.ArgumentList.Add(csv);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var lines = new List<float[]>();
        while (p.StandardOutput.ReadLine() is { } line)
            lines.Add(line.Split(' ').Select(h => BitConverter.Int32BitsToSingle(int.Parse(h, NumberStyles.HexNumber))).ToArray());
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, stderr.Result);
        return lines;
    }
}
