using System.Globalization;
using System.Text;
using Pgml.Engine;
using Pgml.Engine.Models;
using Pgml.Engine.Algorithms;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Prediction;

/// <summary>
/// A deployed model ready to evaluate: its predictors (one per target) plus buffers allocated once, so a prediction
/// allocates nothing on the managed heap. Output buffers are pinned: the shim reads them after the
/// managed call has returned.
/// </summary>
internal sealed unsafe class LoadedModel
{
    private readonly IPredictor[] _targets;
    private readonly IPredictor _first;
    private readonly FeatureEncoder _encoder;
    private readonly float[] _features;
    private readonly float[] _outputs;
    private float[] _results;
    private readonly byte[][] _labels;
    private readonly bool _refusesMissing;

    /// <param name="acceptsMissing">False for algorithms that cannot evaluate a NaN feature: a missing value is then an error.</param>
    public LoadedModel(long id, ModelMetadata metadata, IPredictor[] targets, FeatureEncoder encoder, bool acceptsMissing)
    {
        if (targets.Length != Math.Max(1, metadata.Targets.Count))
            throw new Engine.ModelFormatException($"model {id} has {targets.Length} estimators for {metadata.Targets.Count} targets");
        foreach (var t in targets)
            if (t.NumFeatures > encoder.OutputWidth)
                throw new Engine.ModelFormatException($"model {id} uses {t.NumFeatures} features but produces {encoder.OutputWidth}");
        Id = id;
        Metadata = metadata;
        _targets = targets;
        _first = targets[0];
        if (metadata.Task == TaskKind.Classification && _first.NumOutputs != metadata.Classes.Count)
            throw new Engine.ModelFormatException($"model {id} predicts {_first.NumOutputs} classes, its metadata lists {metadata.Classes.Count}");
        _encoder = encoder;
        _refusesMissing = !acceptsMissing;
        _features = new float[Math.Max(1, encoder.OutputWidth)];
        int width = Math.Max(targets.Length, targets.Max(t => t.NumOutputs));
        _outputs = new float[Math.Max(2, width)];
        _results = GC.AllocateArray<float>(Math.Max(2, width), pinned: true);
        _labels = LabelBytes(metadata);
    }

    public long Id { get; }

    /// <summary>The role (OID) this model was last found visible to; ModelCache checks again for any other.</summary>
    public uint CheckedFor { get; set; }
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
                _results[0] = Value(Encode(input));
                return Done(1, out result);
            case PredictMode.Joint:
            {
                if (Metadata.Task != TaskKind.Regression)
                    throw WrongTask("predict_joint is for regression models", "Use pgml.predict.");
                var x = Encode(input);
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
                    throw WrongTask("it has no class probabilities", "Use pgml.predict.");
                if (_first.Kind != PredictionKind.Probabilities)
                    throw new PgmlException(SqlState.FeatureNotSupported,
                        $"model {Id} ({Metadata.Algorithm}) computes decision scores, not class probabilities",
                        "Use pgml.predict or pgml.predict_label for the class, or train with an algorithm that gives probabilities " +
                        $"({string.Join(", ", Engine.Algorithms.AlgorithmRegistry.WithProbabilities)}).");
                _first.Predict(Encode(input), _results);
                return Done(_first.NumOutputs, out result);
            }
            case PredictMode.Decompose:
            {
                if (Metadata.Task != TaskKind.Decomposition)
                    throw WrongTask("pgml.decompose is for decomposition models", "Use pgml.predict.");
                _first.Predict(Encode(input), _results);
                return Done(_first.NumOutputs, out result);
            }
            case PredictMode.Batch:
                return Batch(input, out result);
            case PredictMode.Label:
            {
                if (!IsClassification)
                    throw WrongTask("it predicts numbers, not labels", "Use pgml.predict.");
                int cls = ArgMax(Encode(input));
                label = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _labels[cls][0]);   // pinned
                labelLength = _labels[cls].Length - 1;
                result = null;
                return 0;
            }
            default:
                throw new PgmlException(SqlState.FeatureNotSupported, $"unknown prediction mode {mode}");
        }
    }

    private PgmlException WrongTask(string what, string hint) =>
        new(SqlState.WrongObjectType, $"model {Id} is a {Engine.TaskNames.Name(Metadata.Task)} model: {what}", hint);

    private ReadOnlySpan<float> Encode(PgmlInput* input) => CheckMissing(_encoder.Encode(input, Id, _features));

    /// <summary>Distance- and dot-product-based models cannot place a missing value: say so instead of answering NaN.</summary>
    private ReadOnlySpan<float> CheckMissing(ReadOnlySpan<float> x)
    {
        if (_refusesMissing)
            for (int i = 0; i < x.Length; i++)
                if (float.IsNaN(x[i]))
                    throw new PgmlException(SqlState.NullValueNotAllowed,
                        $"model {Id} ({Metadata.Algorithm}) cannot predict with a missing value (feature {Metadata.FeatureNames.ElementAtOrDefault(i) ?? (i + 1).ToString(CultureInfo.InvariantCulture)} is NULL or NaN)",
                        "Pass a value for every feature, or train with preprocess imputation, e.g. '{\"column\": {\"impute\": \"mean\"}}'.");
        return x;
    }

    /// <summary>
    /// predict's answer: the value for regression; for classification the label's value (or class index for text);
    /// the cluster for clustering.
    /// </summary>
    private float Value(ReadOnlySpan<float> x)
    {
        switch (Metadata.Task)
        {
            case TaskKind.Classification:
                int cls = ArgMax(x);
                // Text labels: PostgresML returns the class index; predict_label gives the text.
                return Metadata.ClassLabels is null ? (float)Metadata.Classes[cls] : cls;
            case TaskKind.Decomposition:
                throw WrongTask("it has components, not one prediction", "Use pgml.decompose(project, features) for the components.");
            default:
                _first.Predict(x, _outputs);
                return _outputs[0];
        }
    }

    /// <summary>The class: the first highest probability or score (binary probabilities: class 1 only above 0.5).</summary>
    private int ArgMax(ReadOnlySpan<float> x)
    {
        _first.Predict(x, _outputs);
        int best = 0;
        for (int k = 1; k < _first.NumOutputs; k++)
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
            _results[r] = Value(CheckMissing(_encoder.EncodeArraySlice(input, r * width, width, Id, _features)));
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
