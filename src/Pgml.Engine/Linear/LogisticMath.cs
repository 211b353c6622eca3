namespace Pgml.Engine.Linear;

/// <summary>The logistic and softmax functions, written so large |z| neither overflows nor loses the small side.</summary>
internal static class Logistic
{
    public static double Sigmoid(double z)
    {
        if (z >= 0) return 1 / (1 + Math.Exp(-z));
        double e = Math.Exp(z);
        return e / (1 + e);
    }

    /// <summary>log(1 + exp(z)).</summary>
    public static double Softplus(double z) => z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z));

    /// <summary>Replaces z with softmax(z) and returns log(sum(exp(z))) of the input.</summary>
    public static double SoftmaxInPlace(Span<double> z)
    {
        double max = double.NegativeInfinity;
        foreach (double v in z) if (v > max) max = v;
        double sum = 0;
        for (int k = 0; k < z.Length; k++)
        {
            z[k] = Math.Exp(z[k] - max);
            sum += z[k];
        }
        for (int k = 0; k < z.Length; k++) z[k] /= sum;
        return max + Math.Log(sum);
    }
}
