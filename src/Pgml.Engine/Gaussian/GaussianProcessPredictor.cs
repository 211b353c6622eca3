using System.Runtime.InteropServices;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Gaussian;

/// <summary>
/// A gaussian_process regression model: the posterior mean Σ_i α_i k(x, x_i) of scikit-learn's
/// GaussianProcessRegressor with the kernel c · RBF(ℓ), k(x, x') = c · exp(−‖x − x'‖² / (2ℓ²)), scaled back by the
/// training target's standard deviation and mean when normalize_y.
/// </summary>
/// <remarks>
/// Format "gaussian_process", version 1 (inside pgml's envelope, ModelBinary.cs): i32 NumFeatures F ≥ 1; f64 c (> 0);
/// f64 ℓ (> 0); f64 y mean; f64 y std (> 0); f32[] training rows (n × F, row-major, finite); f64[] α (n, finite).
/// </remarks>
internal sealed class GaussianProcessPredictor : IPredictor
{
    public const string Format = "gaussian_process";
    public const uint Version = 1;

    private readonly float[] _x;
    private readonly double[] _alpha;
    private readonly double _constant, _lengthScale, _yMean, _yStd;

    public GaussianProcessPredictor(int features, double constant, double lengthScale, double yMean, double yStd, float[] x, double[] alpha)
    {
        if (features < 1 || x.Length != (long)alpha.Length * features || alpha.Length == 0)
            throw ModelReader.Bad($"{alpha.Length} coefficients for {x.Length} training values of {features} features");
        if (!(constant > 0) || !(lengthScale > 0) || !(yStd > 0) || !double.IsFinite(constant) || !double.IsFinite(lengthScale) || !double.IsFinite(yMean) || !double.IsFinite(yStd))
            throw ModelReader.Bad($"kernel constant {constant}, length scale {lengthScale}, target mean {yMean} and std {yStd} must be finite (and positive)");
        foreach (float v in x) if (!float.IsFinite(v)) throw ModelReader.Bad("a training value is not finite");
        foreach (double v in alpha) if (!double.IsFinite(v)) throw ModelReader.Bad("a coefficient is not finite");
        NumFeatures = features;
        _constant = constant;
        _lengthScale = lengthScale;
        _yMean = yMean;
        _yStd = yStd;
        _x = x;
        _alpha = alpha;
    }

    public int NumFeatures { get; }
    public int NumOutputs => 1;
    public PredictionKind Kind => PredictionKind.Value;
    public int TrainingRows => _alpha.Length;

    public void Predict(ReadOnlySpan<float> features, Span<float> output)
    {
        if (features.Length < NumFeatures) throw new ArgumentException($"the model needs {NumFeatures} features, got {features.Length}", nameof(features));
        if (output.Length < 1) throw new ArgumentException("the output span is empty", nameof(output));
        output[0] = (float)Mean(features);
    }

    /// <summary>The posterior mean in double (scikit-learn's predict).</summary>
    public double Mean(ReadOnlySpan<float> features)
    {
        int f = NumFeatures;
        double scale = -0.5 / (_lengthScale * _lengthScale), sum = 0;
        for (int i = 0; i < _alpha.Length; i++)
        {
            var row = _x.AsSpan(i * f, f);
            double d2 = 0;
            for (int j = 0; j < f; j++)
            {
                double d = (double)features[j] - row[j];
                d2 += d * d;
            }
            sum += _alpha[i] * Math.Exp(scale * d2);
        }
        return _constant * sum * _yStd + _yMean;
    }

    public byte[] ToBytes() =>
        new ModelWriter(Format, Version).Int32(NumFeatures).Double(_constant).Double(_lengthScale).Double(_yMean).Double(_yStd)
            .Floats(_x).Doubles(_alpha).ToBytes();

    public static IPredictor Load(ref ModelReader r)
    {
        if (r.Version != Version) throw ModelFormats.UnknownVersion(Format, r.Version, Version);
        int features = r.Int32("feature count", 1, int.MaxValue);
        double constant = r.Double(), lengthScale = r.Double(), mean = r.Double(), std = r.Double();
        var x = r.Floats();
        var alpha = r.Doubles();
        return new GaussianProcessPredictor(features, constant, lengthScale, mean, std, x, alpha);
    }
}
