using System.Runtime.InteropServices;

namespace Pgml.Extension.Interop;

// Mirrors extension/src/pgml_abi.h field by field. Change both together and bump AbiVersion.

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PgmlError
{
    public fixed byte SqlState[8];
    public fixed byte Message[2048];
    public fixed byte Detail[2048];
    public fixed byte Hint[2048];
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PgmlParam
{
    public uint TypeOid;
    public int Length;
    public byte* Value;
}

internal enum ElemType
{
    Float4 = 0,
    Float8 = 1,
    Int2 = 2,
    Int4 = 3,
    Int8 = 4,
    Bool = 5,
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PgmlCallbacks
{
    public const int AbiVersion = 1;

    public int Version;
    public delegate* unmanaged<int> CheckInterrupts;
    public delegate* unmanaged<int, byte*, int> Log;
    public delegate* unmanaged<byte*, int, PgmlParam*, int, long, long*, int> SpiExecute;
    public delegate* unmanaged<long, int, byte**, int*, int*, int> SpiValue;
    public delegate* unmanaged<byte*, int, PgmlParam*, nint*, int> CursorOpen;
    public delegate* unmanaged<nint, long, int, float*, int, float*, long*, int> CursorFetch;
    public delegate* unmanaged<nint, int> CursorClose;
    public delegate* unmanaged<int, byte**, int> EmitRow;
    public delegate* unmanaged<int> WatchDeployments;
    public ulong* DeployGeneration;
    public PgmlError* Error;
}

/// <summary>PostgreSQL type OIDs used for query parameters (pg_type.dat; stable across versions).</summary>
internal static class TypeOid
{
    public const uint Bool = 16;
    public const uint Bytea = 17;
    public const uint Int8 = 20;
    public const uint Int4 = 23;
    public const uint Text = 25;
    public const uint Float4 = 700;
    public const uint Float8 = 701;
    public const uint Jsonb = 3802;
}
