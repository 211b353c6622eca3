using System.Globalization;
using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>
/// PostgresML's classical example files (pgml-extension/examples: regression, binary, multi and image classification,
/// joint regression, clustering, decomposition, vectors; preprocessing is DatasetTests'), followed statement by
/// statement as a user who switched would run them, in a database of their own. Each statement must succeed, except
/// the deliberate differences docs/compatibility.md lists (catboost; predict on a pca model), which must fail with
/// their clear error; and what they return is checked: each training's algorithm and metrics, each deployment's
/// choice against the catalog, the predictions against the deployed model.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PostgresMLExamplesTests(PgCluster cluster) : IDisposable
{
    private readonly List<string> _databases = [];

    private NpgsqlConnection Database(string name)
    {
        string db = "pgml_example_" + name;
        _databases.Add(db);
        using (var admin = cluster.Open("postgres"))
        {
            PgCluster.Exec(admin, $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
            PgCluster.Exec(admin, $"CREATE DATABASE {db}");
        }
        var c = cluster.Open(db);
        PgCluster.Exec(c, "CREATE EXTENSION pgml");
        return c;
    }

    public void Dispose()
    {
        using var admin = cluster.Open("postgres");
        foreach (string db in _databases) PgCluster.Exec(admin, $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
    }

    private sealed record Trained(string Project, string Task, string Algorithm, bool Deployed);

    private static Trained Train(NpgsqlConnection c, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, c);
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read(), sql);
        var t = new Trained(r.GetString(0), r.GetString(1), r.GetString(2), r.GetBoolean(3));
        Assert.False(r.Read());
        return t;
    }

    private static List<string> Column(NpgsqlConnection c, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, c);
        using var r = cmd.ExecuteReader();
        var values = new List<string>();
        while (r.Read()) values.Add(r.IsDBNull(0) ? "null" : Convert.ToString(r.GetValue(0), CultureInfo.InvariantCulture)!);
        return values;
    }

    /// <summary>The target metric of the project's newest model (r2 or f1), as a number.</summary>
    private static double LastMetric(NpgsqlConnection c, string project, string metric) => PgCluster.Scalar<double>(c,
        "SELECT (m.metrics ->> $2)::float8 FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = $1 ORDER BY m.id DESC LIMIT 1",
        project, metric);

    private static long Deployed(NpgsqlConnection c, string project) =>
        PgCluster.Scalar<long>(c, "SELECT id FROM pgml.deployed_models WHERE name = $1", project);

    /// <summary>The deploy statements every example ends with, each checked against the catalog.</summary>
    private static void DeployStrategies(NpgsqlConnection c, string project, string metric, string algorithm)
    {
        string models = $"SELECT m.id, m.algorithm, (m.metrics ->> '{metric}')::float8 AS score FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = '{project}'";
        PgCluster.Exec(c, $"SELECT * FROM pgml.deploy('{project}', 'best_score')");
        Assert.Equal(PgCluster.Scalar<long>(c, $"SELECT id FROM ({models}) m ORDER BY score DESC NULLS LAST, id DESC LIMIT 1"), Deployed(c, project));
        PgCluster.Exec(c, $"SELECT * FROM pgml.deploy('{project}', 'most_recent')");
        long newest = PgCluster.Scalar<long>(c, $"SELECT max(id) FROM ({models}) m");
        Assert.Equal(newest, Deployed(c, project));
        PgCluster.Exec(c, $"SELECT * FROM pgml.deploy('{project}', 'rollback')");
        Assert.NotEqual(newest, Deployed(c, project));
        Assert.Equal(algorithm, Train(c, $"SELECT project, strategy, algorithm, true FROM pgml.deploy('{project}', 'best_score', '{algorithm}')").Algorithm);
        Assert.Equal(PgCluster.Scalar<long>(c, $"SELECT id FROM ({models}) m WHERE algorithm = '{algorithm}' ORDER BY score DESC NULLS LAST, id DESC LIMIT 1"), Deployed(c, project));
    }

    /// <summary>Retrains the project on its last snapshot with each algorithm, as the examples do.</summary>
    private static void EachAlgorithm(NpgsqlConnection c, string function, string project, string task, string metric, (string Algorithm, string? Hyperparams)[] algorithms)
    {
        foreach (var (algorithm, hyperparams) in algorithms)
        {
            string sql = $"SELECT * FROM pgml.{function}('{project}', algorithm => '{algorithm}'" + (hyperparams is null ? ")" : $", hyperparams => '{hyperparams}')");
            var t = Train(c, sql);
            Assert.Equal((project, task, algorithm), (t.Project, t.Task, t.Algorithm));
            double score = LastMetric(c, project, metric);
            Assert.True(double.IsFinite(score), $"{algorithm}: {metric} {score}");
        }
    }

    private static void CatboostIsAClearDifference(NpgsqlConnection c, string function, string project)
    {
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c, $"SELECT * FROM pgml.{function}('{project}', algorithm => 'catboost', hyperparams => '{{\"n_estimators\": 10}}')"));
        Assert.Equal("0A000", e.SqlState);
        Assert.Contains("lightgbm", e.Hint);
        Assert.Contains("xgboost", e.Hint);
    }

    private const string DiabetesFeatures = "ARRAY[age, sex, bmi, bp, s1, s2, s3, s4, s5, s6]";

    [Fact]
    public void Regression()
    {
        using var c = Database("regression");
        const string P = "Diabetes Progression";
        PgCluster.Exec(c, "SELECT pgml.load_dataset('diabetes')");
        Assert.Equal(10, Column(c, "SELECT * FROM pgml.diabetes LIMIT 10").Count);
        Assert.Equal(new Trained(P, "regression", "linear", true), Train(c, $"SELECT * FROM pgml.train('{P}', 'regression', 'pgml.diabetes', 'target')"));
        var predictions = Column(c, $"SELECT pgml.predict('{P}', {DiabetesFeatures}) FROM pgml.diabetes LIMIT 10");
        Assert.Equal(10, predictions.Distinct().Count());
        // a model by its id predicts as the deployed model it is
        Assert.Equal(predictions, Column(c, $"""
            SELECT pgml.predict(model_id, {DiabetesFeatures}) AS prediction FROM pgml.diabetes
            CROSS JOIN LATERAL (SELECT pgml.models.id AS model_id FROM pgml.models INNER JOIN pgml.projects ON pgml.models.project_id = pgml.projects.id
                                WHERE pgml.projects.name = '{P}' LIMIT 1) models LIMIT 10
            """));
        EachAlgorithm(c, "train", P, "regression", "r2",
        [
            ("ridge", null), ("lasso", null), ("elastic_net", null), ("least_angle", null), ("lasso_least_angle", null),
            ("orthogonal_matching_pursuit", null), ("bayesian_ridge", null), ("automatic_relevance_determination", null),
            ("stochastic_gradient_descent", null), ("passive_aggressive", null), ("ransac", null),
            ("theil_sen", """{"max_iter": 10, "max_subpopulation": 100}"""), ("huber", null),
            ("svm", """{"max_iter": 100}"""), ("nu_svm", """{"max_iter": 10}"""), ("linear_svm", """{"max_iter": 100}"""),
            ("ada_boost", """{"n_estimators": 5}"""), ("bagging", """{"n_estimators": 5}"""), ("extra_trees", """{"n_estimators": 5}"""),
            ("gradient_boosting_trees", """{"n_estimators": 5}"""), ("random_forest", """{"n_estimators": 5}"""),
            ("xgboost", """{"n_estimators": 10}"""),
            // commented out in the example as too slow for PostgresML; pgml trains them in well under a second here
            ("quantile", null), ("kernel_ridge", null), ("gaussian_process", null), ("hist_gradient_boosting", """{"max_iter": 10}"""),
            ("xgboost_random_forest", """{"n_estimators": 10}"""), ("lightgbm", """{"n_estimators": 1}"""),
        ]);
        // the linear family explains the scaled diabetes data about as well as ordinary least squares does
        // (not least_angle: with its default n_nonzero_coefs, scikit-learn's Lars itself scores below 0 on some splits of
        // this nearly collinear data, as pgml's does)
        foreach (string algorithm in new[] { "linear", "ridge", "bayesian_ridge", "automatic_relevance_determination", "huber" })
            Assert.True(PgCluster.Scalar<double>(c, $"SELECT max((m.metrics ->> 'r2')::float8) FROM pgml.models m WHERE m.algorithm = '{algorithm}'") > 0.3, algorithm);
        CatboostIsAClearDifference(c, "train", P);
        Assert.Equal("linear", Train(c, $"SELECT * FROM pgml.train('{P}', algorithm => 'linear', runtime => 'python')").Algorithm);
        Assert.Equal("linear", Train(c, $"SELECT * FROM pgml.train('{P}', algorithm => 'linear', runtime => 'rust')").Algorithm);
        Assert.Equal("xgboost", Train(c, $"SELECT * FROM pgml.train('{P}', algorithm => 'xgboost', runtime => 'rust', hyperparams => '{{\"n_estimators\": 10}}')").Algorithm);
        Assert.Equal(5, Column(c, "SELECT trained_models.* FROM pgml.trained_models JOIN pgml.models on models.id = trained_models.id ORDER BY models.metrics->>'mean_squared_error' DESC LIMIT 5").Count);
        Assert.Equal("random_forest", Train(c, $"SELECT project, strategy, algorithm, true FROM pgml.deploy('{P}', 'most_recent', 'random_forest')").Algorithm);
        Assert.Equal("random_forest", PgCluster.Scalar<string>(c, $"SELECT algorithm FROM pgml.deployed_models WHERE name = '{P}'"));
        Assert.Equal("xgboost", PgCluster.Scalar<string>(c, $$"""
            SELECT (pgml.train('{{P}}', algorithm => 'xgboost', hyperparams => '{"eval_metric": "rmse"}'::JSONB, search => 'grid',
                               search_params => '{"max_depth": [1, 2], "n_estimators": [20, 40]}')).algorithm
            """));
        DeployStrategies(c, P, "r2", "svm");
        Assert.Equal(10, Column(c, $"SELECT pgml.predict('{P}', {DiabetesFeatures}) FROM pgml.diabetes LIMIT 10").Count);
    }

    private const string BreastCancerFeatures = """
        ARRAY["mean radius", "mean texture", "mean perimeter", "mean area", "mean smoothness", "mean compactness", "mean concavity",
              "mean concave points", "mean symmetry", "mean fractal dimension", "radius error", "texture error", "perimeter error",
              "area error", "smoothness error", "compactness error", "concavity error", "concave points error", "symmetry error",
              "fractal dimension error", "worst radius", "worst texture", "worst perimeter", "worst area", "worst smoothness",
              "worst compactness", "worst concavity", "worst concave points", "worst symmetry", "worst fractal dimension"]
        """;

    [Fact]
    public void BinaryClassification()
    {
        using var c = Database("binary");
        const string P = "Breast Cancer Detection";
        PgCluster.Exec(c, "SELECT pgml.load_dataset('breast_cancer')");
        Assert.Equal(new Trained(P, "classification", "linear", true), Train(c, $"SELECT * FROM pgml.train('{P}', 'classification', 'pgml.breast_cancer', 'malignant')"));
        // the label's own values come back (booleans as 0/1), probabilities sum to 1
        Assert.All(Column(c, $"SELECT pgml.predict('{P}', {BreastCancerFeatures}) FROM pgml.breast_cancer ORDER BY random() LIMIT 10"), p => Assert.Contains(p, new[] { "0", "1" }));
        Assert.All(Column(c, $"SELECT abs(1 - (SELECT sum(x) FROM unnest(pgml.predict_proba('{P}', {BreastCancerFeatures})) x)) < 1e-5 FROM pgml.breast_cancer LIMIT 10"), ok => Assert.Equal("True", ok));
        EachAlgorithm(c, "train", P, "classification", "f1",
        [
            ("ridge", null), ("stochastic_gradient_descent", null), ("perceptron", null), ("passive_aggressive", null),
            ("svm", null), ("nu_svm", null), ("linear_svm", null), ("ada_boost", null), ("bagging", null),
            ("extra_trees", """{"n_estimators": 10}"""), ("gradient_boosting_trees", """{"n_estimators": 10}"""),
            ("random_forest", """{"n_estimators": 10}"""), ("xgboost", """{"n_estimators": 10}"""),
            ("hist_gradient_boosting", """{"max_iter": 2}"""),
            ("xgboost_random_forest", """{"n_estimators": 10}"""), ("lightgbm", """{"n_estimators": 1}"""),
        ]);
        // trees, boosting and the scaled-free linear models all separate this data well
        foreach (string algorithm in new[] { "random_forest", "extra_trees", "gradient_boosting_trees", "xgboost", "ada_boost", "bagging" })
            Assert.True(PgCluster.Scalar<double>(c, $"SELECT max((m.metrics ->> 'f1')::float8) FROM pgml.models m WHERE m.algorithm = '{algorithm}'") > 0.85, algorithm);
        Assert.Equal(5, Column(c, "SELECT trained_models.* FROM pgml.trained_models JOIN pgml.models on models.id = trained_models.id ORDER BY models.metrics->>'f1' DESC LIMIT 5").Count);
        Assert.Equal("random_forest", Train(c, $"SELECT project, strategy, algorithm, true FROM pgml.deploy('{P}', 'most_recent', 'random_forest')").Algorithm);
        Assert.Equal("xgboost", PgCluster.Scalar<string>(c, $"SELECT (pgml.train('{P}', algorithm => 'xgboost', search => 'grid', search_params => '{{\"n_estimators\": [2, 4], \"max_depth\": [1, 2, 3]}}')).algorithm"));
        DeployStrategies(c, P, "f1", "svm");
    }

    private const string IrisFeatures = "ARRAY[sepal_length, sepal_width, petal_length, petal_width]";

    [Fact]
    public void MultiClassification()
    {
        using var c = Database("multi");
        const string P = "Iris Flower Types";
        PgCluster.Exec(c, "SELECT pgml.load_dataset('iris')");
        PgCluster.Exec(c, "DROP VIEW IF EXISTS pgml.iris_view; CREATE VIEW pgml.iris_view AS SELECT * FROM pgml.iris ORDER BY random() LIMIT 100");
        Assert.Equal(new Trained(P, "classification", "linear", true), Train(c, $"SELECT * FROM pgml.train('{P}', 'classification', 'pgml.iris_view', 'target')"));
        Assert.All(Column(c, $"SELECT pgml.predict('{P}', {IrisFeatures}) FROM pgml.iris_view LIMIT 10"), p => Assert.Contains(p, new[] { "0", "1", "2" }));
        Assert.All(Column(c, $"SELECT cardinality(pgml.predict_proba('{P}', {IrisFeatures})) FROM pgml.iris_view LIMIT 10"), n => Assert.Equal("3", n));
        EachAlgorithm(c, "train", P, "classification", "f1",
        [
            ("ridge", null), ("stochastic_gradient_descent", null), ("perceptron", null), ("passive_aggressive", null),
            ("svm", null), ("nu_svm", null), ("linear_svm", null), ("ada_boost", null), ("bagging", null),
            ("extra_trees", """{"n_estimators": 10}"""), ("gradient_boosting_trees", """{"n_estimators": 10}"""),
            ("random_forest", """{"n_estimators": 10}"""), ("xgboost", """{"n_estimators": 10}"""),
            ("xgboost_random_forest", """{"n_estimators": 10}"""), ("lightgbm", """{"n_estimators": 1}"""), ("hist_gradient_boosting", """{"max_iter": 2}"""),
        ]);
        CatboostIsAClearDifference(c, "train", P);
        Assert.Equal("random_forest", Train(c, $"SELECT project, strategy, algorithm, true FROM pgml.deploy('{P}', 'most_recent', 'random_forest')").Algorithm);
        Assert.Equal("gradient_boosting_trees", PgCluster.Scalar<string>(c, $$"""
            SELECT (pgml.train('{{P}}', algorithm => 'gradient_boosting_trees', hyperparams => '{"random_state": 0}', search => 'grid',
                               search_params => '{"n_estimators": [10, 20], "max_leaf_nodes": [2, 4], "criterion": ["friedman_mse", "squared_error"]}')).algorithm
            """));
        DeployStrategies(c, P, "f1", "svm");
    }

    [Fact]
    public void JointRegression()
    {
        using var c = Database("joint");
        const string P = "Exercise vs Physiology";
        PgCluster.Exec(c, "SELECT pgml.load_dataset('linnerud')");
        Assert.Equal(new Trained(P, "regression", "linear", true), Train(c, $"SELECT * FROM pgml.train_joint('{P}', 'regression', 'pgml.linnerud', ARRAY['weight', 'waist', 'pulse'])"));
        Assert.All(Column(c, $"SELECT cardinality(pgml.predict_joint('{P}', ARRAY[chins, situps, jumps])) FROM pgml.linnerud LIMIT 10"), n => Assert.Equal("3", n));
        EachAlgorithm(c, "train_joint", P, "regression", "r2",
        [
            ("ridge", null), ("lasso", null), ("elastic_net", null), ("least_angle", null), ("lasso_least_angle", null),
            ("orthogonal_matching_pursuit", null), ("bayesian_ridge", null), ("automatic_relevance_determination", null),
            ("stochastic_gradient_descent", null), ("passive_aggressive", null), ("ransac", null),
            ("theil_sen", """{"max_iter": 10, "max_subpopulation": 100}"""), ("huber", null),
            ("svm", """{"max_iter": 100}"""), ("nu_svm", """{"max_iter": 10}"""), ("linear_svm", """{"max_iter": 100}"""),
            ("ada_boost", """{"n_estimators": 5}"""), ("bagging", """{"n_estimators": 5}"""), ("extra_trees", """{"n_estimators": 5}"""),
            ("gradient_boosting_trees", """{"n_estimators": 5}"""), ("random_forest", """{"n_estimators": 5}"""),
            ("quantile", null), ("kernel_ridge", null), ("gaussian_process", null),
        ]);
        Assert.Equal("random_forest", Train(c, $"SELECT project, strategy, algorithm, true FROM pgml.deploy('{P}', 'most_recent', 'random_forest')").Algorithm);
        DeployStrategies(c, P, "r2", "svm");
        Assert.All(Column(c, $"SELECT cardinality(pgml.predict_joint('{P}', ARRAY[chins, situps, jumps])) FROM pgml.linnerud LIMIT 10"), n => Assert.Equal("3", n));
    }

    [Fact]
    public void ImageClassification()
    {
        using var c = Database("image");
        const string P = "Handwritten Digits";
        PgCluster.Exec(c, "SELECT pgml.load_dataset('digits')");
        Assert.Equal(10, Column(c, "SELECT left(image::text, 40) || ',...}', target FROM pgml.digits LIMIT 10").Count);
        Assert.Equal(new Trained(P, "classification", "linear", true), Train(c, $"SELECT * FROM pgml.train('{P}', 'classification', 'pgml.digits', 'target')"));
        // the 8x8 SMALLINT[][] image is the features, as it was at training
        Assert.True(PgCluster.Scalar<long>(c, $"SELECT count(*) FROM (SELECT target, pgml.predict('{P}', image) AS p FROM pgml.digits LIMIT 100) t WHERE p = target") > 80);
        Assert.All(Column(c, $"SELECT cardinality(pgml.predict_proba('{P}', image)) FROM pgml.digits LIMIT 10"), n => Assert.Equal("10", n));
        EachAlgorithm(c, "train", P, "classification", "f1",
        [
            ("ridge", null), ("stochastic_gradient_descent", null), ("perceptron", null), ("passive_aggressive", null),
            ("svm", null), ("nu_svm", null), ("linear_svm", null), ("bagging", null), ("ada_boost", null),
            ("extra_trees", """{"n_estimators": 10}"""), ("gradient_boosting_trees", """{"n_estimators": 10}"""),
            ("random_forest", """{"n_estimators": 10}"""), ("xgboost", """{"n_estimators": 10}"""),
        ]);
        Assert.Equal("linear", Train(c, $"SELECT * FROM pgml.train('{P}', algorithm => 'linear', runtime => 'python')").Algorithm);
        Assert.Equal("xgboost", Train(c, $"SELECT * FROM pgml.train('{P}', algorithm => 'xgboost', runtime => 'rust', hyperparams => '{{\"n_estimators\": 10}}')").Algorithm);
        Assert.Equal("random_forest", Train(c, $"SELECT project, strategy, algorithm, true FROM pgml.deploy('{P}', 'most_recent', 'random_forest')").Algorithm);
        Assert.Equal("svm", PgCluster.Scalar<string>(c, $$"""
            SELECT (pgml.train('{{P}}', algorithm => 'svm', hyperparams => '{"random_state": 0}', search => 'grid',
                               search_params => '{"kernel": ["linear", "poly", "sigmoid"], "shrinking": [true, false]}')).algorithm
            """));
        DeployStrategies(c, P, "f1", "svm");
    }

    private static readonly string[] NotYetInPgml = ["birch"];

    [Fact]
    public void Clustering()
    {
        using var c = Database("clustering");
        const string P = "Handwritten Digit Clusters";
        PgCluster.Exec(c, "SELECT pgml.load_dataset('digits'); CREATE VIEW pgml.digit_vectors AS SELECT image FROM pgml.digits");
        Assert.Equal(new Trained(P, "clustering", "kmeans", true), Train(c, $"SELECT * FROM pgml.train('{P}', 'clustering', 'pgml.digit_vectors', hyperparams => '{{\"n_clusters\": 10}}')"));
        Assert.All(Column(c, $"SELECT pgml.predict('{P}', image) FROM pgml.digits LIMIT 10"), p => Assert.InRange(int.Parse(p, CultureInfo.InvariantCulture), 0, 9));
        // birch is in the example but not in pgml yet: refused with 0A000, listed in docs/compatibility.md (Not
        // implemented). mean_shift (commented out in the example) with its estimated bandwidth puts all the digits in
        // one cluster, on both sides, where a silhouette has no value: a narrower bandwidth here
        foreach (string algorithm in NotYetInPgml)
        {
            var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c, $"SELECT * FROM pgml.train('{P}', algorithm => '{algorithm}')"));
            Assert.Equal("0A000", e.SqlState);
            Assert.Contains("not implemented", e.MessageText);
        }
        foreach (var (algorithm, hyperparams) in new[] { ("affinity_propagation", "{}"), ("birch", """{"n_clusters": 10}"""), ("kmeans", """{"n_clusters": 10}"""), ("mini_batch_kmeans", """{"n_clusters": 10}"""), ("mean_shift", """{"bandwidth": 25}""") }
                     .Where(a => !NotYetInPgml.Contains(a.Item1)))
        {
            Assert.Equal(algorithm, Train(c, $"SELECT * FROM pgml.train('{P}', algorithm => '{algorithm}', hyperparams => '{hyperparams}')").Algorithm);
            Assert.True(double.IsFinite(LastMetric(c, P, "silhouette")), algorithm);
        }
        // the offline algorithms have no prediction for new rows: refused as PostgresML refuses them
        foreach (string algorithm in new[] { "dbscan", "feature_agglomeration", "optics", "spectral", "spectral_bi", "spectral_co" })
        {
            var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c, $"SELECT * FROM pgml.train('{P}', algorithm => '{algorithm}')"));
            Assert.Equal("0A000", e.SqlState);
        }
    }

    [Fact]
    public void Decomposition()
    {
        using var c = Database("decomposition");
        const string P = "Handwritten Digits Reduction";
        PgCluster.Exec(c, "SELECT pgml.load_dataset('digits'); CREATE VIEW digit_vectors AS SELECT image FROM pgml.digits");
        Assert.Equal(new Trained(P, "decomposition", "pca", true), Train(c, $"SELECT * FROM pgml.train('{P}', 'decomposition', 'digit_vectors')"));
        Assert.All(Column(c, $"SELECT cardinality(pgml.decompose('{P}', image)) FROM pgml.digits LIMIT 10"), n => Assert.Equal("64", n));
        // three components explain less variance than all 64: the automatic deployment keeps the first model (as in PostgresML)
        Assert.Equal(new Trained(P, "decomposition", "pca", false), Train(c, $"SELECT * FROM pgml.train('{P}', hyperparams => '{{\"n_components\": 3}}')"));
        Assert.All(Column(c, $"SELECT cardinality(pgml.decompose('{P}', image)) FROM pgml.digits LIMIT 10"), n => Assert.Equal("64", n));
        Assert.Equal(2, Column(c, "SELECT trained_models.* FROM pgml.trained_models JOIN pgml.models on models.id = trained_models.id ORDER BY models.metrics->>'cumulative_explained_variance' DESC LIMIT 5").Count);
        Assert.Equal("pca", Train(c, $"SELECT project, strategy, algorithm, true FROM pgml.deploy('{P}', 'most_recent', 'pca')").Algorithm);
        Assert.All(Column(c, $"SELECT cardinality(pgml.decompose('{P}', image)) FROM pgml.digits LIMIT 10"), n => Assert.Equal("3", n));
        DeployStrategies(c, P, "cumulative_explained_variance", "pca");
        // the example's last statement predicts with a pca model: a deliberate difference (compatibility.md)
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c, $"SELECT pgml.predict('{P}', image) FROM pgml.digits LIMIT 10"));
        Assert.Equal("42809", e.SqlState);
        Assert.Contains("pgml.decompose", e.Hint);
    }

    [Fact]
    public void Vectors()
    {
        using var c = Database("vectors");
        string[] expected =
        [
            "{4,5,6}", "{-2,-1,0}", "{3,6,9}", "{0.01,0.02,0.03}",
            "{5,7,9}", "{-3,-3,-3}", "{4,10,18}", "{0.25,0.4,0.5}",
            "3", "6", "3.7416575", "3",
            "{0.16666667,0.33333334,0.5}", "{0.26726124,0.5345225,0.8017837}", "{0.33333334,0.6666667,1}",
            "9", "5.196152", "32", "1",
        ];
        string[] statements =
        [
            "SELECT pgml.add(ARRAY[1.0, 2.0, 3.0], 3)", "SELECT pgml.subtract(ARRAY[1.0, 2.0, 3.0], 3)",
            "SELECT pgml.multiply(ARRAY[1.0, 2.0, 3.0], 3)", "SELECT pgml.divide(ARRAY[1.0, 2.0, 3.0], 100)",
            "SELECT pgml.add(ARRAY[1.0, 2.0, 3.0]::FLOAT4[], ARRAY[4.0, 5.0, 6.0]::FLOAT4[])",
            "SELECT pgml.subtract(ARRAY[1.0, 2.0, 3.0]::FLOAT4[], ARRAY[4.0, 5.0, 6.0]::FLOAT4[])",
            "SELECT pgml.multiply(ARRAY[1.0, 2.0, 3.0]::FLOAT4[], ARRAY[4.0, 5.0, 6.0]::FLOAT4[])",
            "SELECT pgml.divide(ARRAY[1.0, 2.0, 3.0]::FLOAT4[], ARRAY[4.0, 5.0, 6.0]::FLOAT4[])",
            "SELECT pgml.norm_l0(ARRAY[1.0, 2.0, 3.0]::FLOAT4[])", "SELECT pgml.norm_l1(ARRAY[1.0, 2.0, 3.0]::FLOAT4[])",
            "SELECT pgml.norm_l2(ARRAY[1.0, 2.0, 3.0]::FLOAT4[])", "SELECT pgml.norm_max(ARRAY[1.0, 2.0, 3.0]::FLOAT4[])",
            "SELECT pgml.normalize_l1(ARRAY[1.0, 2.0, 3.0]::FLOAT4[])", "SELECT pgml.normalize_l2(ARRAY[1.0, 2.0, 3.0]::FLOAT4[])",
            "SELECT pgml.normalize_max(ARRAY[1.0, 2.0, 3.0]::FLOAT4[])",
            "SELECT pgml.distance_l1(ARRAY[1.0, 2.0, 3.0]::FLOAT4[], ARRAY[4.0, 5.0, 6.0]::FLOAT4[])",
            "SELECT pgml.distance_l2(ARRAY[1.0, 2.0, 3.0]::FLOAT4[], ARRAY[4.0, 5.0, 6.0]::FLOAT4[])",
            "SELECT pgml.dot_product(ARRAY[1.0, 2.0, 3.0]::FLOAT4[], ARRAY[4.0, 5.0, 6.0]::FLOAT4[])",
            "SELECT pgml.cosine_similarity(ARRAY[1.0, 2.0, 3.0]::FLOAT4[], ARRAY[1.0, 2.0, 3.0]::FLOAT4[])",
        ];
        for (int i = 0; i < statements.Length; i++)
            Assert.Equal(expected[i], PgCluster.Scalar<string>(c, statements[i].Replace("SELECT ", "SELECT (") + ")::text"));
        Assert.Equal("{-1,-2,-3,-4}|{-2,-4,-6,-8}|{1,2,3,4}|{0,0,0,0}|{2,4,6,8}|{-0.2,-0.4,-0.6,-0.8}", PgCluster.Scalar<string>(c, """
            WITH vectors AS (
            SELECT * FROM (
                VALUES
                    (ARRAY[-2,-4,-6,-8]::FLOAT4[]),
                    (ARRAY[-1,-2,-3,-4]::FLOAT4[]),
                    (ARRAY[0,0,0,0]::FLOAT4[]),
                    (ARRAY[1,2,3,4]::FLOAT4[]),
                    (ARRAY[1,2,3,4]::FLOAT4[]),
                    (NULL)
                ) AS vectors (embedding)
            ) SELECT concat_ws('|', pgml.sum(embedding), pgml.min(embedding), pgml.max(embedding), pgml.min_abs(embedding), pgml.max_abs(embedding),
                               pgml.divide(pgml.sum(embedding), count(embedding))) FROM vectors
            """));
    }
}
