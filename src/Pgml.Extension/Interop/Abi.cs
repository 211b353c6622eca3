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

internal enum ValueKind
{
    Null = 0,
    Number = 1,
    Text = 2,
    Array = 3,
}

/// <summary>One attribute of a row handed to predict.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PgmlValue
{
    public ValueKind Kind;
    public ElemType ElemType;
    public double Number;
    public void* Data;
    public int Length;
    public byte* Nulls;
}

/// <summary>The features of one predict call: an array read in place, or a row's attributes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PgmlInput
{
    public int IsRow;
    public ElemType ElemType;
    public void* Data;
    public int N;
    public byte* Nulls;
    public PgmlValue* Values;
}

/// <summary>One vector of a vector function, read in place (PgmlVector): float4 or float8 elements.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PgmlVector
{
    public ElemType ElemType;
    public int N;
    public void* Data;
}

internal enum PredictMode
{
    Value = 0,
    Proba = 1,
    Batch = 2,
    Joint = 3,
    Label = 4,
    Decompose = 5,
}

internal enum ColumnKind
{
    Number = 0,
    Array = 1,
    Text = 2,
}

/// <summary>How the shim decodes one column of a training query.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PgmlColumn
{
    public ColumnKind Kind;
    public int ToLabels;
    public int Offset;
    public int Width;
    public byte* Name;
}

/// <summary>
/// The callback table the shim hands over at load. Its first three fields (version, size, error) sit at the same
/// offsets in every ABI version from 3 on, so a mismatch of either version or size can be reported (Pg.Init).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PgmlCallbacks
{
    public const int AbiVersion = 5;

    /// <summary>The first ABI version with the stable prefix (version, size, error).</summary>
    public const int FirstVersionWithPrefix = 3;

    public int Version;
    public int Size;
    public PgmlError* Error;
    public delegate* unmanaged<int> CheckInterrupts;
    public delegate* unmanaged<int, byte*, int> Log;
    public delegate* unmanaged<byte*, int, PgmlParam*, long, long*, int> SpiExecute;
    public delegate* unmanaged<long, int, byte**, int*, int*, int> SpiValue;
    public delegate* unmanaged<byte*, int, PgmlParam*, nint*, int> CursorOpen;
    public delegate* unmanaged<nint, long, int, PgmlColumn*, int, float*, int, float*, long*, int> CursorFetch;
    public delegate* unmanaged<long, int, byte**, int*, int*, int> CursorText;
    public delegate* unmanaged<nint, int> CursorClose;
    public delegate* unmanaged<int, byte**, int> EmitRow;
    public delegate* unmanaged<int> WatchDeployments;
    public ulong* DeployGeneration;
    public uint* CurrentUser;
}

/// <summary>What a callback returns (pgml_abi.h): 0 ok, or one of these.</summary>
internal static class CallbackStatus
{
    /// <summary>A PostgreSQL error was caught and is pending on the C side.</summary>
    public const int PostgresError = -1;

    /// <summary>Refused: called from a thread other than the backend's main one; PostgreSQL was not touched.</summary>
    public const int WrongThread = -2;
}
