using System.Text.Json;
using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>
/// The PostgresML API beyond the basics: text labels and features, array features, rows, predict_proba,
/// predict_batch, predict_joint, predict_label, preprocessing and search.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ApiTests(PgCluster cluster)
{
    private NpgsqlConnection Setup()
    {
        var c = cluster.Open();
        PgCluster.Exec(c, """
            SELECT setseed(0.3);
            CREATE TABLE IF NOT EXISTS api_animals AS
            SELECT CASE WHEN i % 3 = 0 THEN 'cat' WHEN i % 3 = 1 THEN 'dog' ELSE 'bird' END AS species,
                   (CASE WHEN i % 3 = 0 THEN 4 WHEN i % 3 = 1 THEN 20 ELSE 0.3 END * (0.8 + 0.4 * random()))::real AS weight,
                   CASE WHEN i % 3 = 2 THEN 'sky' WHEN i % 7 = 0 THEN NULL ELSE 'ground' END AS habitat,
                   ARRAY[(i % 3)::real, random()::real, 1] AS signals,
                   (CASE WHEN i % 3 = 0 THEN 12 WHEN i % 3 = 1 THEN 11 ELSE 4 END + random())::real AS lifespan,
                   (i % 3 * 10 + random())::real AS speed
            FROM generate_series(1, 600) i;
            """);
        return c;
    }

    private static JsonElement LastMetrics(NpgsqlConnection c, string project) =>
        JsonDocument.Parse(PgCluster.Scalar<string>(c,
            "SELECT m.metrics::text FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = $1 ORDER BY m.id DESC LIMIT 1",
            project)).RootElement;

    [Fact]
    public void TextLabelsTextFeaturesAndArraysThroughRows()
    {
        using var c = Setup();
        PgCluster.Exec(c, "CREATE OR REPLACE VIEW api_species AS SELECT weight, habitat, signals, species FROM api_animals");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('api species', 'classification', 'api_species', 'species', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 10}')");
        Assert.True(LastMetrics(c, "api species").GetProperty("accuracy").GetDouble() > 0.95);
        // predict returns the class index (classes sorted: bird 0, cat 1, dog 2); predict_label the text
        Assert.Equal(2f, PgCluster.Scalar<float>(c, "SELECT pgml.predict('api species', (20.5::real, 'ground'::text, ARRAY[1, 0.5, 1]::real[]))"));
        Assert.Equal("dog", PgCluster.Scalar<string>(c, "SELECT pgml.predict_label('api species', (20.5::real, 'ground'::text, ARRAY[1, 0.5, 1]::real[]))"));
        Assert.Equal("bird", PgCluster.Scalar<string>(c, "SELECT pgml.predict_label('api species', (0.3::real, 'sky'::text, ARRAY[2, 0.5, 1]::real[]))"));
        // a whole table row, NULL text and unseen text are missing values
        // over the whole table (a row built from the table's own values), at least 99% right
        Assert.True(PgCluster.Scalar<long>(c, "SELECT count(*) FROM api_species s WHERE pgml.predict_label('api species', (s.weight, s.habitat, s.signals)) <> s.species") <= 6);
        Assert.NotNull(PgCluster.Scalar<string>(c, "SELECT pgml.predict_label('api species', (4::real, 'ocean'::text, NULL::real[]))"));
        // an array cannot carry the text feature
        var e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<float>(c, "SELECT pgml.predict('api species', ARRAY[1, 2, 3, 4, 5]::real[])"));
        Assert.Equal("42804", e.SqlState);
        Assert.Contains("habitat", e.MessageText);
        // a row of the wrong shape
        e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<float>(c, "SELECT pgml.predict('api species', (1::real, 2::real))"));
        Assert.Equal("42804", e.SqlState);
        e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<float>(c, "SELECT pgml.predict('api species', (1::real, 'x'::text, ARRAY[1, 2]::real[]))"));
        Assert.Equal("2202E", e.SqlState);
    }

    [Fact]
    public void PredictProbaIsInClassOrderAndSumsToOne()
    {
        using var c = Setup();
        PgCluster.Exec(c, "CREATE OR REPLACE VIEW api_proba AS SELECT weight, speed, species FROM api_animals");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('api proba', 'classification', 'api_proba', 'species', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 10}')");
        var p = PgCluster.Scalar<float[]>(c, "SELECT pgml.predict_proba('api proba', ARRAY[20, 10]::real[])");
        Assert.Equal(3, p.Length);
        Assert.InRange(p.Sum(), 0.999f, 1.001f);
        Assert.Equal(2, Array.IndexOf(p, p.Max()));   // dog
        // binary: two probabilities, [P(false), P(true)]
        PgCluster.Exec(c, "CREATE OR REPLACE VIEW api_binary AS SELECT weight, speed, species = 'dog' AS is_dog FROM api_animals");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('api binary', 'classification', 'api_binary', 'is_dog', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 10}')");
        var b = PgCluster.Scalar<float[]>(c, "SELECT pgml.predict_proba('api binary', ARRAY[20, 10]::real[])");
        Assert.Equal(2, b.Length);
        Assert.True(b[1] > 0.5f);
        Assert.Equal("true", PgCluster.Scalar<string>(c, "SELECT pgml.predict_label('api binary', ARRAY[20, 10]::real[])"));
        // real labels come back as written, not as the double nearest their float32
        PgCluster.Exec(c, "CREATE OR REPLACE VIEW api_real_labels AS SELECT weight, speed, CASE WHEN species = 'dog' THEN 0.7 ELSE 0.2 END::real AS grade FROM api_animals");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('api real labels', 'classification', 'api_real_labels', 'grade', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 5}')");
        Assert.Equal("0.7", PgCluster.Scalar<string>(c, "SELECT pgml.predict_label('api real labels', ARRAY[20, 10]::real[])"));
        var e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<float[]>(c,
            "SELECT pgml.predict_proba('api joint', ARRAY[1, 2]::real[])"));
        Assert.True(e.SqlState is "42704" or "42809");
    }

    [Fact]
    public void PredictBatchGivesOneValuePerRowInOrder()
    {
        using var c = Setup();
        PgCluster.Exec(c, "CREATE OR REPLACE VIEW api_batch AS SELECT weight, speed, lifespan FROM api_animals");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('api batch', 'regression', 'api_batch', 'lifespan', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 10}')");
        var one = new[] { PgCluster.Scalar<float>(c, "SELECT pgml.predict('api batch', ARRAY[4, 1]::real[])"),
                          PgCluster.Scalar<float>(c, "SELECT pgml.predict('api batch', ARRAY[20, 11]::real[])"),
                          PgCluster.Scalar<float>(c, "SELECT pgml.predict('api batch', ARRAY[0.3, 20]::real[])") };
        using var cmd = new NpgsqlCommand("SELECT * FROM pgml.predict_batch('api batch', ARRAY[4, 1, 20, 11, 0.3, 20]::real[])", c);
        var batch = new List<float>();
        using (var r = cmd.ExecuteReader()) while (r.Read()) batch.Add(r.GetFloat(0));
        Assert.Equal(one, batch);
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c, "SELECT * FROM pgml.predict_batch('api batch', ARRAY[1, 2, 3]::real[])"));
        Assert.Equal("2202E", e.SqlState);
    }

    [Fact]
    public void TrainJointPredictsEveryTarget()
    {
        using var c = Setup();
        PgCluster.Exec(c, "CREATE OR REPLACE VIEW api_joint AS SELECT weight, signals, lifespan, speed FROM api_animals");
        var row = PgCluster.Scalar<string>(c, "SELECT project || '/' || task || '/' || deployed FROM pgml.train_joint('api joint', 'regression', 'api_joint', ARRAY['lifespan', 'speed'], algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 20}')");
        Assert.Equal("api joint/regression/true", row);
        Assert.True(LastMetrics(c, "api joint").GetProperty("r2").GetDouble() > 0.8);
        var p = PgCluster.Scalar<float[]>(c, "SELECT pgml.predict_joint('api joint', (20::real, ARRAY[1, 0.5, 1]::real[]))");
        Assert.Equal(2, p.Length);
        Assert.InRange(p[0], 10.5f, 12.5f);   // a dog's lifespan
        Assert.InRange(p[1], 9.5f, 11.5f);    // and speed
        Assert.Equal("{lifespan,speed}", PgCluster.Scalar<string>(c,
            "SELECT s.y_column_name::text FROM pgml.snapshots s JOIN pgml.models m ON m.snapshot_id = s.id JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'api joint'"));
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c,
            "SELECT * FROM pgml.train_joint('api joint cls', 'classification', 'api_animals', ARRAY['species', 'habitat'], algorithm => 'xgboost')"));
        Assert.Equal("0A000", e.SqlState);
    }

    [Fact]
    public void PreprocessingIsStoredWithTheModelAndAppliedAtPredict()
    {
        using var c = Setup();
        PgCluster.Exec(c, "CREATE OR REPLACE VIEW api_pre AS SELECT weight, habitat, lifespan FROM api_animals");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('api pre', 'regression', 'api_pre', 'lifespan', algorithm => 'xgboost', " +
                          "hyperparams => '{\"n_estimators\": 10}', preprocess => '{\"weight\": {\"scale\": \"standard\", \"impute\": \"mean\"}, \"habitat\": {\"encode\": \"one_hot\", \"impute\": \"mode\"}}')");
        long id = PgCluster.Scalar<long>(c, "SELECT max(id) FROM pgml.models");
        Assert.Equal(1L, PgCluster.Scalar<long>(c, $"SELECT count(*) FROM pgml.files WHERE model_id = {id} AND path = 'preprocess.json'"));
        float a = PgCluster.Scalar<float>(c, "SELECT pgml.predict('api pre', (20::real, 'ground'::text))");
        Assert.InRange(a, 10.5f, 12.5f);
        // NULLs are imputed (mean, mode) by the stored pipeline
        Assert.True(float.IsFinite(PgCluster.Scalar<float>(c, "SELECT pgml.predict('api pre', (NULL::real, NULL::text))")));
        // a later model's preprocessing never changes an earlier model's predictions
        PgCluster.Exec(c, "SELECT * FROM pgml.train('api pre', relation_name => 'api_pre', y_column_name => 'lifespan', algorithm => 'xgboost', " +
                          "hyperparams => '{\"n_estimators\": 10}', preprocess => '{\"weight\": {\"scale\": \"min_max\"}}')");
        Assert.Equal(a, PgCluster.Scalar<float>(c, $"SELECT pgml.predict({id}::bigint, (20::real, 'ground'::text))"));
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c,
            "SELECT * FROM pgml.train('api pre', relation_name => 'api_pre', y_column_name => 'lifespan', algorithm => 'xgboost', preprocess => '{\"nope\": {\"scale\": \"standard\"}}')"));
        Assert.Equal("22023", e.SqlState);
        // retraining on the project's last snapshot keeps the last model's preprocessing (here min_max on weight)
        PgCluster.Exec(c, "SELECT * FROM pgml.train('api pre', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 10}')");
        Assert.Equal("min_max", PgCluster.Scalar<string>(c, "SELECT convert_from(f.data, 'UTF8')::jsonb #>> '{preprocess,weight,scale}' FROM pgml.files f " +
            "WHERE f.path = 'preprocess.json' AND f.model_id = (SELECT max(id) FROM pgml.models)"));
    }

    [Fact]
    public void GridSearchStoresResultsAndRefitsTheBest()
    {
        using var c = Setup();
        PgCluster.Exec(c, "CREATE OR REPLACE VIEW api_search AS SELECT weight, speed, lifespan FROM api_animals");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('api search', 'regression', 'api_search', 'lifespan', algorithm => 'xgboost', " +
                          "hyperparams => '{\"n_estimators\": 10}', search => 'grid', search_params => '{\"max_depth\": [1, 3]}', search_args => '{\"cv\": 3}')");
        var m = LastMetrics(c, "api search");
        var results = m.GetProperty("search_results");
        Assert.Equal(2, results.GetProperty("params").GetArrayLength());
        Assert.Equal(3, results.GetProperty("n_splits").GetInt32());
        Assert.Equal(2, results.GetProperty("mean_test_score").GetArrayLength());
        var hyper = PgCluster.Scalar<string>(c, "SELECT m.hyperparams::text FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'api search' ORDER BY m.id DESC LIMIT 1");
        Assert.Contains("max_depth", hyper);
        Assert.Equal("grid", PgCluster.Scalar<string>(c, "SELECT m.search FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'api search' ORDER BY m.id DESC LIMIT 1"));
        // search_params alone imply a grid search, and the model says so
        PgCluster.Exec(c, "SELECT * FROM pgml.train('api search', relation_name => 'api_search', y_column_name => 'lifespan', algorithm => 'xgboost', " +
                          "hyperparams => '{\"n_estimators\": 5}', search_params => '{\"max_depth\": [1, 2]}', search_args => '{\"cv\": 2}')");
        Assert.Equal("grid", PgCluster.Scalar<string>(c, "SELECT m.search FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'api search' ORDER BY m.id DESC LIMIT 1"));
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c,
            "SELECT * FROM pgml.train('api search', relation_name => 'api_search', y_column_name => 'lifespan', algorithm => 'xgboost', hyperparams => '{\"max_depth\": 2}', search_params => '{\"max_depth\": [1, 3]}')"));
        Assert.Equal("22023", e.SqlState);
        e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c,
            "SELECT * FROM pgml.train('api search', relation_name => 'api_search', y_column_name => 'lifespan', algorithm => 'xgboost', search => 'random', search_params => '{\"max_depth\": [1, 3]}', search_args => '{\"folds\": 3}')"));
        Assert.Equal("22023", e.SqlState);
    }

    [Fact]
    public void NumericArraysAndPlainIntegerArraysAreNotAmbiguous()
    {
        using var c = Setup();
        PgCluster.Exec(c, "CREATE OR REPLACE VIEW api_numbers AS SELECT weight, speed, lifespan FROM api_animals");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('api numbers', 'regression', 'api_numbers', 'lifespan', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 5}')");
        float expected = PgCluster.Scalar<float>(c, "SELECT pgml.predict('api numbers', ARRAY[4, 1]::real[])");
        Assert.Equal(expected, PgCluster.Scalar<float>(c, "SELECT pgml.predict('api numbers', ARRAY[4, 1])"));
        Assert.Equal(expected, PgCluster.Scalar<float>(c, "SELECT pgml.predict('api numbers', ARRAY[4.0, 1.0])"));   // numeric[]
        Assert.Equal(expected, PgCluster.Scalar<float>(c, "SELECT pgml.predict('api numbers', ARRAY[4, 1]::numeric[])"));
        Assert.Equal(expected, PgCluster.Scalar<float>(c, "SELECT pgml.predict('api numbers', (4, 1))"));             // a row of integers
        long id = PgCluster.Scalar<long>(c, "SELECT max(id) FROM pgml.models");
        Assert.Equal(expected, PgCluster.Scalar<float>(c, $"SELECT pgml.predict({id}, ARRAY[4.0, 1.0])"));
    }
}

