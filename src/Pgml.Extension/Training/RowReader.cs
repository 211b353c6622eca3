using Pgml.Engine.Data;
using Pgml.Engine.Preprocessing;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Training;

/// <summary>
/// Reads a relation through a cursor in batches, straight into native float32 buffers: the shim decodes numbers and
/// numeric arrays into the buffers, so no managed object is created per row. NULL becomes NaN (a missing value).
/// Text values are read per cell and replaced by their code in a per-column vocabulary (no allocation per row
/// once a value has been seen).
/// </summary>
internal static unsafe class RowReader
{
    private const int BatchRows = 8192;

    public static TrainingData Read(Relation relation, IReadOnlyList<Column> labels, IReadOnlyList<Column> features)
    {
        var featureLayout = Layout(relation, features);
        var labelLayout = Layout(relation, labels);
        int featureWidth = featureLayout.Sum(f => f.Width);
        int labelWidth = labelLayout.Sum(f => f.Width);
        var all = labelLayout.Select(l => (l, true)).Concat(featureLayout.Select(f => (f, false))).ToArray();
        string sql = $"SELECT {string.Join(", ", all.Select(c => c.Item1.Column.Quoted))} FROM {relation.QualifiedName}";

        var names = all.Select(c => new Utf8String(c.Item1.Column.Name)).ToArray();
        var columns = new PgmlColumn[all.Length];
        for (int i = 0; i < all.Length; i++)
            columns[i] = new PgmlColumn
            {
                Kind = all[i].Item1.Kind, ToLabels = all[i].Item2 ? 1 : 0, Offset = all[i].Item1.Offset,
                Width = all[i].Item1.Width, Name = names[i].Pointer,
            };
        // Sized from the planner's estimate (plus a margin) so that a large table is not grown by doubling, which
        // would briefly hold two copies; the estimate only sizes the buffer, growth still handles any count.
        long initial = Math.Max(BatchRows, relation.EstimatedRows + relation.EstimatedRows / 20 + BatchRows);
        var data = new TrainingData(featureLayout, labelLayout, new NativeMatrix(featureWidth, initial), new NativeMatrix(labelWidth, initial));
        try
        {
            using var cursor = Spi.Open(sql);
            while (true)
            {
                float* xs = data.Features.Reserve(BatchRows);
                float* ys = data.Labels.Reserve(BatchRows);
                long got = cursor.Fetch(BatchRows, columns, featureWidth, xs, labelWidth, ys);
                ReadText(cursor, all, got, xs, featureWidth, ys, labelWidth, data);
                data.Features.Commit(got);
                data.Labels.Commit(got);
                if (got < BatchRows) break;
                Pg.CheckForInterrupts();
            }
            return data;
        }
        catch
        {
            data.Dispose();
            throw;
        }
        finally
        {
            foreach (var n in names) n.Dispose();
        }
    }

    private static void ReadText(Spi.Cursor cursor, (FeatureColumn Column, bool IsLabel)[] all, long rows, float* xs, int featureWidth,
        float* ys, int labelWidth, TrainingData data)
    {
        for (int c = 0; c < all.Length; c++)
        {
            var (col, isLabel) = all[c];
            if (col.Kind != ColumnKind.Text) continue;
            var vocabulary = data.Vocabulary(col, isLabel);
            float* baseRow = isLabel ? ys : xs;
            int stride = isLabel ? labelWidth : featureWidth;
            for (long r = 0; r < rows; r++)
                baseRow[r * stride + col.Offset] = cursor.Text(r, c, out var value) ? vocabulary.GetOrAdd(value) : float.NaN;
        }
    }

    /// <summary>Where each column's values go in a row: one float for numbers and text codes, n for arrays.</summary>
    private static List<FeatureColumn> Layout(Relation relation, IReadOnlyList<Column> columns)
    {
        var layout = new List<FeatureColumn>(columns.Count);
        int offset = 0;
        foreach (var c in columns)
        {
            var kind = c.IsNumericArray ? ColumnKind.Array : c.IsText ? ColumnKind.Text : ColumnKind.Number;
            int width = kind == ColumnKind.Array ? ArrayWidth(relation, c) : 1;
            layout.Add(new FeatureColumn(c, kind, offset, width));
            offset += width;
        }
        return layout;
    }

    /// <summary>The element count of an array column, from its first non-NULL row (every row must match it).</summary>
    private static int ArrayWidth(Relation relation, Column c)
    {
        Spi.Query($"SELECT cardinality({c.Quoted}) FROM {relation.QualifiedName} WHERE {c.Quoted} IS NOT NULL LIMIT 1", 1);
        long? n = Spi.Int64(0, 1);
        if (n is null or 0)
            throw new PgmlException(SqlState.DataException, $"array column \"{c.Name}\" has no non-empty value to learn its size from",
                "Fill the column, or exclude it in a VIEW.");
        return checked((int)n.Value);
    }
}

/// <summary>A column of the training query and where its values sit in a row of the buffers.</summary>
internal sealed record FeatureColumn(Column Column, ColumnKind Kind, int Offset, int Width);

/// <summary>The rows read for training: raw features and labels in native memory, plus the text vocabularies.</summary>
internal sealed class TrainingData(IReadOnlyList<FeatureColumn> features, IReadOnlyList<FeatureColumn> labels, NativeMatrix x, NativeMatrix y) : IDisposable
{
    private readonly Dictionary<(string, bool), Utf8Vocabulary> _vocabularies = new();

    public IReadOnlyList<FeatureColumn> FeatureColumns { get; } = features;
    public IReadOnlyList<FeatureColumn> LabelColumns { get; } = labels;
    public NativeMatrix Features { get; } = x;
    public NativeMatrix Labels { get; } = y;

    /// <summary>The name of the training column that feature index <paramref name="i"/> comes from.</summary>
    public string ColumnOfFeature(int i) => FeatureColumns.Last(c => c.Offset <= i).Column.Name;

    public Utf8Vocabulary Vocabulary(FeatureColumn column, bool isLabel)
    {
        if (!_vocabularies.TryGetValue((column.Column.Name, isLabel), out var v))
            _vocabularies[(column.Column.Name, isLabel)] = v = new Utf8Vocabulary();
        return v;
    }

    public Utf8Vocabulary? VocabularyOrNull(FeatureColumn column, bool isLabel) =>
        _vocabularies.GetValueOrDefault((column.Column.Name, isLabel));

    public void Dispose()
    {
        Features.Dispose();
        Labels.Dispose();
    }
}
