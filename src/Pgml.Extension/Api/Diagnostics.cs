using System.Diagnostics;
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
            default:
                throw new PgmlException(SqlState.InvalidParameterValue, $"unknown probe kind \"{kind}\"",
                    "Use one of: managed_exception, null_reference, sql_error, spin, sql_sleep.");
        }
    }

    private static int NullDeref(string? s) => s!.Length;
}
