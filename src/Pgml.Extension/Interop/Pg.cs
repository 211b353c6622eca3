using System.Runtime.InteropServices;
using System.Text;
using Pgml.Engine;

namespace Pgml.Extension.Interop;

/// <summary>
/// The managed side of the boundary: the callbacks the shim handed over, and the translation of exceptions into
/// status codes. Only the backend's main thread may call anything here: the shim refuses a callback from any other
/// thread, untouched, and <see cref="Check"/> turns the refusal into a pgml error.
/// </summary>
internal static unsafe class Pg
{
    private static PgmlCallbacks _cb;

    public static ref readonly PgmlCallbacks Callbacks => ref _cb;

    /// <summary>
    /// Takes the shim's callback table, refusing one of another ABI version or size: a mismatched struct would make
    /// every later callback jump through the wrong pointer. The error record sits in the table's stable prefix, so
    /// the refusal reaches the user as a pgml error (38000) from any shim of ABI 3 or later.
    /// </summary>
    public static void Init(PgmlCallbacks* cb)
    {
        if (cb->Version >= PgmlCallbacks.FirstVersionWithPrefix)
            _cb.Error = cb->Error;
        string? mismatch = AbiMismatch(cb->Version, cb->Version == PgmlCallbacks.AbiVersion ? cb->Size : 0);
        if (mismatch != null)
            throw new PgmlException(SqlState.ExternalRoutineException, mismatch,
                "pgml.so and pgml_engine.so come from different builds; reinstall both (make install).");
        _cb = *cb;
        NativeLibraries.Register();
    }

    /// <summary>Why a callback table of this version and size cannot be used, or null. The size is read only when
    /// the version matches (an older table may not have the field).</summary>
    internal static string? AbiMismatch(int version, int size)
    {
        if (version != PgmlCallbacks.AbiVersion)
            return $"pgml.so speaks ABI version {version} but pgml_engine.so speaks {PgmlCallbacks.AbiVersion}";
        if (size != sizeof(PgmlCallbacks))
            return $"pgml.so's callback table has {size} bytes but pgml_engine.so's has {sizeof(PgmlCallbacks)} (ABI version {version} on both)";
        return null;
    }

    /// <summary>The message of a callback refused off the backend's main thread (the shim's PGML_WRONG_THREAD_MESSAGE).</summary>
    public const string WrongThreadMessage = "pgml called PostgreSQL from a thread other than the backend's main thread";

    /// <summary>Runs PostgreSQL's CHECK_FOR_INTERRUPTS: throws when a cancel, timeout or terminate is pending.</summary>
    public static void CheckForInterrupts()
    {
        Check(_cb.CheckInterrupts());
    }

    public static ulong DeployGeneration => *_cb.DeployGeneration;

    /// <summary>The OID of the role the current call runs as (GetUserId(), set by the shim at each call).</summary>
    public static uint CurrentUser => *_cb.CurrentUser;

    public static void WatchDeployments() => Check(_cb.WatchDeployments());

    public enum Level { Debug = 0, Log = 1, Info = 2, Notice = 3, Warning = 4 }

    public static void Log(Level level, string message)
    {
        using var s = new Utf8String(message);
        Check(_cb.Log((int)level, s.Pointer));
    }

    public static void Notice(string message) => Log(Level.Notice, message);

    /// <summary>Turns a callback's status into an exception: a pending PostgreSQL error, or a refused call.</summary>
    internal static void Check(int rc)
    {
        if (rc == CallbackStatus.WrongThread)
            throw new PgmlException(SqlState.ExternalRoutineException, WrongThreadMessage,
                "This is a bug in pgml; please report it with the statement that caused it.",
                $"Only the backend's main thread may call into PostgreSQL; this was managed thread {Environment.CurrentManagedThreadId}. The call was refused without touching PostgreSQL.");
        if (rc < 0) throw new PgException();
    }

