using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Linear;

/// <summary>What a linear model's raw scores z = W·x + b mean.</summary>
internal enum LinearOutput
{
    /// <summary>Regression: one row, the value z.</summary>
    Value = 0,
    /// <summary>Logistic regression: one row (binary, P(class 1) = sigmoid(z)) or K rows (softmax).</summary>
    Logistic = 1,
    /// <summary>Decision scores (ridge classifier, linear SVM): one row (binary, output [-z, z]) or K rows (z as is).</summary>
    Scores = 2,
}

/// <summary>
/// The whole linear family's predictor: W (rows x features) and b (rows) in float64, evaluated in double (each dot
/// product accumulates in double from the float32 features, then the result is rounded to float32 once).
/// </summary>
/// <remarks>
/// Format "linear", version 1 (inside pgml's envelope, ModelBinary.cs), in this order:
///   i32 output (LinearOutput: 0 value, 1 logistic, 2 scores)
///   i32 features d (>= 1)
///   i32 classes K (0 for value; >= 2 otherwise)
///   f64[] coefficients, length rows * d, row-major (row k = class k's weights; rows = 1 for value and for binary
///         logistic/scores, K otherwise)
///   f64[] intercepts, length rows
/// Every value must be finite.
/// </remarks>
internal sealed class LinearPredictor : IPredictor
{
    public const string Format = "linear";
    public const uint Version = 1;

    private readonly double[] _coef;
    private readonly double[] _intercept;
    private readonly double[] _z;
    private readonly int _rows;

    public LinearPredictor(LinearOutput output, int features, int classes, double[] coefficients, double[] intercepts)
    {
        if (features < 1) throw ModelReader.Bad($"a linear model needs at least one feature, got {features}");
        int rows = RowsFor(output, classes);
        if (coefficients.Length != (long)rows * features)
            throw ModelReader.Bad($"coefficients has {coefficients.Length} values, expected {rows} x {features}");
        if (intercepts.Length != rows) throw ModelReader.Bad($"intercepts has {intercepts.Length} values, expected {rows}");
        if (!coefficients.All(double.IsFinite) || !intercepts.All(double.IsFinite))
            throw ModelReader.Bad("a coefficient or intercept is not finite");
        Output = output;
        NumFeatures = features;
        NumClasses = classes;
        _coef = coefficients;
        _intercept = intercepts;
        _rows = rows;
        _z = new double[rows];
        Kind = output switch
        {
            LinearOutput.Value => PredictionKind.Value,
            LinearOutput.Logistic => PredictionKind.Probabilities,
            _ => PredictionKind.Scores,
        };
    }

    public LinearOutput Output { get; }
    public int NumClasses { get; }
    public int NumFeatures { get; }
    public int NumOutputs => Output == LinearOutput.Value ? 1 : NumClasses;
    public PredictionKind Kind { get; }

    /// <summary>Row k of W (class k's weights; the only row for regression and binary models).</summary>
    public ReadOnlySpan<double> Coefficients(int row) => _coef.AsSpan(row * NumFeatures, NumFeatures);
    public ReadOnlySpan<double> Intercepts => _intercept;

    private static int RowsFor(LinearOutput output, int classes) => output switch
    {
        LinearOutput.Value when classes == 0 => 1,
        LinearOutput.Logistic or LinearOutput.Scores when classes >= 2 => classes == 2 ? 1 : classes,
        LinearOutput.Value or LinearOutput.Logistic or LinearOutput.Scores =>
            throw ModelReader.Bad($"{classes} classes does not fit a {output.ToString().ToLowerInvariant()} model"),
        _ => throw ModelReader.Bad($"unknown linear output kind {(int)output}"),
    };

    public void Predict(ReadOnlySpan<float> features, Span<float> output)
    {
        int d = NumFeatures;
        features = features[..d];
        var coef = _coef;
        for (int k = 0; k < _rows; k++)
        {
            double s = _intercept[k];
            int at = k * d;
            for (int j = 0; j < d; j++) s += coef[at + j] * features[j];
            _z[k] = s;
        }
        switch (Output)
        {
            case LinearOutput.Value:
                output[0] = (float)_z[0];
                break;
            case LinearOutput.Scores when _rows == 1:
                output[0] = (float)-_z[0];
                output[1] = (float)_z[0];
                break;
            case LinearOutput.Scores:
                for (int k = 0; k < _rows; k++) output[k] = (float)_z[k];
                break;
            case LinearOutput.Logistic when _rows == 1:
                double p = Logistic.Sigmoid(_z[0]);
                output[0] = (float)(1 - p);
                output[1] = (float)p;
                break;
            default:
                Logistic.SoftmaxInPlace(_z);
                for (int k = 0; k < _rows; k++) output[k] = (float)_z[k];
                break;
        }
    }

    public byte[] ToBytes() =>
        new ModelWriter(Format, Version).Int32((int)Output).Int32(NumFeatures).Int32(NumClasses).Doubles(_coef).Doubles(_intercept).ToBytes();

    public static IPredictor Load(ref ModelReader reader)
    {
        if (reader.Version != Version) throw ModelFormats.UnknownVersion(Format, reader.Version, Version);
        var output = (LinearOutput)reader.Int32("output kind", (int)LinearOutput.Value, (int)LinearOutput.Scores);
        int features = reader.Int32("features", 1, int.MaxValue);
        int classes = reader.Int32("classes", 0, int.MaxValue);
        int rows = RowsFor(output, classes);
        var coef = reader.Doubles((long)rows * features, "coefficients");
        var intercepts = reader.Doubles(rows, "intercepts");
        return new LinearPredictor(output, features, classes, coef, intercepts);
    }
}
