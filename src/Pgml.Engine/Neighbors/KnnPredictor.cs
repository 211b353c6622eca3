using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Neighbors;

/// <summary>
/// A k-nearest-neighbours model: the training rows in KD-tree order with their labels. Regression answers the
/// neighbours' mean label (weighted by 1 / distance when weights = "distance"); classification answers each class's
/// share of the neighbours (the same weights), as scikit-learn's predict_proba. With distance weights, neighbours at
/// distance 0 take weight 1 and the others 0 (scikit-learn's rule).
/// </summary>
/// <remarks>
/// Format "knn", version 1 (inside pgml's envelope, ModelBinary.cs), in order: i32 task (TaskKind: regression or
/// classification), i32 features d, i32 classes K (0 for regression), i32 n_neighbors k, i32 weights (0 uniform,
/// 1 distance), i32 metric (Minkowski's p: 1 manhattan, 2 euclidean), i32 leaf_size, i32 rows n; f32[n·d] the rows in tree
/// order (row-major); f32[n] each row's label (the class index for classification); i32[n] each row's index among the
/// training rows (a permutation, used to break ties). The tree's shape follows from n and leaf_size and its boxes are
/// recomputed at load in one pass over the rows (<see cref="KdTree"/>). Size: 4·n·(d + 2) bytes plus 92.
/// </remarks>
internal sealed class KnnPredictor : IPredictor
{
    public const string Format = "knn";
    public const uint Version = 1;

    /// <summary>The largest model pgml writes (a .NET byte array, with room for the envelope).</summary>
    public const long MaxModelBytes = 2_000_000_000;

    private readonly TaskKind _task;
    private readonly int _classes;
    private readonly KnnParameters _parameters;
    private readonly KdTree _tree;
    private readonly float[] _labels;
    private readonly int[] _classOf;
    private readonly KdTree.Searcher _searcher;
    private readonly double[] _proba;

    internal KnnPredictor(TaskKind task, int features, int classes, KnnParameters parameters, KdTree tree, float[] labels)
    {
        _task = task;
        _classes = task == TaskKind.Classification ? classes : 0;
        _parameters = parameters;
        _tree = tree;
        _labels = labels;
        NumFeatures = features;
        Kind = task == TaskKind.Classification ? PredictionKind.Probabilities : PredictionKind.Value;
        NumOutputs = task == TaskKind.Classification ? classes : 1;
        _classOf = task == TaskKind.Classification ? labels.Select(v => (int)v).ToArray() : [];
        _searcher = new KdTree.Searcher(tree, parameters.NumNeighbors, parameters.Metric);
        _proba = new double[Math.Max(1, _classes)];
    }

    public int NumFeatures { get; }
    public int NumOutputs { get; }
    public PredictionKind Kind { get; }

    public int NumNeighbors => _parameters.NumNeighbors;
    public bool DistanceWeights => _parameters.DistanceWeights;
    public KnnMetric Metric => _parameters.Metric;
    public int LeafSize => _parameters.LeafSize;
    public int TrainingRows => _tree.Rows;

    /// <summary>Row distances computed by this predictor's searches so far (how much of the data predictions read).</summary>
    public long DistanceEvaluations => _searcher.DistanceEvaluations;

    public void Predict(ReadOnlySpan<float> features, Span<float> output)
    {
        for (int j = 0; j < NumFeatures; j++)
        {
            if (float.IsFinite(features[j])) continue;
            // refused by the extension before it gets here; answer NaN rather than throw
            output[..NumOutputs].Fill(float.NaN);
            return;
        }
        var s = _searcher;
        s.Search(features);
        var positions = s.Positions;
        var reduced = s.ReducedDistances;
        int k = s.K;
        bool weighted = _parameters.DistanceWeights;
        // scikit-learn: weights 1 / distance, except that a query at distance 0 of some neighbours gives those weight 1
        // and the others 0 (the neighbours are sorted, so the first one is at 0 if any is)
        bool exact = weighted && reduced[0] == 0;
        if (_task == TaskKind.Regression)
        {
            double sum = 0, weights = 0;
            for (int i = 0; i < k; i++)
            {
                double w = Weight(weighted, exact, reduced[i]);
                sum += _labels[positions[i]] * w;
                weights += w;
            }
            output[0] = (float)(weighted ? sum / weights : sum / k);
            return;
        }
        var proba = _proba;
        Array.Clear(proba);
        double total = 0;
        for (int i = 0; i < k; i++)
        {
            double w = Weight(weighted, exact, reduced[i]);
            proba[_classOf[positions[i]]] += w;
            total += w;
        }
        if (total == 0) total = 1;
        for (int c = 0; c < _classes; c++) output[c] = (float)(proba[c] / total);
    }

    private double Weight(bool weighted, bool exact, double reducedDistance)
    {
        if (!weighted) return 1;
        if (exact) return reducedDistance == 0 ? 1 : 0;
        return 1 / (_parameters.Metric == KnnMetric.Euclidean ? Math.Sqrt(reducedDistance) : reducedDistance);
    }

    /// <summary>The k nearest training rows to <paramref name="features"/> (their indices among the training rows and
    /// their distances), nearest first: what scikit-learn's kneighbors answers.</summary>
    public void Neighbors(ReadOnlySpan<float> features, Span<int> rows, Span<double> distances)
    {
        _searcher.Search(features);
        for (int i = 0; i < _searcher.K; i++)
        {
            rows[i] = _tree.Original[_searcher.Positions[i]];
            double r = _searcher.ReducedDistances[i];
            distances[i] = _parameters.Metric == KnnMetric.Euclidean ? Math.Sqrt(r) : r;
        }
    }

    public byte[] ToBytes() => new ModelWriter(Format, Version)
        .Int32((int)_task).Int32(NumFeatures).Int32(_classes).Int32(_parameters.NumNeighbors)
        .Int32(_parameters.DistanceWeights ? 1 : 0).Int32((int)_parameters.Metric).Int32(_parameters.LeafSize).Int32(_tree.Rows)
        .Floats(_tree.Data).Floats(_labels).Ints(_tree.Original)
        .ToBytes();

    public static IPredictor Load(ref ModelReader reader)
    {
        if (reader.Version != Version) throw ModelFormats.UnknownVersion(Format, reader.Version, Version);
        var task = (TaskKind)reader.Int32("task", (int)TaskKind.Regression, (int)TaskKind.Classification);
        int d = reader.Int32("features", 1, int.MaxValue);
        int classes = task == TaskKind.Classification ? reader.Int32("classes", 2, int.MaxValue) : reader.Int32("classes", 0, 0);
        int k = reader.Int32("n_neighbors", 1, int.MaxValue);
        bool distance = reader.Int32("weights", 0, 1) == 1;
        int metric = reader.Int32("metric", 1, 2);
        int leafSize = reader.Int32("leaf_size", 1, 1 << 20);
        int n = reader.Int32("rows", k, int.MaxValue);
        var data = reader.Floats((long)n * d, "rows");
        var labels = reader.Floats(n, "labels");
        var original = reader.Ints(n, "row order");
        foreach (float y in labels)
            if (task == TaskKind.Classification ? !(y >= 0 && y < classes && y == Math.Floor(y)) : !float.IsFinite(y))
                throw ModelReader.Bad($"knn label {y} is not a valid {(task == TaskKind.Classification ? "class index" : "value")}");
        var tree = KdTree.FromStored(d, leafSize, data, original);
        return new KnnPredictor(task, d, classes, new KnnParameters(k, distance, (KnnMetric)metric, leafSize), tree, labels);
    }
}
