using Pgml.Extension.Interop;

namespace Pgml.Extension.Catalog;

/// <summary>What a role may do with a project (extension/sql/src/15_privileges.sql); each implies predict.</summary>
internal enum Privilege { Predict, Train, Deploy }

/// <summary>
/// pgml's project privileges, as pgml's functions check them. Row-level security already hides the projects a role may
/// not see; these checks come first so that the caller learns which privilege it lacks (42501), not that a project it
/// cannot see does not exist, or that a row "violates row-level security".
/// </summary>
internal static class Access
{
    private static string Name(Privilege p) => p switch
    {
        Privilege.Predict => "predict",
        Privilege.Train => "train",
        _ => "deploy",
    };

    /// <summary>
    /// Whether this database's pgml schema has privileges (0.3.0 on). The engine is updated with the binaries, the
    /// schema by ALTER EXTENSION pgml UPDATE, later: until then, an older schema (superusers only, no owners) works
    /// as it did.
    /// </summary>
    private static bool Enforced()
    {
        Spi.Query("SELECT to_regprocedure('pgml._has_privilege(bigint,text,name)') IS NOT NULL", 1);
        return Spi.Bool(0, 1) == true;
    }

    public static bool Has(long projectId, Privilege privilege)
    {
        if (!Enforced()) return true;
        Spi.Query("SELECT pgml._has_privilege($1, $2, current_user)", 1, SqlArg.Of(projectId), SqlArg.Of(Name(privilege)));
        return Spi.Bool(0, 1) == true;
    }

    /// <summary>Throws 42501 unless the current role holds the privilege on the project.</summary>
    public static void Require(long projectId, string projectName, Privilege privilege)
    {
        if (!Has(projectId, privilege)) throw Denied(projectName, privilege);
    }

    /// <summary>
    /// For a project name the current role's query did not find: 42501 when the project exists (hidden from this
    /// role), null when it does not.
    /// </summary>
    public static PgmlException? HiddenProject(string projectName, Privilege privilege)
    {
        if (!Enforced()) return null;
        Spi.Query("SELECT pgml._project_id($1)", 1, SqlArg.Of(projectName));
        return Spi.Int64(0, 1) is null ? null : Denied(projectName, privilege);
    }

    /// <summary>For a model id the current role's query did not find: 42501 when the model exists, null when not.</summary>
    public static PgmlException? HiddenModel(long modelId, Privilege privilege)
    {
        if (!Enforced()) return null;
        Spi.Query("SELECT pgml._model_project_id($1)", 1, SqlArg.Of(modelId));
        return Spi.Int64(0, 1) is null ? null
            : new PgmlException(SqlState.InsufficientPrivilege, $"permission denied for model {modelId}",
                $"The owner of the model's project can grant it: SELECT pgml.grant_privilege('<project>', '{Name(privilege)}', {Quote(CurrentRole())});");
    }

    public static PgmlException Denied(string projectName, Privilege privilege)
    {
        string role = CurrentRole();
        return new(SqlState.InsufficientPrivilege, $"permission denied for project \"{projectName}\": {Name(privilege)} is not granted to role {role}",
            $"The project's owner can grant it: SELECT pgml.grant_privilege({Quote(projectName)}, '{Name(privilege)}', {Quote(role)});");
    }

    private static string CurrentRole()
    {
        Spi.Query("SELECT current_user::text", 1);
        return Spi.Text(0, 1)!;
    }

    private static string Quote(string s) => "'" + s.Replace("'", "''") + "'";
}
