using System.Runtime.CompilerServices;

namespace Pgml.Engine.Svm;

/// <summary>
/// A kernel with its resolved parameters: linear x·z, poly (γ x·z + coef0)^degree, rbf exp(-γ |x - z|²),
/// sigmoid tanh(γ x·z + coef0). Sums run in double over float32 features, like scikit-learn (which widens to float64).
/// </summary>
public readonly struct SvmKernel(KernelType type, int degree, double gamma, double coef0)
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
