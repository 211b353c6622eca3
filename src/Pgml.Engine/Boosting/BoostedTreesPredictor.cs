using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Data;
using Pgml.Engine.Forest;
using Pgml.Engine.Models;

namespace Pgml.Engine.Boosting;

/// <summary>How a boosted ensemble's raw scores become its outputs.</summary>
internal enum BoostLink
{
    /// <summary>Regression: the output is the raw score (one).</summary>
    Identity = 0,
    /// <summary>Binary classification: one raw score s, probabilities [1 − σ(s), σ(s)].</summary>
    Logistic = 1,
    /// <summary>Multiclass: one raw score per class, probabilities softmax(scores).</summary>
    Softmax = 2,
    /// <summary>Regression by AdaBoost.R2: the output is the weighted median of the trees' values (each tree's weight),
    /// not a sum; init is unused (0).</summary>
    WeightedMedian = 3,
}

/// <summary>
/// A boosted tree ensemble (gradient_boosting_trees, hist_gradient_boosting, ada_boost): raw score r = init + Σ_t
/// weight_t × leaf_t(x), each tree adding its leaf's values to the raw scores from its own first index on, then the
/// link (<see cref="BoostLink"/>); or, for AdaBoost.R2, the weighted median of the trees' values. The trees are a
/// <see cref="NativeForest"/>, walked as random_forest's are.
/// </summary>
/// <remarks>
/// Format "boosted_trees", version 1 (inside pgml's envelope, ModelBinary.cs), with T trees, R raw scores, m values per
/// leaf: i32 task (Regression or Classification), i32 link (BoostLink: 0..3), i32 NumFeatures (≥ 1), i32 classes (0 for
/// regression; 2 with the logistic link, R with softmax), i32 R (≥ 1), i32 m (1 ≤ m ≤ R), f64[R] init,
/// f64[T] weight per tree, i32[T] first raw index per tree (0 ≤ index ≤ R − m), then the forest's tree table, node
/// fields and leaf values exactly as format "forest" stores them after its header (ForestPredictor.WriteNodes). Loading
/// checks every count, index and value (finite), and the forest's structural rules.
/// </remarks>
internal sealed unsafe class BoostedTreesPredictor : IPredictor, IDisposable
{
    public const string Format = "boosted_trees";
    public const uint Version = 1;

    private readonly NativeForest _forest;
    private readonly TaskKind _task;
    private readonly BoostLink _link;
    private readonly int _classes;
    private readonly double[] _init, _weights, _raw, _values;
    private readonly int[] _firstOutput, _treeStarts, _order;

    /// <summary>Serves <paramref name="forest"/> (one tree per weight), which it owns from now on.</summary>
    public BoostedTreesPredictor(TaskKind task, BoostLink link, int classes, double[] init, double[] weights, int[] firstOutput, NativeForest forest)
    {
        Validate(task, link, classes, init, weights, firstOutput, forest);
        _task = task;
        _link = link;
        _classes = classes;
        _init = init;
        _weights = weights;
        _firstOutput = firstOutput;
        _forest = forest;
        _treeStarts = forest.TreeStarts.ToArray();
        _raw = new double[init.Length];
        _values = link == BoostLink.WeightedMedian ? new double[weights.Length] : [];
        _order = link == BoostLink.WeightedMedian ? new int[weights.Length] : [];
        NumFeatures = forest.NumFeatures;
        NumOutputs = task == TaskKind.Regression ? 1 : classes;
        Kind = task == TaskKind.Regression ? PredictionKind.Value : PredictionKind.Probabilities;
    }

    public int NumFeatures { get; }
    public int NumOutputs { get; }
    public PredictionKind Kind { get; }
    public int NumTrees => _weights.Length;

    /// <summary>The raw scores (scikit-learn's decision_function; for regression, the prediction) into <paramref name="raw"/>.</summary>
    public void RawScores(ReadOnlySpan<float> features, Span<double> raw)
    {
        if (features.Length < NumFeatures) throw new ArgumentException($"the model needs {NumFeatures} features, got {features.Length}", nameof(features));
        ForestNode* nodes = _forest.Nodes.Pointer;
        float* leaves = _forest.LeafValues.Pointer;
        ref float x = ref MemoryMarshal.GetReference(features);
        int m = _forest.NumOutputs;
        _init.CopyTo(raw);
        for (int t = 0; t < _weights.Length; t++)
        {
            ForestNode* n = nodes + _treeStarts[t];
            while (n->Feature >= 0)
                n = nodes + (Unsafe.Add(ref x, n->Feature) <= n->Threshold ? n->Left : n->Right);
            float* values = leaves + n->Left;
            double w = _weights[t];
            int o = _firstOutput[t];
            for (int j = 0; j < m; j++) raw[o + j] += w * values[j];
        }
        GC.KeepAlive(this);
    }

