namespace Pgml.Extension.Interop;

/// <summary>
/// The PostgreSQL type OIDs pgml names: query parameters and the column types training reads (pg_type.dat; built-in
/// OIDs are stable across versions).
/// </summary>
internal static class TypeOid
{
    public const uint Bool = 16;
    public const uint Bytea = 17;
    public const uint Int8 = 20;
    public const uint Int2 = 21;
    public const uint Int4 = 23;
    public const uint Text = 25;
    public const uint Float4 = 700;
    public const uint Float8 = 701;
    public const uint Bpchar = 1042;
    public const uint Varchar = 1043;
    public const uint Numeric = 1700;
    public const uint Jsonb = 3802;

    // array types, for the unnest parameters of load_dataset's inserts
    public const uint BoolArray = 1000;
    public const uint Int2Array = 1005;
    public const uint Int4Array = 1007;
    public const uint TextArray = 1009;
    public const uint Int8Array = 1016;
    public const uint Float4Array = 1021;
    public const uint Float8Array = 1022;
}
