using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>
/// Projects belong to their owners (extension/sql/src/15_privileges.sql): the privilege matrix with three roles and a
/// group, through pgml's functions and through plain SQL on the catalog and its views; grants and revokes reaching
/// backends that already cached the model; SET ROLE and SECURITY DEFINER in one backend; pg_dump and restore keeping
/// owners and grants. Each test has a database of its own, dropped with its roles at the end.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PrivilegeTests(PgCluster cluster) : IDisposable
{
    private const string Alice = "priv_alice", Bob = "priv_bob", Carol = "priv_carol", Analysts = "priv_analysts", Dave = "priv_dave";
    private const string Iris = "ARRAY[5.9, 3.0, 5.1, 1.8]";
    private readonly List<string> _databases = [];

    private NpgsqlConnection Admin(string db) => cluster.Open(db);

    /// <summary>A database with pgml, the iris table readable by every test role, and alice's deployed project.</summary>
    private string Setup(string name)
    {
        string db = "pgml_priv_" + name;
        _databases.Add(db);
        using (var postgres = cluster.Open("postgres"))
        {
            PgCluster.Exec(postgres, $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
            PgCluster.Exec(postgres, $"CREATE DATABASE {db}");
            foreach (string role in new[] { Alice, Bob, Carol, Analysts, Dave })
                PgCluster.Exec(postgres, $"DO $$ BEGIN CREATE ROLE {role} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
            PgCluster.Exec(postgres, $"GRANT {Analysts} TO {Dave}");
        }
        using var admin = Admin(db);
        PgCluster.Exec(admin, "CREATE EXTENSION pgml; SELECT * FROM pgml.load_dataset('iris')");
        PgCluster.Exec(admin, $"GRANT SELECT ON pgml.iris TO PUBLIC");
        using var alice = cluster.OpenAs(Alice, db);
        PgCluster.Exec(alice, "SELECT * FROM pgml.train('alice iris', 'classification', 'pgml.iris', 'target', algorithm => 'xgboost', " +
                              "hyperparams => '{\"n_estimators\": 5}')");
        return db;
    }

    private static PostgresException Fails(NpgsqlConnection c, string sql) =>
        Assert.Throws<PostgresException>(() => PgCluster.Exec(c, sql));

    private static float Predict(NpgsqlConnection c, string key = "'alice iris'") =>
        PgCluster.Scalar<float>(c, $"SELECT pgml.predict({key}, {Iris})");

    private static long Count(NpgsqlConnection c, string relation) => PgCluster.Scalar<long>(c, $"SELECT count(*) FROM {relation}");

    private static readonly string[] Catalog =
        ["pgml.projects", "pgml.models", "pgml.files", "pgml.deployments", "pgml.snapshots", "pgml.project_grants",
         "pgml.overview", "pgml.trained_models", "pgml.deployed_models"];

    [Fact]
    public void OnlyTheOwnerSeesAndUsesAProjectUntilItGrantsSomething()
    {
        string db = Setup("owner");
        using var alice = cluster.OpenAs(Alice, db);
        using var bob = cluster.OpenAs(Bob, db);
        long model = PgCluster.Scalar<long>(alice, "SELECT id FROM pgml.models");
        long project = PgCluster.Scalar<long>(alice, "SELECT id FROM pgml.projects");
        Assert.Equal(Alice, PgCluster.Scalar<string>(alice, "SELECT owner::text FROM pgml.projects"));
        Assert.Equal(Alice, PgCluster.Scalar<string>(alice, "SELECT owner::text FROM pgml.snapshots"));
        float expected = Predict(alice);

        foreach (string relation in Catalog)
            Assert.True(Count(bob, relation) == 0, $"{Bob} sees rows of {relation}");
        Assert.True(Count(alice, "pgml.files") > 0);

        // every way in is refused by name, with the privilege it lacks and how to get it
        var e = Fails(bob, $"SELECT pgml.predict('alice iris', {Iris})");
        Assert.Equal("42501", e.SqlState);
        Assert.Contains("predict is not granted to role priv_bob", e.MessageText);
        Assert.Contains("pgml.grant_privilege('alice iris', 'predict', 'priv_bob')", e.Hint);
        Assert.Equal("42501", Fails(bob, $"SELECT pgml.predict({model}, {Iris})").SqlState);
        Assert.Equal("42501", Fails(bob, $"SELECT pgml.predict_proba('alice iris', {Iris})").SqlState);
        Assert.Equal("42501", Fails(bob, "SELECT * FROM pgml.train('alice iris', algorithm => 'linear')").SqlState);
        Assert.Equal("42501", Fails(bob, "SELECT * FROM pgml.train('alice iris', 'classification', 'pgml.iris', 'target')").SqlState);
        Assert.Equal("42501", Fails(bob, $"SELECT * FROM pgml.deploy({model})").SqlState);
        Assert.Equal("42501", Fails(bob, "SELECT * FROM pgml.deploy('alice iris', 'most_recent')").SqlState);
        Assert.Equal("42501", Fails(bob, $"SELECT pgml.grant_privilege('alice iris', 'predict', '{Bob}')").SqlState);
        // an unknown project or model is still "does not exist"
        Assert.Equal("42704", Fails(bob, $"SELECT pgml.predict('nobody''s', {Iris})").SqlState);
        Assert.Equal("42704", Fails(bob, $"SELECT pgml.predict(987654, {Iris})").SqlState);

        // plain SQL on the catalog: nothing to change, nothing to add
        Assert.Equal(0, PgCluster.Exec(bob, "DELETE FROM pgml.models"));
        Assert.Equal(0, PgCluster.Exec(bob, "UPDATE pgml.projects SET name = 'stolen'"));
        Assert.Equal("42501", Fails(bob, $"INSERT INTO pgml.deployments (project_id, model_id, strategy) VALUES ({project}, {model}, 'specific')").SqlState);
        Assert.Equal("42501", Fails(bob, $"INSERT INTO pgml.project_grants (project_id, grantee, privilege) VALUES ({project}, '{Bob}', 'predict')").SqlState);
        Assert.Equal("42501", Fails(bob, $"INSERT INTO pgml.projects (name, task, owner) VALUES ('mine', 'regression', '{Alice}')").SqlState);

        // a new name is bob's own project, next to alice's
        PgCluster.Exec(bob, "SELECT * FROM pgml.train('bob iris', 'classification', 'pgml.iris', 'target', algorithm => 'linear')");
        Assert.Equal(Bob, PgCluster.Scalar<string>(bob, "SELECT string_agg(owner::text, ',') FROM pgml.projects"));
        Assert.Equal("alice iris", PgCluster.Scalar<string>(alice, "SELECT string_agg(name, ',') FROM pgml.projects"));
        Assert.Equal(expected, Predict(alice));

        // superusers see everything
        using var admin = Admin(db);
        Assert.Equal(2L, Count(admin, "pgml.projects"));
        Assert.Equal(2L, Count(admin, "pgml.deployed_models"));
    }

    [Fact]
    public void EachGrantOpensWhatItNamesAndNoMore()
    {
        string db = Setup("matrix");
        using var alice = cluster.OpenAs(Alice, db);
        using var bob = cluster.OpenAs(Bob, db);
        using var carol = cluster.OpenAs(Carol, db);
        using var dave = cluster.OpenAs(Dave, db);
        long first = PgCluster.Scalar<long>(alice, "SELECT id FROM pgml.models");
        float expected = Predict(alice);

        // predict: bob sees and predicts, by name and by id, and can neither train nor deploy; carol still sees nothing
        PgCluster.Exec(alice, $"SELECT pgml.grant_privilege('alice iris', 'predict', '{Bob}')");
        Assert.Equal(expected, Predict(bob));
        Assert.Equal(expected, Predict(bob, first.ToString()));
        Assert.Equal(1L, Count(bob, "pgml.deployed_models"));
        Assert.True(PgCluster.Scalar<bool>(bob, "SELECT pgml.has_project_privilege('alice iris', 'predict')"));
        Assert.False(PgCluster.Scalar<bool>(bob, "SELECT pgml.has_project_privilege('alice iris', 'train')"));
        Assert.Equal("42501", Fails(bob, "SELECT * FROM pgml.train('alice iris', algorithm => 'linear')").SqlState);
        Assert.Equal("42501", Fails(bob, $"SELECT * FROM pgml.deploy({first})").SqlState);
        Assert.Equal(0, PgCluster.Exec(bob, "DELETE FROM pgml.models"));   // seeing is not owning
        Assert.Equal("42501", Fails(carol, $"SELECT pgml.predict('alice iris', {Iris})").SqlState);

        // train: bob's model joins the project but is not deployed by a role that may not deploy
        PgCluster.Exec(alice, $"SELECT pgml.grant_privilege('alice iris', 'train', '{Bob}')");
        Assert.False(PgCluster.Scalar<bool>(bob, "SELECT deployed FROM pgml.train('alice iris', algorithm => 'linear')"));
        long bobs = PgCluster.Scalar<long>(alice, "SELECT max(id) FROM pgml.models");
        Assert.NotEqual(first, bobs);
        Assert.Equal(first, PgCluster.Scalar<long>(alice, "SELECT id FROM pgml.deployed_models"));

        // deploy: carol deploys bob's model, and predicts with it
        PgCluster.Exec(alice, $"SELECT pgml.grant_privilege('alice iris', 'deploy', '{Carol}')");
        PgCluster.Exec(carol, $"SELECT * FROM pgml.deploy({bobs})");
        Assert.Equal(bobs, PgCluster.Scalar<long>(alice, "SELECT id FROM pgml.deployed_models"));
        Assert.Equal(Predict(alice), Predict(carol));
        Assert.Equal("42501", Fails(carol, "SELECT * FROM pgml.train('alice iris', algorithm => 'linear')").SqlState);
        Assert.Equal("42501", Fails(carol, $"SELECT pgml.revoke_privilege('alice iris', 'all', '{Bob}')").SqlState);

        // a group: dave predicts through his membership of analysts
        Assert.Equal("42501", Fails(dave, $"SELECT pgml.predict('alice iris', {Iris})").SqlState);
        PgCluster.Exec(alice, $"SELECT pgml.grant_privilege('alice iris', 'predict', '{Analysts}')");
        Assert.Equal(Predict(alice), Predict(dave));

        // revoke all: bob loses everything, also in the backend that had the model cached
        Assert.Equal(Predict(alice), Predict(bob));
        PgCluster.Exec(alice, $"SELECT pgml.revoke_privilege('alice iris', 'all', '{Bob}')");
        Assert.Equal("42501", Fails(bob, $"SELECT pgml.predict('alice iris', {Iris})").SqlState);
        Assert.Equal("42501", Fails(bob, $"SELECT pgml.predict({bobs}, {Iris})").SqlState);
        Assert.Equal(0L, Count(bob, "pgml.models"));

        // PUBLIC: every role predicts
        PgCluster.Exec(alice, "SELECT pgml.grant_privilege('alice iris', 'predict', 'public')");
        Assert.Equal(Predict(alice), Predict(bob));
        Assert.Equal("-", PgCluster.Scalar<string>(bob, "SELECT grantee::text FROM pgml.project_grants WHERE grantee = 0"));
    }

    [Fact]
    public void OneBackendServesEachRoleOnlyWhatThatRoleMaySee()
    {
        string db = Setup("setrole");
        using var admin = Admin(db);
        long model = PgCluster.Scalar<long>(admin, "SELECT id FROM pgml.models");
        PgCluster.Exec(admin, $"SET ROLE {Alice}");
        float expected = Predict(admin);
        Assert.Equal(expected, Predict(admin, model.ToString()));   // both cached for alice
        PgCluster.Exec(admin, $"SET ROLE {Carol}");
        Assert.Equal("42501", Fails(admin, $"SELECT pgml.predict({model}, {Iris})").SqlState);
        Assert.Equal("42501", Fails(admin, $"SELECT pgml.predict('alice iris', {Iris})").SqlState);
        PgCluster.Exec(admin, $"SET ROLE {Alice}");
        Assert.Equal(expected, Predict(admin));

        // a SECURITY DEFINER function of alice's predicts for carol, as PostgreSQL's own objects would allow
        PgCluster.Exec(admin, "RESET ROLE");
        PgCluster.Exec(admin, "CREATE FUNCTION public.alice_predicts(f real[]) RETURNS real LANGUAGE sql SECURITY DEFINER " +
                              "AS $$ SELECT pgml.predict('alice iris', f) $$");
        PgCluster.Exec(admin, $"ALTER FUNCTION public.alice_predicts(real[]) OWNER TO {Alice}");
        PgCluster.Exec(admin, $"SET ROLE {Carol}");
        Assert.Equal(expected, PgCluster.Scalar<float>(admin, $"SELECT public.alice_predicts({Iris})"));
        Assert.Equal("42501", Fails(admin, $"SELECT pgml.predict('alice iris', {Iris})").SqlState);
        PgCluster.Exec(admin, "RESET ROLE");
        Assert.Equal(expected, Predict(admin));   // the superuser sees everything
    }

    [Fact]
    public void OwnershipMovesOnlyToARoleTheOwnerBelongsTo()
    {
        string db = Setup("owner_change");
        using var alice = cluster.OpenAs(Alice, db);
        using var admin = Admin(db);
        Assert.Equal("42501", Fails(alice, $"UPDATE pgml.projects SET owner = '{Bob}' WHERE name = 'alice iris'").SqlState);
        PgCluster.Exec(admin, $"UPDATE pgml.projects SET owner = '{Bob}' WHERE name = 'alice iris'");
        using var bob = cluster.OpenAs(Bob, db);
        Assert.Equal(Predict(admin), Predict(bob));
        Assert.Equal("42501", Fails(alice, $"SELECT pgml.predict('alice iris', {Iris})").SqlState);
    }

    [Theory]
    [InlineData("SELECT pgml.grant_privilege('alice iris', 'select', 'priv_bob')", "22023")]
    [InlineData("SELECT pgml.grant_privilege('alice iris', 'predict', 'no_such_role')", "42704")]
    [InlineData("SELECT pgml.grant_privilege('no such project', 'predict', 'priv_bob')", "42704")]
    [InlineData("SELECT pgml.grant_privilege('alice iris', NULL, 'priv_bob')", "22004")]
    [InlineData("SELECT pgml.revoke_privilege(NULL, 'predict', 'priv_bob')", "22004")]
    [InlineData("SELECT pgml.has_project_privilege('public', 'alice iris', 'predict')", "22023")]
    [InlineData("SELECT pgml.has_project_privilege('priv_bob', 'alice iris', 'everything')", "22023")]
    public void BadGrantsAreCleanErrors(string sql, string sqlstate)
    {
        string db = Setup("bad_" + sqlstate + "_" + (uint)sql.GetHashCode());
        using var alice = cluster.OpenAs(Alice, db);
        var e = Fails(alice, sql);
        Assert.Equal(sqlstate, e.SqlState);
        Assert.Equal(0L, Count(alice, "pgml.project_grants"));
    }

    [Fact]
    public void DumpAndRestoreKeepOwnersAndGrants()
    {
        string db = Setup("dump");
        using (var alice = cluster.OpenAs(Alice, db))
            PgCluster.Exec(alice, $"SELECT pgml.grant_privilege('alice iris', 'predict', '{Bob}')");
        string restored = db + "_restored";
        _databases.Add(restored);
        using (var postgres = cluster.Open("postgres"))
        {
            PgCluster.Exec(postgres, $"DROP DATABASE IF EXISTS {restored} WITH (FORCE)");
            PgCluster.Exec(postgres, $"CREATE DATABASE {restored}");
        }
        string dump = Path.Combine(Path.GetTempPath(), $"{db}-{Environment.ProcessId}.dump");
        try
        {
            PgCluster.Run(Path.Combine(PgCluster.Bin, "pg_dump"), "-h", cluster.SocketDir, "-p", cluster.Port.ToString(), "-U", "postgres",
                "-Fc", "-f", dump, db);
            PgCluster.Run(Path.Combine(PgCluster.Bin, "pg_restore"), "-h", cluster.SocketDir, "-p", cluster.Port.ToString(), "-U", "postgres",
                "-d", restored, dump);
        }
        finally
        {
            File.Delete(dump);
        }
        using var bob = cluster.OpenAs(Bob, restored);
        using var carol = cluster.OpenAs(Carol, restored);
        using var admin = Admin(restored);
        Assert.Equal(Alice, PgCluster.Scalar<string>(admin, "SELECT owner::text FROM pgml.projects"));
        Assert.Equal($"{Bob}:predict", PgCluster.Scalar<string>(admin, "SELECT grantee::text || ':' || privilege FROM pgml.project_grants"));
        Assert.Equal(Predict(admin), Predict(bob));
        Assert.Equal("42501", Fails(carol, $"SELECT pgml.predict('alice iris', {Iris})").SqlState);
        Assert.Equal(0L, Count(carol, "pgml.files"));
    }

    public void Dispose()
    {
        using var postgres = cluster.Open("postgres");
        foreach (string db in _databases)
            PgCluster.Exec(postgres, $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        // roles are shared by the cluster: the last test to leave drops them (DROP ROLE fails while a database still
        // holds a role's objects, so this only succeeds once every database of these tests is gone)
        foreach (string role in new[] { Dave, Analysts, Carol, Bob, Alice })
            PgCluster.Exec(postgres, $"DO $$ BEGIN DROP ROLE IF EXISTS {role}; EXCEPTION WHEN dependent_objects_still_exist THEN NULL; END $$");
    }
}