    public void Predict(ReadOnlySpan<float> features, Span<float> output)
    {
        if (output.Length < NumOutputs) throw new ArgumentException($"the model produces {NumOutputs} values, the output span holds {output.Length}", nameof(output));
        if (_link == BoostLink.WeightedMedian)
        {
            output[0] = (float)WeightedMedian(features);
            return;
        }
        Span<double> raw = _raw;
        RawScores(features, raw);
        switch (_link)
        {
            case BoostLink.Identity:
                output[0] = (float)raw[0];
                break;
            case BoostLink.Logistic:
                double p = 1 / (1 + Math.Exp(-raw[0]));
                output[0] = (float)(1 - p);
                output[1] = (float)p;
                break;
            default:
                double max = double.NegativeInfinity, sum = 0;
                foreach (double v in raw) max = Math.Max(max, v);
                for (int k = 0; k < raw.Length; k++) sum += raw[k] = Math.Exp(raw[k] - max);
                for (int k = 0; k < raw.Length; k++) output[k] = (float)(raw[k] / sum);
                break;
        }
    }

    /// <summary>scikit-learn's AdaBoostRegressor._get_median_predict: the trees' values sorted, the first whose cumulative
    /// weight reaches half the total.</summary>
    private double WeightedMedian(ReadOnlySpan<float> features)
    {
        if (features.Length < NumFeatures) throw new ArgumentException($"the model needs {NumFeatures} features, got {features.Length}", nameof(features));
        ForestNode* nodes = _forest.Nodes.Pointer;
        float* leaves = _forest.LeafValues.Pointer;
        ref float x = ref MemoryMarshal.GetReference(features);
        int trees = _weights.Length;
        for (int t = 0; t < trees; t++)
        {
            ForestNode* n = nodes + _treeStarts[t];
            while (n->Feature >= 0)
                n = nodes + (Unsafe.Add(ref x, n->Feature) <= n->Threshold ? n->Left : n->Right);
            _values[t] = leaves[n->Left];
            _order[t] = t;
        }
        GC.KeepAlive(this);
        Span<double> values = _values;
        values.Sort(_order.AsSpan());
        double total = 0, cumulative = 0;
        foreach (double w in _weights) total += w;
        for (int i = 0; i < trees; i++)
        {
            cumulative += _weights[_order[i]];
            if (cumulative >= 0.5 * total) return values[i];
        }
        return values[trees - 1];
    }

    private ModelWriter Write()
    {
        var w = new ModelWriter(Format, Version).Int32((int)_task).Int32((int)_link).Int32(NumFeatures).Int32(_classes)
            .Int32(_init.Length).Int32(_forest.NumOutputs).Doubles(_init).Doubles(_weights).Ints(_firstOutput);
        return ForestPredictor.WriteNodes(w, _forest);
    }

    public byte[] ToBytes() => Write().ToBytes();

    public NativeList<byte> ToNativeBytes() => Write().ToNative();

    /// <summary>Frees the nodes now (after training has stored the model) instead of at the next collection.</summary>
    public void Dispose() => _forest.Dispose();

    public static IPredictor Load(ref ModelReader reader)
    {
        if (reader.Version != Version) throw ModelFormats.UnknownVersion(Format, reader.Version, Version);
        var task = (TaskKind)reader.Int32("task", (int)TaskKind.Regression, (int)TaskKind.Classification);
        var link = (BoostLink)reader.Int32("link", (int)BoostLink.Identity, (int)BoostLink.WeightedMedian);
        int features = reader.Int32("feature count", 1, int.MaxValue);
        int classes = reader.Int32("class count", 0, int.MaxValue);
        int raw = reader.Int32("raw score count", 1, int.MaxValue);
        int width = reader.Int32("leaf width", 1, raw);
        var init = reader.Doubles(raw, "initial raw scores");
        var weights = reader.Doubles();
        var first = reader.Ints(weights.Length, "first raw index per tree");
        var forest = ForestPredictor.ReadNodes(ref reader, features, width);
        try
        {
            return new BoostedTreesPredictor(task, link, classes, init, weights, first, forest);
        }
        catch
        {
            forest.Dispose();
            throw;
        }
    }

    private static void Validate(TaskKind task, BoostLink link, int classes, double[] init, double[] weights, int[] first, NativeForest forest)
    {
        bool ok = (task, link) switch
        {
            (TaskKind.Regression, BoostLink.Identity) => classes == 0 && init.Length == 1,
            (TaskKind.Classification, BoostLink.Logistic) => classes == 2 && init.Length == 1,
            (TaskKind.Classification, BoostLink.Softmax) => classes >= 2 && init.Length == classes,
            (TaskKind.Regression, BoostLink.WeightedMedian) => classes == 0 && init.Length == 1 && forest.NumOutputs == 1,
            _ => false,
        };
        if (!ok) throw ModelReader.Bad($"a boosted {TaskNames.Name(task)} model with link {link}, {classes} classes and {init.Length} raw scores");
        if (weights.Length != forest.NumTrees || first.Length != weights.Length)
            throw ModelReader.Bad($"{weights.Length} tree weights and {first.Length} raw indices for {forest.NumTrees} trees");
        foreach (double v in init)
            if (!double.IsFinite(v)) throw ModelReader.Bad($"initial raw score {v} is not finite");
        foreach (double v in weights)
            if (!double.IsFinite(v) || (link == BoostLink.WeightedMedian && v < 0)) throw ModelReader.Bad($"tree weight {v} is not a finite{(link == BoostLink.WeightedMedian ? ", non-negative" : "")} number");
        foreach (int o in first)
            if (o < 0 || o > init.Length - forest.NumOutputs) throw ModelReader.Bad($"a tree adds to raw score {o}, outside 0..{init.Length - forest.NumOutputs}");
        ForestPredictor.ValidateNodes(forest);
    }
}
