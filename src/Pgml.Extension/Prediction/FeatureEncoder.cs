using Pgml.Engine.Models;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Prediction;

/// <summary>The model's preprocessing as prediction needs it: text to category ids, then impute/encode/scale.</summary>
internal interface IFeatureTransform
{
    int OutputWidth { get; }
    float EncodeText(int position, ReadOnlySpan<byte> utf8);
    void Transform(ReadOnlySpan<float> encoded, Span<float> output);
}

/// <summary>
/// Turns a predict call's input (an array read in place, or a row's attributes) into the model's features, without
/// allocating: the raw positions of the training columns (numbers, array elements, text as category ids), then the
/// stored preprocessing when there is any. Errors name what was expected.
/// </summary>
internal sealed unsafe class FeatureEncoder
{
    private readonly ModelMetadata _metadata;
    private readonly IFeatureTransform? _transform;
    private readonly float[] _raw;
    private readonly int[] _offsets;

    public FeatureEncoder(ModelMetadata metadata, IFeatureTransform? transform)
    {
        _metadata = metadata;
        _transform = transform;
        InputWidth = metadata.NumFeatures;
        _raw = new float[Math.Max(1, InputWidth)];
        _offsets = new int[metadata.Columns.Count];
        for (int c = 0, o = 0; c < _offsets.Length; o += metadata.Columns[c].Width, c++) _offsets[c] = o;
        if (metadata.HasText && transform is null)
            throw new Engine.ModelFormatException("the model has text features but no stored preprocessing");
    }

    /// <summary>Raw positions a row or array supplies.</summary>
    public int InputWidth { get; }

    /// <summary>Features the trees read.</summary>
    public int OutputWidth => _transform?.OutputWidth ?? InputWidth;

    public ReadOnlySpan<float> Encode(PgmlInput* input, long modelId, float[] features) =>
        input->IsRow != 0 ? EncodeRow(input, modelId, features) : EncodeArraySlice(input, 0, input->N, modelId, features);

    /// <summary>Features from elements [start, start + n) of an array input.</summary>
    public ReadOnlySpan<float> EncodeArraySlice(PgmlInput* input, int start, int n, long modelId, float[] features)
    {
        if (_metadata.HasText)
            throw new PgmlException(SqlState.DatatypeMismatch,
                $"model {modelId} has text features ({string.Join(", ", _metadata.Columns.Where(c => c.Kind == FeatureColumnKind.Text).Select(c => c.Name))}), which an array of numbers cannot carry",
                "Pass a row instead, in the order of the training columns: pgml.predict('project', (a, b, c)).");
        if (n != InputWidth)
            throw new PgmlException(SqlState.ArraySubscriptError,
                $"model {modelId} expects {InputWidth} features, but the array has {n}",
                $"Pass the features in the order of the training columns: {FeatureList()}.");
        if (_transform is null && input->ElemType == ElemType.Float4 && input->Nulls == null)
            return new ReadOnlySpan<float>((float*)input->Data + start, n);   // read the array in place: no copy
        var raw = _transform is null ? features.AsSpan(0, n) : _raw.AsSpan(0, n);
        Numbers.Convert(input->ElemType, input->Data, input->Nulls, start, raw);
        return Finish(raw, features);
    }

