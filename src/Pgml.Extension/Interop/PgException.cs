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
