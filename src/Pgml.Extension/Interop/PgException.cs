namespace Pgml.Extension.Interop;

/// <summary>
/// A PostgreSQL ERROR caught by a shim callback. The original error stays pending on the C side and is re-thrown
/// unchanged once managed code has returned, so this exception only unwinds the managed stack; do not swallow it.
/// </summary>
internal sealed class PgException() : Exception("a PostgreSQL error is pending");

/// <summary>An error pgml raises itself: an SQLSTATE, a message that says what happened, a hint that says what to do.</summary>
internal sealed class PgmlException(string sqlState, string message, string? hint = null, string? detail = null) : Exception(message)
{
    public string SqlState { get; } = sqlState;
    public string? Hint { get; } = hint;
    public string? Detail { get; } = detail;
}

/// <summary>SQLSTATE codes pgml raises (PostgreSQL's errcodes.txt).</summary>
internal static class SqlState
{
    public const string InvalidParameterValue = "22023";
    public const string NullValueNotAllowed = "22004";
    public const string ArraySubscriptError = "2202E";
    public const string DataException = "22000";
    public const string UndefinedTable = "42P01";
    public const string UndefinedColumn = "42703";
    public const string UndefinedObject = "42704";
    public const string DatatypeMismatch = "42804";
    public const string FeatureNotSupported = "0A000";
    public const string WrongObjectType = "42809";
    public const string NoDataFound = "P0002";
    // Npgsql closes the connection on any class-XX error, so pgml never raises one: a corrupt model is an invalid
    // binary representation, an unexpected managed exception an external-routine exception.
    public const string InvalidBinaryRepresentation = "22P03";
    public const string OutOfMemory = "53200";
    public const string ProgramLimitExceeded = "54000";
    public const string UndefinedFile = "58P01";
    public const string ExternalRoutineException = "38000";
}
