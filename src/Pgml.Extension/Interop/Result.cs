namespace Pgml.Extension.Interop;

/// <summary>Emits one result row (text form) to the SQL caller.</summary>
internal static unsafe class Result
{
    public static void Row(params string?[] values)
    {
        var handles = new Utf8String[values.Length];
        byte** ptrs = stackalloc byte*[Math.Max(1, values.Length)];
        try
        {
            for (int i = 0; i < values.Length; i++)
            {
                handles[i] = new Utf8String(values[i]);
                ptrs[i] = handles[i].Pointer;
            }
            Pg.Check(Pg.Callbacks.EmitRow(values.Length, ptrs));
        }
        finally
        {
            foreach (var h in handles) h.Dispose();
        }
    }
}
