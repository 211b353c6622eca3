using System.Net.Sockets;
using Npgsql;
using Pgml.Dashboard.Data;

namespace Pgml.Dashboard.Web;

/// <summary>What the error page says: a title, an explanation and what to do, and the HTTP status. Never a stack trace.</summary>
public sealed record ErrorExplanation(int Status, string Title, string Message, string? Advice);

public static class ErrorExplainer
{
    public static ErrorExplanation Explain(Exception? e, int? status)
    {
        switch (e)
        {
            case null when status == 404:
                return new(404, "Not found", "There is no page at this address.", "Start from the overview.");
            case null when status == 400:
                // Razor Pages answers 400 to a POST whose antiforgery token is missing or not this browser's
                return new(400, "Bad request", "The form was not accepted: it did not come from this dashboard's page, or the page is too old.",
                    "Reload the page and submit the form again.");
            case null:
                return new(status ?? 500, "Error", $"The request ended with HTTP status {status}.", null);
            case NotFoundException nf:
                return new(404, "Not found", nf.Message, "Start from the overview: it lists every project this role may see.");
            case PostgresException pe:
                return Postgres(pe);
            case NpgsqlException ne:
                return new(503, "The database cannot be reached", ne.InnerException is SocketException se ? $"{ne.Message} ({se.SocketErrorCode})" : ne.Message,
                    "Check that PostgreSQL is running and that ConnectionStrings:Pgml points at it.");
            case TimeoutException te:
                return new(503, "The database cannot be reached", te.Message, "Check that PostgreSQL is running and reachable.");
            case InvalidOperationException ioe when ioe.Message.StartsWith("no connection string", StringComparison.Ordinal):
                return new(500, "Not configured", ioe.Message, null);
            default:
                return new(500, "Unexpected error", $"{e.GetType().Name}: {e.Message}", "The dashboard's log has the details.");
        }
    }

    private static ErrorExplanation Postgres(PostgresException e)
    {
        string msg = e.MessageText + (e.Hint is null ? "" : $" Hint: {e.Hint}");
        return e.SqlState switch
        {
            // the catalog is missing: no schema pgml, no table or function of it
            PostgresErrorCodes.InvalidSchemaName or PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedFunction => new(503, "pgml is not installed in this database", msg,
                "Run CREATE EXTENSION pgml in this database, or point ConnectionStrings:Pgml at a database that has it."),
            PostgresErrorCodes.InvalidCatalogName => new(503, "The database does not exist", msg, "Check the Database of ConnectionStrings:Pgml."),
            PostgresErrorCodes.InsufficientPrivilege => new(403, "Permission denied", msg, "Connect as a role that may read pgml's catalog, or ask the project's owner for a grant."),
            var s when s.StartsWith("28", StringComparison.Ordinal) => new(403, "The database refused the role", msg,
                "Check the Username and Password of ConnectionStrings:Pgml."),
            var s when s.StartsWith("08", StringComparison.Ordinal) || s.StartsWith("57P", StringComparison.Ordinal) =>
                new(503, "The database cannot be reached", msg, "Check that PostgreSQL is running."),
            _ => new(500, "The database reported an error", $"{msg} (SQLSTATE {e.SqlState})", null),
        };
    }
}
