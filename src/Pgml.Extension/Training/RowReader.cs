using Pgml.Engine.Data;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Training;

/// <summary>
/// Reads a relation through a cursor in batches, straight into native float32 buffers: the shim decodes each datum
/// into the buffer, so no managed object is created per row. NULL becomes NaN (a missing value).
/// </summary>
internal static unsafe class RowReader
{
    private const int BatchRows = 8192;

    public static (NativeMatrix Features, NativeMatrix Labels) Read(Relation relation, Column label, IReadOnlyList<Column> features)
    {
        string sql = $"SELECT {label.Quoted}, {string.Join(", ", features.Select(f => f.Quoted))} FROM {relation.QualifiedName}";
        var x = new NativeMatrix(features.Count, BatchRows);
        var y = new NativeMatrix(1, BatchRows);
        try
        {
            using var cursor = Spi.Open(sql);
            while (true)
            {
                float* xs = x.Reserve(BatchRows);
                float* ys = y.Reserve(BatchRows);
                long got = cursor.Fetch(BatchRows, 1, ys, features.Count, xs);
                x.Commit(got);
                y.Commit(got);
                if (got < BatchRows) break;
                Pg.CheckForInterrupts();
            }
            return (x, y);
        }
        catch
        {
            x.Dispose();
            y.Dispose();
            throw;
        }
    }
}
