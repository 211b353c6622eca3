using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Svm;

/// <summary>
/// A trained SVM: support vectors, and one or more decision functions f_m(x) = Σ coef · K(sv, x) − ρ_m over them
/// (one for SVR, one per class pair for SVC).
/// </summary>
/// <remarks>
/// <para>Regression: output[0] = f(x), scikit-learn's SVR.predict.</para>
/// <para>Classification (Scores, K outputs): binary gives [−s, s] with s = scikit-learn's decision_function (positive
/// means class 1). With K &gt; 2 classes each pair (i, j) votes for i when f_ij(x) &gt; 0, else for j, as libsvm does;
/// the scores are scikit-learn's "ovr" decision_function: votes + c / (3 (|c| + 1)), where c sums +f_ij for class i and
/// −f_ij for class j over the pairs. Its fractional part is below 1/3, so only classes tied in votes can outrank the
/// winner; libsvm (and scikit-learn's predict with break_ties=false) gives a tie to the lowest class index, so in that
/// case the winner's score is raised just above the tied classes' (the one place the scores differ from
/// decision_function). With break_ties=true the scores are decision_function unchanged, whose argmax is scikit-learn's
/// prediction then. A class that had no training row scores −1, below every trained class.</para>
/// <para>Format "svm", version 1 (inside pgml's envelope, ModelBinary.cs), in order:
/// i32 task (TaskKind: Regression or Classification); i32 kernel (0 linear, 1 poly, 2 rbf, 3 sigmoid); i32 degree;
/// f64 gamma; f64 coef0; i32 features F ≥ 1; i32 classes K (0 for regression, ≥ 2 otherwise); i32 break_ties (0/1);
/// f32[] support vectors (S × F values, row-major); i32[] pairs (2 × M class indices i &lt; j, empty for regression);
/// i32[] starts (M + 1 offsets into the next two arrays, non-decreasing from 0 to their length); i32[] sv index (each
/// in 0..S−1); f64[] coefficients; f64[] rho (M values). M = 1 for regression.</para>
/// </remarks>
internal sealed class SvmPredictor : IPredictor
{
    public const string Format = "svm";
    public const uint Version = 1;

    private readonly TaskKind _task;
    private readonly SvmKernel _kernel;
    private readonly int _features, _classes;
    private readonly bool _breakTies;
    private readonly float[] _vectors;
    private readonly int[] _pairs, _starts, _index;
    private readonly double[] _coef, _rho;
    private readonly bool[] _trained;   // per class: appears in some pair
    // Scratch for Predict (no allocation per call).
    private readonly double[] _kernelValues, _decision, _votes, _confidence;

    public SvmPredictor(TaskKind task, SvmKernel kernel, int features, int classes, bool breakTies, float[] vectors,
        int[] pairs, int[] starts, int[] index, double[] coef, double[] rho)
    {
        _task = task;
        _kernel = kernel;
        _features = features;
        _classes = classes;
        _breakTies = breakTies;
        _vectors = vectors;
        _pairs = pairs;
        _starts = starts;
        _index = index;
        _coef = coef;
        _rho = rho;
        _trained = new bool[classes];
        foreach (int c in pairs) _trained[c] = true;
        _kernelValues = new double[vectors.Length / features];
        _decision = new double[rho.Length];
        _votes = new double[classes];
        _confidence = new double[classes];
        Kind = task == TaskKind.Regression ? PredictionKind.Value : PredictionKind.Scores;
    }

    public int NumFeatures => _features;
    public int NumOutputs => _task == TaskKind.Regression ? 1 : _classes;
    public PredictionKind Kind { get; }
    public SvmKernel Kernel => _kernel;
    public int SupportVectors => _kernelValues.Length;
    public int Models => _rho.Length;

    /// <summary>ρ per decision function (scikit-learn's intercept_ is −ρ; negated again for binary SVC).</summary>
    public IReadOnlyList<double> Rho => _rho;

    /// <summary>Every pair's (or SVR's single) decision value f_m(x), as libsvm computes it.</summary>
    public unsafe ReadOnlySpan<double> DecisionValues(ReadOnlySpan<float> features)
    {
        fixed (float* x = features, sv = _vectors)
        {
            for (int s = 0; s < _kernelValues.Length; s++) _kernelValues[s] = _kernel.Eval(x, sv + (long)s * _features, _features);
        }
        for (int m = 0; m < _rho.Length; m++)
        {
            double sum = 0;
            for (int k = _starts[m]; k < _starts[m + 1]; k++) sum += _coef[k] * _kernelValues[_index[k]];
            _decision[m] = sum - _rho[m];
        }
        return _decision;
    }