    /// <summary>
    /// Turns an exception into the export's status: 1 when a PostgreSQL error is pending (re-thrown by C as is),
    /// 2 with the error record filled in otherwise. Never throws.
    /// </summary>
    public static int Fail(Exception e)
    {
        try
        {
            switch (e)
            {
                case PgException:
                    return 1;
                case PgmlException p:
                    return Report(p.SqlState, p.Message, p.Hint, p.Detail);
                case InvalidParameterException ip:
                    return Report(SqlState.InvalidParameterValue, ip.Message, ip.Hint, null);
                case Pgml.Engine.InvalidDataException id:
                    return Report(SqlState.DataException, id.Message, id.Hint, null);
                case ResourceLimitException rl:
                    return Report(SqlState.ProgramLimitExceeded, rl.Message,
                        $"Train on fewer rows or columns (a VIEW with a LIMIT or TABLESAMPLE), or raise pgml.max_training_memory " +
                        $"(now {(rl.Limit + (1L << 20) - 1) >> 20} MB), e.g. SET pgml.max_training_memory = '8GB'.", null);
                case MissingValueException mv:
                    return Report(SqlState.NullValueNotAllowed, mv.Message, mv.Hint, null);
                case ValueOutOfRangeException vr:
                    return Report(SqlState.NumericValueOutOfRange, vr.Message, vr.Hint, null);
                case DimensionMismatchException dm:
                    return Report(SqlState.ArraySubscriptError, dm.Message, dm.Hint, null);
                case DivisionByZeroException dz:
                    return Report(SqlState.DivisionByZero, dz.Message, dz.Hint, null);
                case UnsupportedException us:
                    return Report(SqlState.FeatureNotSupported, us.Message, us.Hint, null);
                case ModelFormatException mf:
                    return Report(SqlState.InvalidBinaryRepresentation, mf.Message, mf.Hint ?? "Retrain the model; its stored bytes cannot be read.", null);
                case EngineException ee:
                    return Report(SqlState.InvalidParameterValue, ee.Message, ee.Hint, null);
                case OutOfMemoryException:
                    // 54000, not 53200: the backend itself is fine, and Npgsql would drop the connection on class 53
                    return Report(SqlState.ProgramLimitExceeded, "pgml ran out of memory: " + e.Message,
                        "The request is too large for a backend's 512 MB managed heap: train on fewer rows or columns " +
                        "(a VIEW with a LIMIT or fewer columns), or with fewer trees or candidates.", null);
                default:
                    // A bug in pgml: say so plainly, with the exception's type and message, never a stack trace.
                    return Report(SqlState.ExternalRoutineException, $"internal error in pgml: {e.GetType().Name}: {e.Message}",
                        "This is a bug in pgml; please report it with the statement that caused it.",
                        e.StackTrace is { } st ? FirstLines(st, 3) : null);
            }
        }
        catch
        {
            return 2;
        }
    }

    private static string FirstLines(string s, int n)
    {
        var lines = s.Split('\n', n + 1);
        return string.Join('\n', lines.Take(n)).Trim();
    }

    private static int Report(string sqlState, string message, string? hint, string? detail)
    {
        PgmlError* err = _cb.Error;
        WriteUtf8(sqlState, err->SqlState, 8);
        WriteUtf8(message, err->Message, 2048);
        WriteUtf8(detail ?? "", err->Detail, 2048);
        WriteUtf8(hint ?? "", err->Hint, 2048);
        return 2;
    }

    /// <summary>Copies a string as NUL-terminated UTF-8, cut at a character boundary if it does not fit.</summary>
    internal static void WriteUtf8(string s, byte* dst, int capacity)
    {
        var span = new Span<byte>(dst, capacity - 1);
        Encoding.UTF8.GetEncoder().Convert(s, span, flush: true, out _, out int written, out _);
        dst[written] = 0;
    }

    internal static string? ReadUtf8(byte* p) => p == null ? null : Marshal.PtrToStringUTF8((nint)p);
}

/// <summary>A NUL-terminated UTF-8 copy of a string in native memory, for the duration of a callback.</summary>
internal readonly unsafe struct Utf8String : IDisposable
{
    public readonly byte* Pointer;
    public readonly int Length;

    public Utf8String(string? s)
    {
        if (s is null) { Pointer = null; Length = 0; return; }
        Length = Encoding.UTF8.GetByteCount(s);
        Pointer = (byte*)NativeMemory.Alloc((nuint)Length + 1);
        Encoding.UTF8.GetBytes(s, new Span<byte>(Pointer, Length));
        Pointer[Length] = 0;
    }

    public void Dispose()
    {
        if (Pointer != null) NativeMemory.Free(Pointer);
    }
}
