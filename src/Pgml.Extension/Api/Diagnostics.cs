using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Api;

/// <summary>
/// pgml._boundary_probe(kind, seconds): exercises the C#/PostgreSQL boundary on demand, so an install (and the test
/// suite) can prove that errors, exceptions and interrupts cross it safely. Superuser only (see the SQL script).
/// </summary>
internal static class Diagnostics
{
    public static string BoundaryProbe(Args args)
    {
        string kind = args.RequiredText(0, "kind");
        double seconds = args.Double(1) ?? 0;
        switch (kind)
        {
            case "managed_exception":
                throw new InvalidOperationException("probe: an unexpected managed exception");
            case "null_reference":
                return NullDeref(null).ToString();
            case "sql_error":
                // An SQL error inside work C# started: it must reach the client unchanged (22012 here).
                Spi.Query("SELECT 1 / (random() * 0)::int", 1);
                return "unreachable";
            case "spin":
            {
                // Pure managed work that polls for interrupts, like a training loop.
                var sw = Stopwatch.StartNew();
                long n = 0;
                while (sw.Elapsed.TotalSeconds < seconds)
                {
                    for (int i = 0; i < 10_000; i++) n += i & 1;
                    Pg.CheckForInterrupts();
                }
                return "spun";
            }
            case "sql_sleep":
                Spi.Query("SELECT pg_sleep($1)", 1, SqlArg.Of(seconds));
                return "slept";
            case "other_thread":
            {
                // A call into PostgreSQL (ereport through the log callback) from a thread of the engine's own: the
                // shim must refuse it untouched, and the refusal comes back here as a pgml error.
                var caught = OnOtherThread(() => Pg.Notice("probe: a notice from another thread"));
                if (caught != null) ExceptionDispatchInfo.Throw(caught);
                return "not refused";
            }
            case "other_thread_swallowed":
                // The same, with the error swallowed: the shim itself must still fail the SQL call.
                OnOtherThread(() => Pg.Notice("probe: a notice from another thread"));
                return "swallowed";
            default:
                throw new PgmlException(SqlState.InvalidParameterValue, $"unknown probe kind \"{kind}\"",
                    "Use one of: " + string.Join(", ", Kinds) + ".");
        }
    }

    /// <summary>Every kind of probe, for the hint of an unknown one.</summary>
    internal static readonly string[] Kinds =
        ["managed_exception", "null_reference", "sql_error", "spin", "sql_sleep", "other_thread", "other_thread_swallowed"];

    /// <summary>Runs an action on a new thread, joins it, and returns what it threw.</summary>
    private static Exception? OnOtherThread(Action action)
    {
        Exception? caught = null;
        var thread = new Thread(() =>
        {
            try { action(); }
            catch (Exception e) { caught = e; }
        });
        thread.Start();
        thread.Join();
        return caught;
    }

    private static int NullDeref(string? s) => s!.Length;
}
