using System.Globalization;
using System.Text;
using Pgml.Engine.Models;
using Pgml.Engine.Trees;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Prediction;

/// <summary>
/// A deployed model ready to evaluate: the parsed trees (one ensemble per target) plus buffers allocated once, so a
/// prediction allocates nothing on the managed heap. Output buffers are pinned: the shim reads them after the
/// managed call has returned.
/// </summary>
internal sealed unsafe class LoadedModel
{
    private readonly TreeEnsemble[] _targets;
    private readonly FeatureEncoder _encoder;
    private readonly float[] _features;
    private readonly float[] _outputs;
    private float[] _results;
    private readonly byte[][] _labels;
    private readonly float _binaryThreshold;

    public LoadedModel(long id, ModelMetadata metadata, TreeEnsemble[] targets, FeatureEncoder encoder)
    {
        if (targets.Length != metadata.Targets.Count)
            throw new Engine.ModelFormatException($"model {id} has {targets.Length} estimators for {metadata.Targets.Count} targets");
        foreach (var t in targets)
            if (t.NumFeatures > encoder.OutputWidth)
                throw new Engine.ModelFormatException($"model {id} uses {t.NumFeatures} features but produces {encoder.OutputWidth}");
        Id = id;
        Metadata = metadata;
        _targets = targets;
        _encoder = encoder;
        _features = new float[Math.Max(1, encoder.OutputWidth)];
        int width = Math.Max(targets.Length, targets.Max(t => t.NumOutputs));
        _outputs = new float[Math.Max(2, width)];
        _results = GC.AllocateArray<float>(Math.Max(2, width), pinned: true);
        _labels = LabelBytes(metadata);
        // Objectives that output margins (logitraw) split classes at 0, probabilities (and hinge's 0/1) at 0.5.
        _binaryThreshold = targets[0].Objective == "binary:logitraw" ? 0f : 0.5f;
    }

    public long Id { get; }
    public ModelMetadata Metadata { get; }
    private bool IsClassification => Metadata.Task == TaskKind.Classification;

    /// <summary>Runs one predict call; <paramref name="result"/> points into a pinned buffer valid until the next call.</summary>
    public int Predict(PredictMode mode, PgmlInput* input, out float* result, out byte* label, out int labelLength)
    {
        label = null;
        labelLength = 0;
        switch (mode)
        {
            case PredictMode.Value:
                _results[0] = Value(_encoder.Encode(input, Id, _features));
                return Done(1, out result);
            case PredictMode.Joint:
            {
                var x = _encoder.Encode(input, Id, _features);
                if (IsClassification)
                    throw new PgmlException(SqlState.WrongObjectType, $"model {Id} is a classification model: predict_joint is for regression",
                        "Use pgml.predict or pgml.predict_proba.");
                for (int t = 0; t < _targets.Length; t++)
                {
                    _targets[t].Predict(x, _outputs);
                    _results[t] = _outputs[0];
                }
                return Done(_targets.Length, out result);
            }
            case PredictMode.Proba:
            {
                if (!IsClassification)
                    throw new PgmlException(SqlState.WrongObjectType, $"model {Id} is a regression model: it has no class probabilities",
                        "Use pgml.predict.");
                var x = _encoder.Encode(input, Id, _features);
                _targets[0].Predict(x, _outputs);
                if (_targets[0].NumOutputs == 1)
                {
                    // binary: XGBoost gives P(class 1) (logitraw: a margin, turned into one); both, in class order
                    float p1 = _binaryThreshold == 0f ? 1f / (1f + MathF.Exp(-_outputs[0])) : _outputs[0];
                    _results[0] = 1 - p1;
                    _results[1] = p1;
                    return Done(2, out result);
                }
                _outputs.AsSpan(0, _targets[0].NumOutputs).CopyTo(_results);
                return Done(_targets[0].NumOutputs, out result);
            }
            case PredictMode.Batch:
                return Batch(input, out result);
            case PredictMode.Label:
            {
                if (!IsClassification)
                    throw new PgmlException(SqlState.WrongObjectType, $"model {Id} is a regression model: it predicts numbers, not labels",
                        "Use pgml.predict.");
                int cls = ClassIndex(_encoder.Encode(input, Id, _features));
                label = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _labels[cls][0]);   // pinned
                labelLength = _labels[cls].Length - 1;
                result = null;
                return 0;
            }
            default:
                throw new PgmlException(SqlState.FeatureNotSupported, $"unknown prediction mode {mode}");
        }
    }

    /// <summary>predict's answer: the value for regression, the label's value (or class index for text) for classification.</summary>
    private float Value(ReadOnlySpan<float> x)
    {
        if (!IsClassification)
        {
            _targets[0].Predict(x, _outputs);
            return _outputs[0];
        }
        int cls = ClassIndex(x);
        // Text labels: PostgresML returns the class index; predict_label gives the text.
        return Metadata.ClassLabels is null ? (float)Metadata.Classes[cls] : cls;
    }

    private int ClassIndex(ReadOnlySpan<float> x)
    {
        _targets[0].Predict(x, _outputs);
        if (_targets[0].NumOutputs == 1)
            return _outputs[0] > _binaryThreshold ? 1 : 0;
        int best = 0;
        for (int k = 1; k < _targets[0].NumOutputs; k++)
            if (_outputs[k] > _outputs[best]) best = k;
        return best;
    }

    /// <summary>predict_batch: the array holds whole rows one after another; one answer per row.</summary>
    private int Batch(PgmlInput* input, out float* result)
    {
        if (input->IsRow != 0)
            throw new PgmlException(SqlState.DatatypeMismatch, "pgml.predict_batch takes an array of rows, not a row",
                "Concatenate the rows' features into one array, e.g. array_agg over ARRAY[...] flattened, or call pgml.predict per row.");
        int width = _encoder.InputWidth;
        if (input->N % width != 0)
            throw new PgmlException(SqlState.ArraySubscriptError,
                $"model {Id} expects rows of {width} features, but the batch has {input->N} values, which is not a multiple of {width}",
                "Pass whole rows, concatenated in the order of the training columns.");
        int rows = input->N / width;
        if (_results.Length < rows)
            _results = GC.AllocateArray<float>(Math.Max(rows, _results.Length * 2), pinned: true);
        for (int r = 0; r < rows; r++)
            _results[r] = Value(_encoder.EncodeArraySlice(input, r * width, width, Id, _features));
        return Done(rows, out result);
    }

    private int Done(int n, out float* result)
    {
        result = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _results[0]);
        return n;
    }

    /// <summary>Each class's label as NUL-terminated UTF-8: text labels as they were, numbers and booleans formatted.</summary>
    private static byte[][] LabelBytes(ModelMetadata m)
    {
        var labels = new byte[m.Classes.Count][];
        for (int i = 0; i < labels.Length; i++)
        {
            string s = m.ClassLabels?[i]
                ?? (m.LabelType == "boolean" ? (m.Classes[i] != 0 ? "true" : "false")
                    : ((float)m.Classes[i]).ToString("R", CultureInfo.InvariantCulture));   // labels were read as float32: 0.7, not 0.699999988
            labels[i] = GC.AllocateArray<byte>(Encoding.UTF8.GetByteCount(s) + 1, pinned: true);
            Encoding.UTF8.GetBytes(s, labels[i]);
        }
        return labels;
    }
}
