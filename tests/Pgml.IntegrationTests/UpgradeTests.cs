using System.Text.RegularExpressions;
using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>
/// Users' models survive ALTER EXTENSION pgml UPDATE. Every released install script (extension/sql/releases, kept as
/// it shipped) must reach this version through the upgrade scripts (extension/sql/upgrades); a database created by
/// that release, with models of several algorithms, deployments and a materialized snapshot, predicts the same after
/// the update, trains on, and ends with exactly the schema a fresh install of this version creates.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class UpgradeTests(PgCluster cluster)
{
    private static readonly string Root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
    private static readonly string Current = File.ReadAllText(Path.Combine(Root, "VERSION")).Trim();

    private static IEnumerable<string> Files(string folder, string pattern) =>
        Directory.EnumerateFiles(Path.Combine(Root, "extension", "sql", folder), pattern).Select(Path.GetFileName)!;

    private static List<string> ReleasedVersions() =>
        Files("releases", "pgml--*.sql").Select(f => Regex.Match(f, @"^pgml--(.+)\.sql$").Groups[1].Value).ToList();

    public static TheoryData<string> Releases() => new(ReleasedVersions());

    [Fact]
    public void EveryReleaseReachesThisVersion()
    {
        var steps = Files("upgrades", "pgml--*--*.sql")
            .Select(f => Regex.Match(f, @"^pgml--(.+)--(.+)\.sql$")).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.NotEmpty(ReleasedVersions());
        foreach (string release in ReleasedVersions())
        {
            string v = release;
            for (int hops = 0; v != Current; hops++)
            {
                Assert.True(steps.TryGetValue(v, out var next) && hops < 100, $"no upgrade script from {v} towards {Current}");
                v = next!;
            }
        }
        // the current version is not a release yet: its script is built from sql/src, and no upgrade starts from it
        Assert.DoesNotContain($"pgml--{Current}.sql", Files("releases", "pgml--*.sql"));
        Assert.False(steps.ContainsKey(Current), $"an upgrade script starts from {Current}, which is not released");
    }

    [Theory, MemberData(nameof(Releases))]
    public void UpdateKeepsModelsAndEqualsAFreshInstall(string release)
    {
        Assert.NotEqual(Current, release);   // a release is always older than the version under test
        string db = "pgml_upgrade_" + release.Replace('.', '_');
        Recreate(db);
        Recreate("pgml_fresh");
        using (var fresh = cluster.Open("pgml_fresh")) PgCluster.Exec(fresh, "CREATE EXTENSION pgml");

        string before, after;
        using (var c = cluster.Open(db))
        {
            PgCluster.Exec(c, $"CREATE EXTENSION pgml VERSION '{release}'");
            Assert.Equal(release, PgCluster.Scalar<string>(c, "SELECT extversion FROM pg_extension WHERE extname = 'pgml'"));
            TrainModels(c);
            before = Predictions(c);
            PgCluster.Exec(c, "ALTER EXTENSION pgml UPDATE");
            Assert.Equal(Current, PgCluster.Scalar<string>(c, "SELECT extversion FROM pg_extension WHERE extname = 'pgml'"));
            Assert.Equal(before, Predictions(c));   // this backend's cache
        }
        using (var c = cluster.Open(db))
        {
            after = Predictions(c);                   // a new backend loads every model from the catalog
            Assert.Equal(before, after);
            PgCluster.Exec(c, "SELECT * FROM pgml.train('upgrade iris', algorithm => 'random_forest')");   // trains on
            Assert.Equal(4L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'upgrade iris'"));
            using var fresh = cluster.Open("pgml_fresh");
            Assert.Equal(Schema(fresh), Schema(c));
        }
    }

    private void Recreate(string db)
    {
        using var admin = cluster.Open("postgres");
        PgCluster.Exec(admin, $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        PgCluster.Exec(admin, $"CREATE DATABASE {db}");
    }

    private static void TrainModels(NpgsqlConnection c)
    {
        PgCluster.Exec(c, "SELECT * FROM pgml.load_dataset('iris'); SELECT * FROM pgml.load_dataset('diabetes')");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('upgrade iris', 'classification', 'pgml.iris', 'target', algorithm => 'xgboost', " +
                          "hyperparams => '{\"n_estimators\": 10}', materialize_snapshot => true)");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('upgrade iris', algorithm => 'linear')");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('upgrade iris', algorithm => 'lightgbm', hyperparams => '{\"n_estimators\": 10}')");
        PgCluster.Exec(c, "SELECT * FROM pgml.deploy('upgrade iris', 'best_score')");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('upgrade diabetes', 'regression', 'pgml.diabetes', 'target', algorithm => 'ridge', " +
                          "preprocess => '{\"age\": {\"scale\": \"standard\"}}')");
        PgCluster.Exec(c, "SELECT * FROM pgml.train('upgrade diabetes', algorithm => 'random_forest', hyperparams => '{\"n_estimators\": 5}')");
        PgCluster.Exec(c, "SELECT * FROM pgml.deploy('upgrade diabetes', 'most_recent'); SELECT * FROM pgml.deploy('upgrade diabetes', 'rollback')");
    }

    /// <summary>Every model's predictions (deployed by name, and each model by id) on the datasets, as text.</summary>
    private static string Predictions(NpgsqlConnection c) => PgCluster.Scalar<string>(c, """
        SELECT string_agg(line, E'\n' ORDER BY line) FROM (
          SELECT 'iris ' || i.ctid || ' ' || pgml.predict('upgrade iris', ARRAY[sepal_length, sepal_width, petal_length, petal_width])
                 || ' ' || pgml.predict_proba('upgrade iris', ARRAY[sepal_length, sepal_width, petal_length, petal_width])::text AS line
            FROM pgml.iris i
          UNION ALL
          SELECT 'diabetes ' || d.ctid || ' ' || pgml.predict('upgrade diabetes', ARRAY[age, sex, bmi, bp, s1, s2, s3, s4, s5, s6])
            FROM pgml.diabetes d
          UNION ALL
          SELECT 'model ' || m.id || ' ' || pgml.predict(m.id, ARRAY[5.1, 3.5, 1.4, 0.2]::real[])
            FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'upgrade iris'
          UNION ALL
          SELECT 'deployments ' || string_agg(project_id || ':' || model_id || ':' || strategy, ',' ORDER BY id) FROM pgml.deployments
          UNION ALL
          SELECT 'files ' || count(*) || ' ' || sum(length(data)) FROM pgml.files
        ) lines
        """);

    /// <summary>
    /// The extension's own objects with their definitions and privileges: functions, tables (columns, defaults,
    /// constraints, indexes, triggers, grants), views, types and the configuration tables pg_dump keeps.
    /// </summary>
    private static string Schema(NpgsqlConnection c) => PgCluster.Scalar<string>(c, """
        WITH ext AS (SELECT oid, extconfig FROM pg_extension WHERE extname = 'pgml'),
        member AS (SELECT d.classid, d.objid FROM pg_depend d, ext WHERE d.refclassid = 'pg_extension'::regclass
                   AND d.refobjid = ext.oid AND d.deptype = 'e'),
        rels AS (SELECT objid AS oid FROM member WHERE classid = 'pg_class'::regclass)
        SELECT string_agg(line, E'\n' ORDER BY line) FROM (
          SELECT 'member ' || pg_describe_object(classid, objid, 0) AS line FROM member
          UNION ALL
          SELECT 'function ' || p.oid::regprocedure || ' ' || coalesce(p.proacl::text, 'default') || E'\n' || pg_get_functiondef(p.oid)
            FROM pg_proc p JOIN member m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid WHERE p.prokind <> 'a'
          UNION ALL
          SELECT 'aggregate ' || p.oid::regprocedure || ' ' || coalesce(p.proacl::text, 'default') || ' ' || a.aggtransfn::regprocedure
                 || ' ' || a.aggcombinefn || ' ' || a.aggfinalfn || ' ' || a.aggtranstype::regtype || ' ' || coalesce(a.agginitval, '')
                 || ' ' || p.proparallel::text
            FROM pg_proc p JOIN member m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid JOIN pg_aggregate a ON a.aggfnoid = p.oid
          UNION ALL
          SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull
                 || ' ' || coalesce(pg_get_expr(ad.adbin, ad.adrelid), '') || ' ' || a.attnum
            FROM rels JOIN pg_class c ON c.oid = rels.oid JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
          UNION ALL
          SELECT 'relation ' || c.relname || ' ' || c.relkind::text || ' ' || coalesce(c.relacl::text, 'default')
                 || coalesce(' ' || pg_get_viewdef(c.oid), '')
            FROM rels JOIN pg_class c ON c.oid = rels.oid
          UNION ALL
          SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
            FROM pg_constraint WHERE conrelid IN (SELECT oid FROM rels)
          UNION ALL
          SELECT 'index ' || pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid IN (SELECT oid FROM rels)
          UNION ALL
          SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid IN (SELECT oid FROM rels) AND NOT tgisinternal
          UNION ALL
          SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
            FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN member m ON m.classid = 'pg_type'::regclass AND m.objid = t.oid
            GROUP BY t.typname
          UNION ALL
          SELECT 'config ' || cfg::regclass FROM ext, unnest(ext.extconfig) cfg
          UNION ALL
          SELECT 'security ' || c.relname || ' rls ' || c.relrowsecurity || ' force ' || c.relforcerowsecurity
                 || ' options ' || coalesce(c.reloptions::text, 'none')
            FROM rels JOIN pg_class c ON c.oid = rels.oid
          UNION ALL
          SELECT 'policy ' || tablename || ' ' || policyname || ' ' || permissive || ' ' || roles::text || ' ' || cmd
                 || ' using ' || coalesce(qual, '') || ' check ' || coalesce(with_check, '')
            FROM pg_policies WHERE schemaname = 'pgml'
          UNION ALL
          SELECT 'schema pgml ' || coalesce(nspacl::text, 'default') FROM pg_namespace WHERE nspname = 'pgml'
        ) lines
        """);
}