[Collection(ClusterCollection.Name)]
public sealed class SnapshotTests(PgCluster cluster)
{
    [Fact]
    public void MaterializedSnapshotsKeepTheirRowsAndSplit()
    {
        using var c = cluster.Open();
        PgCluster.Exec(c, "DROP TABLE IF EXISTS snap_data CASCADE; CREATE TABLE snap_data AS SELECT i::real AS x, (i % 2 = 0) AS label FROM generate_series(1, 200) i");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('snap', 'classification', 'snap_data', 'label', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 3}', materialize_snapshot => true)");
        long snapshot = PgCluster.Scalar<long>(c, "SELECT max(id) FROM pgml.snapshots");
        Assert.True(PgCluster.Scalar<bool>(c, $"SELECT materialized FROM pgml.snapshots WHERE id = {snapshot}"));
        Assert.Equal(200L, PgCluster.Scalar<long>(c, $"SELECT count(*) FROM pgml.snapshot_{snapshot}"));
        // the source changes; a retrain on the snapshot still reads the copy (same metrics: same rows, same split)
        string before = PgCluster.Scalar<string>(c, "SELECT metrics->>'accuracy' FROM pgml.models ORDER BY id DESC LIMIT 1");
        PgCluster.Exec(c, "TRUNCATE snap_data");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('snap', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 3}')");
        Assert.Equal(before, PgCluster.Scalar<string>(c, "SELECT metrics->>'accuracy' FROM pgml.models ORDER BY id DESC LIMIT 1"));
        // metrics: mcc and the confusion matrix (rows: true class, columns: predicted)
        var m = System.Text.Json.JsonDocument.Parse(PgCluster.Scalar<string>(c, "SELECT metrics::text FROM pgml.models ORDER BY id DESC LIMIT 1")).RootElement;
        Assert.True(m.TryGetProperty("mcc", out _));
        var cm = m.GetProperty("confusion_matrix");
        Assert.Equal(2, cm.GetArrayLength());
        Assert.Equal(50, cm.EnumerateArray().Sum(r => r.EnumerateArray().Sum(v => v.GetInt32())));   // 25% of 200 test rows
    }

