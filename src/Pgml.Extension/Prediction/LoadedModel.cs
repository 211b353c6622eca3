using Pgml.Engine.Models;
using Pgml.Engine.Trees;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Prediction;

/// <summary>
/// A deployed model ready to evaluate: the parsed trees plus scratch buffers allocated once, so that a prediction
/// allocates nothing on the managed heap.
/// </summary>
internal sealed unsafe class LoadedModel
{
    private readonly TreeEnsemble _trees;
    private readonly float[] _features;
    private readonly float[] _outputs;
    private readonly float[] _classValues;
    private readonly float _binaryThreshold;

    public LoadedModel(long id, ModelMetadata metadata, TreeEnsemble trees)
    {
        if (trees.NumFeatures > metadata.NumFeatures)
            throw new Engine.ModelFormatException(
                $"model {id} uses {trees.NumFeatures} features but its metadata lists {metadata.NumFeatures}");
        Id = id;
        Metadata = metadata;
        _trees = trees;
        _features = new float[metadata.NumFeatures];
        _outputs = new float[Math.Max(1, trees.NumOutputs)];
        _classValues = metadata.Classes.Select(c => (float)c).ToArray();
        // Objectives that output margins (logitraw, hinge) split classes at 0, probabilities at 0.5.
        _binaryThreshold = trees.Objective is "binary:logitraw" or "binary:hinge" ? 0f : 0.5f;
    }

    public long Id { get; }
    public ModelMetadata Metadata { get; }
    public int NumFeatures => _features.Length;

    public float Predict(ElemType type, void* data, int n, byte* nulls)
    {
        if (n != _features.Length)
            throw new PgmlException(SqlState.ArraySubscriptError,
                $"model {Id} expects {_features.Length} features, but the array has {n}",
                $"Pass the features in the order of the training columns: {FeatureList()}.");
        ReadOnlySpan<float> x = type == ElemType.Float4 && nulls == null
            ? new ReadOnlySpan<float>(data, n)   // read the array in place: no copy
            : Convert(type, data, n, nulls);
        _trees.Predict(x, _outputs);
        if (Metadata.Task == TaskKind.Regression)
            return _outputs[0];
        int cls;
        if (_outputs.Length == 1)
            cls = _outputs[0] > _binaryThreshold ? 1 : 0;
        else
        {
            cls = 0;
            for (int k = 1; k < _outputs.Length; k++)
                if (_outputs[k] > _outputs[cls]) cls = k;
        }
        return _classValues[cls];
    }

    private Span<float> Convert(ElemType type, void* data, int n, byte* nulls)
    {
        var x = _features.AsSpan(0, n);
        for (int i = 0; i < n; i++)
        {
            // PostgreSQL's null bitmap: bit set = value present; NULL elements take no space in the data.
            if (nulls != null && (nulls[i >> 3] & (1 << (i & 7))) == 0)
            {
                x[i] = float.NaN;
                continue;
            }
            switch (type)
            {
                case ElemType.Float4: x[i] = *(float*)data; data = (float*)data + 1; break;
                case ElemType.Float8: x[i] = (float)*(double*)data; data = (double*)data + 1; break;
                case ElemType.Int2: x[i] = *(short*)data; data = (short*)data + 1; break;
                case ElemType.Int4: x[i] = *(int*)data; data = (int*)data + 1; break;
                case ElemType.Int8: x[i] = *(long*)data; data = (long*)data + 1; break;
                case ElemType.Bool: x[i] = *(byte*)data != 0 ? 1f : 0f; data = (byte*)data + 1; break;
                default: throw new PgmlException(SqlState.DatatypeMismatch, $"unsupported feature element type {type}");
            }
        }
        return x;
    }

    private string FeatureList()
    {
        var names = Metadata.FeatureNames;
        return names.Count <= 20 ? string.Join(", ", names) : string.Join(", ", names.Take(20)) + $", ... ({names.Count} in all)";
    }
}
