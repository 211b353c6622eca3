namespace Pgml.Dashboard.Data;

/// <summary>An id or name in the address that the catalog does not hold (or that row-level security hides from the role).</summary>
public sealed class NotFoundException(string message) : Exception(message);
