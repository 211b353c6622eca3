using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Pgml.Engine.Svm;

/// <summary>
/// A kernel with its resolved parameters: linear x·z, poly (γ x·z + coef0)^degree, rbf exp(-γ |x - z|²),
/// sigmoid tanh(γ x·z + coef0). Sums run in double over float32 features, like scikit-learn (which widens to float64).
/// </summary>
internal readonly struct SvmKernel(KernelType type, int degree, double gamma, double coef0)
{
    public KernelType Type { get; } = type;
    public int Degree { get; } = degree;
    public double Gamma { get; } = gamma;
    public double Coef0 { get; } = coef0;

    /// <summary>gamma as scikit-learn resolves it: "scale" needs the training rows' variance of all values.</summary>
    public static double ResolveGamma(object gamma, int features, double variance) => gamma switch
    {
        double g => g,
        "auto" => 1.0 / features,
        _ => variance != 0 ? 1.0 / (features * variance) : 1.0,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe double Eval(float* x, float* z, int n)
    {
        if (Type == KernelType.Rbf)
        {
            double s = 0;
            for (int k = 0; k < n; k++)
            {
                double d = (double)x[k] - z[k];
                s += d * d;
            }
            return Math.Exp(-Gamma * s);
        }
        double dot = 0;
        for (int k = 0; k < n; k++) dot += (double)x[k] * z[k];
        return Type switch
        {
            KernelType.Linear => dot,
            KernelType.Poly => PowInt(Gamma * dot + Coef0, Degree),
            _ => Math.Tanh(Gamma * dot + Coef0),
        };
    }

    /// <summary>
    /// The part of <see cref="Eval"/> before the outer function: −γ |x − z|² (rbf), γ x·z + coef0 (poly, sigmoid) or
    /// x·z (linear). <see cref="Finish"/> applies the outer function to many of them at once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe double Inner(float* x, float* z, int n)
    {
        double s = 0;
        if (Type == KernelType.Rbf)
        {
            for (int k = 0; k < n; k++)
            {
                double d = (double)x[k] - z[k];
                s += d * d;
            }
            return -Gamma * s;
        }
        for (int k = 0; k < n; k++) s += (double)x[k] * z[k];
        return Type == KernelType.Linear ? s : Gamma * s + Coef0;
    }

    /// <summary>Turns <see cref="Inner"/> values into kernel values in place (exp vectorised for rbf, the common case).</summary>
    public void Finish(Span<double> values)
    {
        switch (Type)
        {
            case KernelType.Rbf:
                int k = 0;
                if (Vector256.IsHardwareAccelerated)
                    for (; k + Vector256<double>.Count <= values.Length; k += Vector256<double>.Count)
                        Vector256.Exp(Vector256.Create((ReadOnlySpan<double>)values.Slice(k, Vector256<double>.Count))).CopyTo(values.Slice(k));
                for (; k < values.Length; k++) values[k] = Math.Exp(values[k]);
                break;
            case KernelType.Poly:
                for (int i = 0; i < values.Length; i++) values[i] = PowInt(values[i], Degree);
                break;
            case KernelType.Sigmoid:
                for (int i = 0; i < values.Length; i++) values[i] = Math.Tanh(values[i]);
                break;
        }
    }

    /// <summary>b^e by squaring (libsvm and scikit-learn use an integer power too; Math.Pow differs in the last bits).</summary>
    private static double PowInt(double b, int e)
    {
        double r = 1;
        while (e > 0)
        {
            if ((e & 1) != 0) r *= b;
            b *= b;
            e >>= 1;
        }
        return r;
    }
}