    public void Predict(ReadOnlySpan<float> features, Span<float> output)
    {
        var decision = DecisionValues(features);
        if (_task == TaskKind.Regression)
        {
            output[0] = (float)decision[0];
            return;
        }
        if (_classes == 2)
        {
            output[0] = (float)decision[0];
            output[1] = (float)-decision[0];
            return;
        }
        Array.Clear(_votes);
        Array.Clear(_confidence);
        for (int m = 0; m < decision.Length; m++)
        {
            int i = _pairs[2 * m], j = _pairs[2 * m + 1];
            double f = decision[m];
            // libsvm's vote (f > 0 for i) for predict; scikit-learn's decision_function votes i when f >= 0, which only
            // break_ties uses.
            bool forI = _breakTies ? f >= 0 : f > 0;
            _votes[forI ? i : j] += 1;
            _confidence[i] += f;
            _confidence[j] -= f;
        }
        int winner = -1;
        for (int c = 0; c < _classes; c++)
        {
            if (!_trained[c]) { output[c] = -1; continue; }
            double conf = _confidence[c];
            output[c] = (float)(_votes[c] + conf / (3 * (Math.Abs(conf) + 1)));
            if (winner < 0 || _votes[c] > _votes[winner]) winner = c;
        }
        if (_breakTies) return;
        // libsvm's choice: the first class with the most votes; keep the argmax on it.
        float top = output[winner];
        for (int c = 0; c < _classes; c++)
            if (c != winner && output[c] >= top) top = output[c];
        if (top != output[winner] || HasEarlierEqual(output, winner)) output[winner] = MathF.BitIncrement(top);
    }

    private bool HasEarlierEqual(Span<float> output, int winner)
    {
        // an equal score after the winner is fine (argmax takes the first); one before it is not
        for (int c = 0; c < winner; c++)
            if (output[c] == output[winner]) return true;
        return false;
    }

    public byte[] ToBytes()
    {
        var w = new ModelWriter(Format, Version)
            .Int32((int)_task).Int32((int)_kernel.Type).Int32(_kernel.Degree).Double(_kernel.Gamma).Double(_kernel.Coef0)
            .Int32(_features).Int32(_classes).Int32(_breakTies ? 1 : 0)
            .Floats(_vectors).Ints(_pairs).Ints(_starts).Ints(_index).Doubles(_coef).Doubles(_rho);
        return w.ToBytes();
    }

    public static IPredictor Load(ref ModelReader r)
    {
        if (r.Version != Version) throw ModelFormats.UnknownVersion(Format, r.Version, Version);
        var task = (TaskKind)r.Int32("task", (int)TaskKind.Regression, (int)TaskKind.Classification);
        var type = (KernelType)r.Int32("kernel", 0, 3);
        int degree = r.Int32("degree", 0, int.MaxValue);
        double gamma = r.Double(), coef0 = r.Double();
        if (!double.IsFinite(gamma) || !double.IsFinite(coef0)) throw ModelReader.Bad("svm gamma or coef0 is not finite");
        int features = r.Int32("features", 1, int.MaxValue);
        bool regression = task == TaskKind.Regression;
        int classes = regression ? r.Int32("classes", 0, 0) : r.Int32("classes", 2, 1 << 16);
        int breakTies = r.Int32("break_ties", 0, 1);
        var vectors = r.Floats();
        if (vectors.Length % features != 0) throw ModelReader.Bad($"svm support vectors hold {vectors.Length} values, not a multiple of {features} features");
        int svs = vectors.Length / features;
        var pairs = r.Ints();
        int models = regression ? 1 : pairs.Length / 2;
        if (regression ? pairs.Length != 0 : pairs.Length == 0 || pairs.Length % 2 != 0)
            throw ModelReader.Bad($"svm has {pairs.Length} pair entries for {TaskNames.Name(task)}");
        for (int m = 0; m < pairs.Length / 2; m++)
            if (pairs[2 * m] < 0 || pairs[2 * m] >= pairs[2 * m + 1] || pairs[2 * m + 1] >= classes)
                throw ModelReader.Bad($"svm class pair {m} ({pairs[2 * m]}, {pairs[2 * m + 1]}) is not i < j < {classes}");
        var starts = r.Ints(models + 1, "svm starts");
        var index = r.Ints();
        var coef = r.Doubles(index.Length, "svm coefficients");
        var rho = r.Doubles(models, "svm rho");
        if (starts[0] != 0 || starts[models] != index.Length) throw ModelReader.Bad("svm starts do not span the coefficients");
        for (int m = 0; m < models; m++)
            if (starts[m] > starts[m + 1]) throw ModelReader.Bad($"svm starts decrease at {m}");
        foreach (int s in index)
            if ((uint)s >= (uint)svs) throw ModelReader.Bad($"svm support vector index {s} is outside 0..{svs - 1}");
        return new SvmPredictor(task, new SvmKernel(type, degree, gamma, coef0), features, classes, breakTies == 1, vectors, pairs,
            starts, index, coef, rho);
    }
}