    private ReadOnlySpan<float> EncodeRow(PgmlInput* input, long modelId, float[] features)
    {
        var columns = _metadata.Columns;
        if (input->N != columns.Count)
            throw new PgmlException(SqlState.DatatypeMismatch,
                $"model {modelId} was trained on {columns.Count} columns, but the row has {input->N} values",
                $"Pass a row with the training columns in order: ({string.Join(", ", columns.Select(c => c.Name))}).");
        var raw = _transform is null ? features.AsSpan(0, InputWidth) : _raw.AsSpan(0, InputWidth);
        for (int c = 0; c < columns.Count; c++)
        {
            PgmlValue* v = &input->Values[c];
            var col = columns[c];
            int o = _offsets[c];
            if (v->Kind == ValueKind.Null)
            {
                raw.Slice(o, col.Width).Fill(float.NaN);
                continue;
            }
            switch (col.Kind)
            {
                case FeatureColumnKind.Number when v->Kind == ValueKind.Number:
                    raw[o] = (float)v->Number;
                    break;
                case FeatureColumnKind.Text when v->Kind == ValueKind.Text:
                    raw[o] = _transform!.EncodeText(o, new ReadOnlySpan<byte>(v->Data, v->Length));
                    break;
                case FeatureColumnKind.Array when v->Kind == ValueKind.Array:
                    if (v->Length != col.Width)
                        throw new PgmlException(SqlState.ArraySubscriptError,
                            $"column \"{col.Name}\" of model {modelId} is an array of {col.Width} elements, but the row's has {v->Length}",
                            "Pass arrays of the training size.");
                    Numbers.Convert(v->ElemType, v->Data, v->Nulls, 0, raw.Slice(o, col.Width));
                    break;
                default:
                    throw new PgmlException(SqlState.DatatypeMismatch,
                        $"value {c + 1} of the row is {Describe(v->Kind)}, but column \"{col.Name}\" of model {modelId} is {Describe(col.Kind)} ({col.PgType})",
                        $"Pass the training columns in order: ({string.Join(", ", columns.Select(x => x.Name))}); cast values if needed.");
            }
        }
        return Finish(raw, features);
    }

    private ReadOnlySpan<float> Finish(Span<float> raw, float[] features)
    {
        if (_transform is null) return raw;
        var output = features.AsSpan(0, _transform.OutputWidth);
        _transform.Transform(raw, output);
        return output;
    }

    private static string Describe(ValueKind k) => k switch
    {
        ValueKind.Number => "a number",
        ValueKind.Text => "text",
        ValueKind.Array => "an array",
        _ => "NULL",
    };

    private static string Describe(FeatureColumnKind k) => k switch
    {
        FeatureColumnKind.Number => "a number",
        FeatureColumnKind.Text => "text",
        _ => "an array",
    };

    private string FeatureList()
    {
        var names = _metadata.FeatureNames;
        return names.Count <= 20 ? string.Join(", ", names) : string.Join(", ", names.Take(20)) + $", ... ({names.Count} in all)";
    }
}

/// <summary>PostgreSQL array elements (read in place) as float32 features; NULL elements are NaN.</summary>
internal static unsafe class Numbers
{
    public static void Convert(ElemType type, void* data, byte* nulls, int start, Span<float> into)
    {
        // With a null bitmap, NULL elements take no space in the data: walk from the first element.
        int skip = start;
        byte* p = (byte*)data;
        int size = type switch
        {
            ElemType.Float4 or ElemType.Int4 => 4,
            ElemType.Float8 or ElemType.Int8 => 8,
            ElemType.Int2 => 2,
            ElemType.Bool => 1,
            _ => throw new PgmlException(SqlState.DatatypeMismatch, $"unsupported feature element type {type}"),
        };
        if (nulls == null)
            p += (long)skip * size;
        else
            for (int i = 0; i < skip; i++)
                if ((nulls[i >> 3] & (1 << (i & 7))) != 0) p += size;
        for (int j = 0; j < into.Length; j++)
        {
            int i = start + j;
            if (nulls != null && (nulls[i >> 3] & (1 << (i & 7))) == 0)
            {
                into[j] = float.NaN;
                continue;
            }
            into[j] = type switch
            {
                ElemType.Float4 => *(float*)p,
                ElemType.Float8 => (float)*(double*)p,
                ElemType.Int2 => *(short*)p,
                ElemType.Int4 => *(int*)p,
                ElemType.Int8 => *(long*)p,
                _ => *p != 0 ? 1f : 0f,
            };
            p += size;
        }
    }
}
