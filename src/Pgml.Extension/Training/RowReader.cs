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
        // Sized from the planner's estimate (plus a margin) so that a large table is not grown by doubling, which
        // would briefly hold two copies; the estimate only sizes the buffer, growth still handles any count.
        long initial = Math.Max(BatchRows, relation.EstimatedRows + relation.EstimatedRows / 20 + BatchRows);
        var x = new NativeMatrix(features.Count, initial);
        var y = new NativeMatrix(1, initial);
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
