namespace Pgml.Extension.Interop;

/// <summary>
/// Every SQLSTATE pgml's managed code raises (PostgreSQL's errcodes.txt), and nowhere else a literal code; the C shim
/// names its own in extension/src (PGML_ERRCODE_*). None is of class 53, 58, XX or F0: Npgsql treats those as
/// critical (it closes the connection, marks the host offline and clears the pool), so an ordinary failure of pgml,
/// even a bug or an exhausted managed heap, is raised with a class a client survives. A test reads this table and
/// the shim's to keep it so.
/// </summary>
internal static class SqlState
{
    // class 0A: feature not supported
    /// <summary>A combination pgml does not implement, or a part of pgml this installation lacks (LightGBM's library).</summary>
    public const string FeatureNotSupported = "0A000";

    // class 22: data exception
    /// <summary>The data cannot be used as asked (no rows, a single class, an infinite value).</summary>
    public const string DataException = "22000";
    /// <summary>A value too large to be represented exactly (a label beyond float32's integers).</summary>
    public const string NumericValueOutOfRange = "22003";
    /// <summary>A NULL where a value is needed (an argument, a label, a missing feature an algorithm cannot place).</summary>
    public const string NullValueNotAllowed = "22004";
    /// <summary>A feature array of the wrong length.</summary>
    public const string ArraySubscriptError = "2202E";
    /// <summary>A vector function dividing by 0 (pgml.divide), as PostgreSQL's own division does.</summary>
    public const string DivisionByZero = "22012";
    /// <summary>A bad argument: hyperparameter, option, strategy.</summary>
    public const string InvalidParameterValue = "22023";
    /// <summary>Stored model bytes that are damaged or in a format this version cannot read.</summary>
    public const string InvalidBinaryRepresentation = "22P03";

    // class 38: external routine exception
    /// <summary>A bug in pgml or a broken installation: never class XX, which makes Npgsql drop the connection.</summary>
    public const string ExternalRoutineException = "38000";

    // class 42: syntax error or access rule violation
    /// <summary>A relation name that is not a valid (optionally schema-qualified) identifier.</summary>
    public const string InvalidName = "42602";
    /// <summary>A project the current role may not use as asked (pgml's privileges, extension/sql/src/15_privileges.sql).</summary>
    public const string InsufficientPrivilege = "42501";
    public const string UndefinedColumn = "42703";
    public const string UndefinedObject = "42704";
    public const string DatatypeMismatch = "42804";
    /// <summary>An object of the wrong kind for the call (predict on a decomposition model).</summary>
    public const string WrongObjectType = "42809";
    public const string UndefinedTable = "42P01";

    // class 54: program limit exceeded
    /// <summary>A request larger than pgml can hold: a model file over 1 GB, a training set beyond the managed heap.</summary>
    public const string ProgramLimitExceeded = "54000";

    // class P0: PL/pgSQL
    /// <summary>No model qualifies: a project with no deployed model, no model for a deployment strategy.</summary>
    public const string NoDataFound = "P0002";

}