    [Fact]
    public void SnapshotFunctionCopiesTheRows()
    {
        using var c = cluster.Open();
        PgCluster.Exec(c, "DROP TABLE IF EXISTS snap_fn CASCADE; CREATE TABLE snap_fn AS SELECT i::real AS x, i::real AS y FROM generate_series(1, 30) i");
        Assert.Equal("public.snap_fn/y", PgCluster.Scalar<string>(c, "SELECT relation || '/' || y_column_name FROM pgml.snapshot('snap_fn', 'y', 0.5, 'last')"));
        long id = PgCluster.Scalar<long>(c, "SELECT max(id) FROM pgml.snapshots");
        Assert.Equal(30L, PgCluster.Scalar<long>(c, $"SELECT count(*) FROM pgml.snapshot_{id}"));
        Assert.Equal("{\"samples\": 30}", PgCluster.Scalar<string>(c, $"SELECT analysis::text FROM pgml.snapshots WHERE id = {id}"));
        var e = Assert.Throws<Npgsql.PostgresException>(() => PgCluster.Exec(c, "SELECT * FROM pgml.snapshot('snap_fn', 'nope')"));
        Assert.Equal("42703", e.SqlState);
        e = Assert.Throws<Npgsql.PostgresException>(() => PgCluster.Exec(c, "SELECT * FROM pgml.snapshot('snap_fn', 'y', 0)"));
        Assert.Equal("22023", e.SqlState);
    }

    [Fact]
    public void OneClassInTheTestSplitIsReportedNotAnError()
    {
        using var c = cluster.Open();
        // 'last' sampling puts only class true in the test rows: roc_auc cannot be computed; the model is still kept
        PgCluster.Exec(c, "DROP TABLE IF EXISTS snap_oneclass; CREATE TABLE snap_oneclass AS SELECT i::real AS x, i > 100 AS label FROM generate_series(1, 200) i");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('snap oneclass', 'classification', 'snap_oneclass', 'label', algorithm => 'xgboost', test_sampling => 'last', hyperparams => '{\"n_estimators\": 3}')");
        var m = System.Text.Json.JsonDocument.Parse(PgCluster.Scalar<string>(c, "SELECT metrics::text FROM pgml.models ORDER BY id DESC LIMIT 1")).RootElement;
        Assert.Equal(System.Text.Json.JsonValueKind.Null, m.GetProperty("roc_auc").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, m.GetProperty("accuracy").ValueKind);
    }
}
