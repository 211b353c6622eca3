using System.Globalization;
using System.Text;

namespace Pgml.Extension.Interop;

/// <summary>
/// A query parameter: PostgreSQL type plus text form, or bytes for bytea (borrowed from native memory the caller keeps
/// alive, so a large model is not copied before PostgreSQL copies it). Values are never pasted into SQL.
/// </summary>
internal readonly unsafe struct SqlArg
{
    public readonly uint Type;
    public readonly string? Text;
    public readonly bool IsBytea;
    public readonly byte* Bytes;
    public readonly int Length;

    private SqlArg(uint type, string? text) { Type = type; Text = text; }

    private SqlArg(byte* data, int length)
    {
        Type = TypeOid.Bytea;
        IsBytea = true;
        Bytes = data;
        Length = length;
    }

    public static SqlArg Of(string? value) => new(TypeOid.Text, value);
    public static SqlArg Of(long value) => new(TypeOid.Int8, value.ToString(CultureInfo.InvariantCulture));
    public static SqlArg Of(long? value) => new(TypeOid.Int8, value?.ToString(CultureInfo.InvariantCulture));
    public static SqlArg Of(double value) => new(TypeOid.Float8, value.ToString("R", CultureInfo.InvariantCulture));
    public static SqlArg Jsonb(string? json) => new(TypeOid.Jsonb, json);
    public static SqlArg Bytea(byte* data, int length) => new(data, length);
    public static SqlArg Typed(uint type, string? text) => new(type, text);
}

/// <summary>
/// Queries through SPI, inside the caller's transaction and with the caller's privileges. Results are read right
/// after the query (the next query frees them).
/// </summary>
internal static unsafe class Spi
{
    /// <summary>Runs a statement; returns the number of rows it returned or changed.</summary>
    public static long Execute(string sql, params SqlArg[] args) => Run(sql, 0, args);

    /// <summary>
    /// Runs a query, keeping at most <paramref name="maxRows"/> rows (0 = all). Not SPI's read-only mode: a read-only
    /// query would not see what this call wrote before it (a snapshot table just created, a row just inserted).
    /// </summary>
    public static long Query(string sql, long maxRows, params SqlArg[] args) => Run(sql, maxRows, args);

    private static long Run(string sql, long maxRows, SqlArg[] args)
    {
        using var s = new Utf8String(sql);
        using var p = new NativeParams(args);
        long processed;
        _lastRows = 0;
        Pg.Check(Pg.Callbacks.SpiExecute(s.Pointer, args.Length, p.Pointer, maxRows, &processed));
        _lastRows = processed;
        return processed;
    }

    private static long _lastRows;

    /// <summary>A value of the last result (row from 0, column from 1) in text form; null for SQL NULL or no such row.</summary>
    public static string? Text(long row, int column)
    {
        byte* data = Raw(row, column, out int length, out bool isNull);
        return isNull ? null : Encoding.UTF8.GetString(data, length);
    }

    /// <summary>
    /// A bytea value of the last result in place (valid until the next query), without a managed copy; null for SQL
    /// NULL. Each call detoasts the value again: read it once.
    /// </summary>
    public static byte* Bytes(long row, int column, out int length)
    {
        byte* data = Raw(row, column, out length, out bool isNull);
        return isNull ? null : data;
    }

    public static long? Int64(long row, int column) =>
        Text(row, column) is { } s ? long.Parse(s, CultureInfo.InvariantCulture) : null;

    public static double? Double(long row, int column) =>
        Text(row, column) is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : null;

    public static bool? Bool(long row, int column) => Text(row, column) is { } s ? s == "t" : null;

    private static byte* Raw(long row, int column, out int length, out bool isNull)
    {
        byte* data;
        int len, nul;
        if (row >= _lastRows)
        {
            // Past the last row (typically: a lookup that found nothing) reads as NULL.
            length = 0;
            isNull = true;
            return null;
        }
        Pg.Check(Pg.Callbacks.SpiValue(row, column, &data, &len, &nul));
        length = len;
        isNull = nul != 0;
        return data;
    }

    /// <summary>
    /// Opens a cursor (not in SPI's read-only mode, so it sees what this call wrote, e.g. a snapshot table just
    /// materialized); rows are fetched in batches straight into native float buffers.
    /// </summary>
    public static Cursor Open(string sql, params SqlArg[] args)
    {
        using var s = new Utf8String(sql);
        using var p = new NativeParams(args);
        nint portal;
        Pg.Check(Pg.Callbacks.CursorOpen(s.Pointer, args.Length, p.Pointer, &portal));
        return new Cursor(portal);
    }

    internal sealed class Cursor(nint portal) : IDisposable
    {
        private nint _portal = portal;

        /// <summary>
        /// Fetches up to <paramref name="maxRows"/> rows, each column decoded by the shim as described (numbers and
        /// flattened arrays straight into the row-major buffers; NULL becomes NaN; text is read with <see cref="Text"/>).
        /// </summary>
        public long Fetch(long maxRows, ReadOnlySpan<PgmlColumn> columns, int featureWidth, float* features, int labelWidth, float* labels)
        {
            long fetched;
            fixed (PgmlColumn* c = columns)
                Pg.Check(Pg.Callbacks.CursorFetch(_portal, maxRows, columns.Length, c, featureWidth, features, labelWidth, labels, &fetched));
            return fetched;
        }

        /// <summary>A text value of the last fetched batch as UTF-8 bytes (valid until the next fetch); false for NULL.</summary>
        public bool Text(long row, int column, out ReadOnlySpan<byte> value)
        {
            byte* data;
            int length, isNull;
            Pg.Check(Pg.Callbacks.CursorText(row, column, &data, &length, &isNull));
            value = isNull != 0 ? default : new ReadOnlySpan<byte>(data, length);
            return isNull == 0;
        }

        public void Dispose()
        {
            // After a PostgreSQL error the portal is closed by the transaction's abort; do not touch it.
            if (_portal != 0)
            {
                nint p = _portal;
                _portal = 0;
                Pg.Callbacks.CursorClose(p);
            }
        }
    }

    /// <summary>Parameters marshalled to native memory for one callback.</summary>
    private readonly struct NativeParams : IDisposable
    {
        public readonly PgmlParam* Pointer;
        private readonly bool[] _owned;   // allocated here (text, empty bytea), freed by Dispose

        public NativeParams(SqlArg[] args)
        {
            _owned = new bool[args.Length];
            Pointer = (PgmlParam*)System.Runtime.InteropServices.NativeMemory.AllocZeroed((nuint)Math.Max(1, args.Length), (nuint)sizeof(PgmlParam));
            for (int i = 0; i < args.Length; i++)
            {
                Pointer[i].TypeOid = args[i].Type;
                Pointer[i].Length = -1;
                if (args[i].IsBytea)
                {
                    // borrowed; an empty value still needs a non-NULL pointer (NULL means SQL NULL to the shim)
                    _owned[i] = args[i].Length == 0;
                    Pointer[i].Value = _owned[i] ? (byte*)System.Runtime.InteropServices.NativeMemory.Alloc(1) : args[i].Bytes;
                    Pointer[i].Length = args[i].Length;
                }
                else if (args[i].Text is { } t)
                {
                    Pointer[i].Value = new Utf8String(t).Pointer;
                    _owned[i] = true;
                }
            }
        }

        public void Dispose()
        {
            for (int i = 0; i < _owned.Length; i++)
                if (_owned[i]) System.Runtime.InteropServices.NativeMemory.Free(Pointer[i].Value);
            System.Runtime.InteropServices.NativeMemory.Free(Pointer);
        }
    }
}
