using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>
/// Every bad input gets a clear ERROR with a proper SQLSTATE and a hint, and leaves nothing half-written:
/// after each failure the catalog holds exactly what it held before.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class BadInputTests(PgCluster cluster)
{
    private const string Counts =
        "SELECT (SELECT count(*) FROM pgml.projects) || '/' || (SELECT count(*) FROM pgml.snapshots) || '/' || " +
        "(SELECT count(*) FROM pgml.models) || '/' || (SELECT count(*) FROM pgml.files) || '/' || (SELECT count(*) FROM pgml.deployments)";

    private NpgsqlConnection Setup()
    {
        var c = cluster.Open();
        PgCluster.Exec(c, """
            CREATE TABLE IF NOT EXISTS bad_ok AS SELECT i::real AS x, (i % 5)::real AS z, (2 * i)::real AS y FROM generate_series(1, 100) i;
            CREATE TABLE IF NOT EXISTS bad_empty (x real, y real);
            CREATE TABLE IF NOT EXISTS bad_one_row AS SELECT 1::real AS x, 2::real AS y;
            CREATE TABLE IF NOT EXISTS bad_text AS SELECT i::real AS x, 'k' || i AS name, i::real AS y FROM generate_series(1, 50) i;
            CREATE TABLE IF NOT EXISTS bad_only_label AS SELECT i::real AS y FROM generate_series(1, 50) i;
            CREATE TABLE IF NOT EXISTS bad_single_class AS SELECT i::real AS x, true AS label FROM generate_series(1, 50) i;
            """);
        if (PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.projects WHERE name = 'bad undeployed'") == 0)
            PgCluster.Exec(c, "SELECT * FROM pgml.train('bad undeployed', 'regression', 'bad_ok', 'y', algorithm => 'xgboost', " +
                              "hyperparams => '{\"n_estimators\": 3}', automatic_deploy => false)");
        return c;
    }

    /// <summary>Runs <paramref name="sql"/>, expects an error with <paramref name="sqlState"/>, and checks nothing was written.</summary>
    private PostgresException Fails(string sql, string sqlState, string? messagePart = null)
    {
        using var c = Setup();
        string before = PgCluster.Scalar<string>(c, Counts);
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c, sql));
        Assert.True(e.SqlState == sqlState, $"expected {sqlState}, got {e.SqlState}: {e.MessageText}");
        if (messagePart is not null) Assert.Contains(messagePart, e.MessageText);
        Assert.Equal(before, PgCluster.Scalar<string>(c, Counts));
        Assert.Equal(1, PgCluster.Scalar<int>(c, "SELECT 1"));   // the connection is still usable
        return e;
    }

    private static string Train(string args) => $"SELECT * FROM pgml.train({args})";

    [Fact]
    public void UnknownProjectAtPredict()
    {
        var e = Fails("SELECT pgml.predict('no such project', ARRAY[1, 2]::real[])", "42704", "project \"no such project\" does not exist");
        Assert.Contains("pgml.train", e.Hint);
    }

    [Fact]
    public void ProjectWithoutDeployedModel()
    {
        var e = Fails("SELECT pgml.predict('bad undeployed', ARRAY[1, 2]::real[])", "P0002", "has no deployed model");
        Assert.Contains("pgml.deploy", e.Hint);
    }

    [Fact]
    public void UnknownModelId() => Fails("SELECT pgml.predict(987654321::bigint, ARRAY[1, 2]::real[])", "42704", "model 987654321 does not exist");

    [Fact]
    public void MissingRelation()
    {
        var e = Fails(Train("'bad', 'regression', 'no_such_table', 'y', algorithm => 'xgboost'"), "42P01", "relation \"no_such_table\" does not exist");
        Assert.Contains("search_path", e.Hint);
    }

    [Fact]
    public void MissingColumn()
    {
        var e = Fails(Train("'bad', 'regression', 'bad_ok', 'nope', algorithm => 'xgboost'"), "42703", "column \"nope\" does not exist");
        Assert.Contains("x, z, y", e.Hint);
    }

    [Theory]
    [InlineData("bad_ok; DROP TABLE bad_ok")]
    [InlineData("bad_ok\" ; DROP TABLE bad_ok; --")]
    [InlineData("(SELECT 1)")]
    [InlineData("bad_ok' OR '1'='1")]
    public void RelationNameIsAnIdentifierNeverSql(string name)
    {
        string quoted = name.Replace("'", "''");
        using var c = Setup();
        string before = PgCluster.Scalar<string>(c, Counts);
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c, Train($"'bad', 'regression', '{quoted}', 'y', algorithm => 'xgboost'")));
        Assert.True(e.SqlState is "42P01" or "42602", $"{e.SqlState}: {e.MessageText}");   // undefined table or invalid name
        Assert.Equal(before, PgCluster.Scalar<string>(c, Counts));
        Assert.Equal(100L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM bad_ok"));   // still there
    }

    [Fact]
    public void EmptyTable() => Fails(Train("'bad', 'regression', 'bad_empty', 'y', algorithm => 'xgboost'"), "22000", "has no rows");

    [Fact]
    public void TooFewRowsForTheSplit()
    {
        var e = Fails(Train("'bad', 'regression', 'bad_one_row', 'y', algorithm => 'xgboost'"), "22000");
        Assert.Contains("1 row", e.MessageText);
        Assert.False(string.IsNullOrEmpty(e.Hint));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0.5")]
    [InlineData("'NaN'")]
    [InlineData("2.5")]
    public void TestSizeOutOfRange(string testSize)
    {
        var e = Fails(Train($"'bad', 'regression', 'bad_ok', 'y', algorithm => 'xgboost', test_size => {testSize}"), "22023", "test_size");
        Assert.False(string.IsNullOrEmpty(e.Hint));
    }

    [Fact]
    public void TestSizeLeavingNoTrainingRows() => Fails(Train("'bad', 'regression', 'bad_ok', 'y', algorithm => 'xgboost', test_size => 100"), "22000");

    [Fact]
    public void UnknownAlgorithmIsRejectedByTheEnum() =>
        Fails(Train("'bad', 'regression', 'bad_ok', 'y', algorithm => 'deep_magic'"), "22P02", "invalid input value for enum pgml.algorithm");

    [Fact]
    public void KnownButNotImplementedAlgorithmSaysSo()
    {
        var e = Fails(Train("'bad', 'regression', 'bad_ok', 'y', algorithm => 'transformers'"), "0A000", "the algorithm \"transformers\" is not implemented in pgml");
        Assert.Contains("xgboost", e.Hint);
    }

    [Fact]
    public void UnknownTask()
    {
        var e = Fails(Train("'bad', 'regresion', 'bad_ok', 'y', algorithm => 'xgboost'"), "22023", "unknown task \"regresion\"");
        Assert.Contains("regression", e.Hint);
    }

    [Fact]
    public void UnsupportedTask() => Fails(Train("'bad', 'clustering', 'bad_ok', 'y', algorithm => 'xgboost'"), "0A000", "clustering");

    [Fact]
    public void NewProjectWithoutTask() => Fails(Train("'bad new', relation_name => 'bad_ok', y_column_name => 'y', algorithm => 'xgboost'"), "22023", "pass a task");

    [Fact]
    public void TaskDifferentFromTheProjects() =>
        Fails(Train("'bad undeployed', 'classification', 'bad_ok', 'y', algorithm => 'xgboost'"), "22023", "already exists with the task regression");

    [Fact]
    public void MalformedHyperparamsJson() =>
        Fails(Train("'bad', 'regression', 'bad_ok', 'y', algorithm => 'xgboost', hyperparams => '{\"max_depth\": }'"), "22P02");

    [Fact]
    public void UnknownHyperparameterListsTheValidOnes()
    {
        var e = Fails(Train("'bad', 'regression', 'bad_ok', 'y', algorithm => 'xgboost', hyperparams => '{\"max_deep\": 3}'"), "22023", "max_deep");
        Assert.Contains("max_depth", e.Hint);
        Assert.Contains("n_estimators", e.Hint);
    }

    [Fact]
    public void WrongHyperparameterType() =>
        Fails(Train("'bad', 'regression', 'bad_ok', 'y', algorithm => 'xgboost', hyperparams => '{\"max_depth\": \"deep\"}'"), "22023", "max_depth");

    [Fact]
    public void UnusableFeatureColumnType()
    {
        using var c = Setup();
        PgCluster.Exec(c, "CREATE TABLE IF NOT EXISTS bad_json_feature AS SELECT i::real AS y, jsonb_build_object('k', i) AS doc FROM generate_series(1, 20) i");
        var e = Fails(Train("'bad', 'regression', 'bad_json_feature', 'y', algorithm => 'xgboost'"), "42804", "feature column \"doc\" has type jsonb");
        Assert.Contains("VIEW", e.Hint);
    }

    [Fact]
    public void TextLabelForRegression() =>
        Fails(Train("'bad', 'regression', 'bad_text', 'name', algorithm => 'xgboost'"), "42804", "label column \"name\" has type text");

    [Fact]
    public void NoFeatureColumns() => Fails(Train("'bad', 'regression', 'bad_only_label', 'y', algorithm => 'xgboost'"), "22023", "no feature columns");

    [Fact]
    public void SingleClassForClassification() =>
        Fails(Train("'bad cls', 'classification', 'bad_single_class', 'label', algorithm => 'xgboost'"), "22000", "single value");

    [Fact]
    public void FirstTrainingWithoutRelation() => Fails(Train("'bad first', 'regression', algorithm => 'xgboost'"), "22023", "relation_name and y_column_name are required");

    [Fact]
    public void WrongFeatureCountAtPredict()
    {
        using var c = Setup();
        PgCluster.Exec(c, "SELECT * FROM pgml.deploy((SELECT max(m.id) FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'bad undeployed'))");
        var e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<float>(c, "SELECT pgml.predict('bad undeployed', ARRAY[1]::real[])"));
        Assert.Equal("2202E", e.SqlState);
        Assert.Contains("expects 2 features, but the array has 1", e.MessageText);
        PgCluster.Exec(c, "DELETE FROM pgml.deployments WHERE project_id = (SELECT id FROM pgml.projects WHERE name = 'bad undeployed')");
    }

    [Fact]
    public void CorruptStoredModelIsAClearError()
    {
        using var c = Setup();
        PgCluster.Exec(c, "DROP TABLE IF EXISTS bad_corrupt; CREATE TABLE bad_corrupt AS SELECT i::real AS x, i::real AS y FROM generate_series(1, 50) i");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('bad corrupt', 'regression', 'bad_corrupt', 'y', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 3}')");
        const string model = "(SELECT max(m.id) FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'bad corrupt')";
        const string predict = "SELECT pgml.predict('bad corrupt', ARRAY[20]::real[])";
        float good = PgCluster.Scalar<float>(c, predict);

        // damaged compiled trees: a WARNING, and the XGBoost JSON (the source of truth) still answers the same
        PgCluster.Exec(c, $"UPDATE pgml.files SET data = 'PGMLTREE garbage' WHERE path = 'estimator.compiled' AND model_id = {model}");
        var warnings = new List<string>();
        c.Notice += (_, e) => warnings.Add(e.Notice.MessageText);
        Assert.Equal(good, PgCluster.Scalar<float>(c, predict));
        Assert.Contains(warnings, w => w.Contains("compiled trees") && w.Contains("XGBoost JSON"));

        // both damaged: a clear error, and the connection lives
        PgCluster.Exec(c, $"UPDATE pgml.files SET data = 'not a model' WHERE path = 'estimator.json' AND model_id = {model}");
        var e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<float>(c, predict));
        Assert.Equal("22P03", e.SqlState);
        Assert.False(string.IsNullOrEmpty(e.Hint));
        Assert.Equal(1, PgCluster.Scalar<int>(c, "SELECT 1"));
    }

    [Fact]
    public void CorruptStoredLightGbmModelFallsBackToItsTextModel()
    {
        using var c = Setup();
        PgCluster.Exec(c, "DROP TABLE IF EXISTS bad_corrupt_lgb; CREATE TABLE bad_corrupt_lgb AS SELECT i::real AS x, (i % 7)::real AS y FROM generate_series(1, 200) i");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('bad corrupt lgb', 'regression', 'bad_corrupt_lgb', 'y', algorithm => 'lightgbm', hyperparams => '{\"n_estimators\": 5, \"min_data_in_leaf\": 5}')");
        const string model = "(SELECT max(m.id) FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'bad corrupt lgb')";
        const string predict = "SELECT pgml.predict('bad corrupt lgb', ARRAY[20]::real[])";
        float good = PgCluster.Scalar<float>(c, predict);

        // damaged pgml bytes: a WARNING, and LightGBM's own text model (the source of truth) answers the same
        PgCluster.Exec(c, $"UPDATE pgml.files SET data = 'PGMLMODL garbage' WHERE path = 'estimator.compiled' AND model_id = {model}");
        var warnings = new List<string>();
        c.Notice += (_, e) => warnings.Add(e.Notice.MessageText);
        Assert.Equal(good, PgCluster.Scalar<float>(c, predict));
        Assert.Contains(warnings, w => w.Contains("compiled trees") && w.Contains("LightGBM text model"));

        // a C#-only algorithm has no second copy: damaged bytes are a clear error
        PgCluster.Exec(c, "SELECT * FROM pgml.train('bad corrupt ridge', 'regression', 'bad_corrupt_lgb', 'y', algorithm => 'ridge')");
        PgCluster.Exec(c, "UPDATE pgml.files SET data = 'PGMLMODL garbage' WHERE path = 'estimator.compiled' AND model_id = " +
            "(SELECT max(m.id) FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'bad corrupt ridge')");
        var e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<float>(c, "SELECT pgml.predict('bad corrupt ridge', ARRAY[20]::real[])"));
        Assert.Equal("22P03", e.SqlState);
        Assert.False(string.IsNullOrEmpty(e.Hint));
        Assert.Equal(1, PgCluster.Scalar<int>(c, "SELECT 1"));
    }

    [Fact]
    public void SupervisedTaskWithoutLabelColumn()
    {
        var e = Fails(Train("'bad', 'regression', 'bad_ok', algorithm => 'xgboost'"), "22023", "y_column_name is required");
        Assert.Contains("label column", e.Hint);
    }

    [Fact]
    public void ImputeErrorWithMissingValues()
    {
        using (var c = Setup())
            PgCluster.Exec(c, "CREATE TABLE IF NOT EXISTS bad_nulls AS SELECT CASE WHEN i % 5 = 0 THEN NULL ELSE i END::real AS x, i::real AS y FROM generate_series(1, 50) i");
        var e = Fails(Train("'bad', 'regression', 'bad_nulls', 'y', algorithm => 'xgboost', preprocess => '{\"x\": {\"impute\": \"error\"}}'"), "22000", "x");
        Assert.Contains("impute", e.Hint);
    }

    [Fact]
    public void PredictionFunctionsThatDoNotFitTheModel()
    {
        using var c = Setup();
        PgCluster.Exec(c, "SELECT * FROM pgml.deploy((SELECT max(m.id) FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'bad undeployed'))");
        var e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<float[]>(c, "SELECT pgml.predict_proba('bad undeployed', ARRAY[1, 2]::real[])"));
        Assert.Equal("42809", e.SqlState);
        Assert.Contains("regression", e.MessageText);
        e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<string>(c, "SELECT pgml.predict_label('bad undeployed', ARRAY[1, 2]::real[])"));
        Assert.Equal("42809", e.SqlState);
        if (PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.projects WHERE name = 'bad classifier'") == 0)
        {
            PgCluster.Exec(c, "CREATE TABLE IF NOT EXISTS bad_cls AS SELECT i::real AS x, (i % 2 = 0) AS label FROM generate_series(1, 40) i");
            PgCluster.Exec(c, "SELECT * FROM pgml.train('bad classifier', 'classification', 'bad_cls', 'label', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 2}')");
        }
        e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<float[]>(c, "SELECT pgml.predict_joint('bad classifier', ARRAY[1]::real[])"));
        Assert.Equal("42809", e.SqlState);
        PgCluster.Exec(c, "DELETE FROM pgml.deployments WHERE project_id = (SELECT id FROM pgml.projects WHERE name = 'bad undeployed')");
    }

    [Fact]
    public void PredictWithAValueOfAnUnusableType()
    {
        using var c = Setup();
        PgCluster.Exec(c, "SELECT * FROM pgml.deploy((SELECT max(m.id) FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'bad undeployed'))");
        var e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<float>(c, "SELECT pgml.predict('bad undeployed', (1::real, now()))"));
        Assert.Equal("42804", e.SqlState);
        e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<float>(c, "SELECT pgml.predict('bad undeployed', ARRAY['a', 'b']::text[])"));
        Assert.Equal("42804", e.SqlState);
        PgCluster.Exec(c, "DELETE FROM pgml.deployments WHERE project_id = (SELECT id FROM pgml.projects WHERE name = 'bad undeployed')");
    }

    [Fact]
    public void InfiniteFeatureNamesItsColumn()
    {
        using (var c = Setup())
            PgCluster.Exec(c, "CREATE TABLE IF NOT EXISTS bad_inf AS SELECT CASE WHEN i = 7 THEN 'Infinity'::real ELSE i::real END AS x, i::real AS y FROM generate_series(1, 30) i");
        var e = Fails(Train("'bad', 'regression', 'bad_inf', 'y', algorithm => 'xgboost'"), "22000", "feature column \"x\" has an infinite value");
        Assert.Contains("NULLIF", e.Hint);
    }

    [Fact]
    public void HugeIntegerClassLabelsAreRefusedNotMerged()
    {
        using (var c = Setup())
            PgCluster.Exec(c, "CREATE TABLE IF NOT EXISTS bad_bigint AS SELECT i::real AS x, (16777216 + i % 2)::bigint AS label FROM generate_series(1, 30) i");
        var e = Fails(Train("'bad', 'classification', 'bad_bigint', 'label', algorithm => 'xgboost'"), "22003", "16,777,216");
        Assert.Contains("dense_rank", e.Hint);
    }

    [Fact]
    public void UntypedLiteralInARowAsksForACast()
    {
        using var c = Setup();
        PgCluster.Exec(c, "SELECT * FROM pgml.deploy((SELECT max(m.id) FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'bad undeployed'))");
        var e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<float>(c, "SELECT pgml.predict('bad undeployed', ('a', 2))"));
        Assert.Equal("42804", e.SqlState);
        Assert.Contains("::text", e.Hint);
        PgCluster.Exec(c, "DELETE FROM pgml.deployments WHERE project_id = (SELECT id FROM pgml.projects WHERE name = 'bad undeployed')");
    }
}
