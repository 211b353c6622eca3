namespace Pgml.Engine.Linear;

/// <summary>
/// Ordinary least squares and ridge regression in closed form from the Gram matrix: (XᵀX + αI)·W = XᵀY on centered
/// data when the intercept is fitted (so it is not penalized), then b = mean(y) − mean(x)·W. One solve serves every
/// target column (a ridge classifier's one-vs-all columns).
/// </summary>
internal static class LeastSquares
{
    /// <returns>coef (targets x features, row-major) and intercepts (targets).</returns>
    public static (double[] Coef, double[] Intercept) Fit(CenteredGram g, double alpha, bool fitIntercept, Action checkInterrupts)
    {
        int d = g.Features, t = g.Targets;
        var a = new double[d * d];
        var b = new double[d * t];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++) a[i * d + j] = g.At(i, j, fitIntercept);
            a[i * d + i] += alpha;
            for (int k = 0; k < t; k++) b[i * t + k] = g.At(i, d + k, fitIntercept);
        }
        var x = SymmetricSolver.Solve(a, d, b, t, out _, checkInterrupts);
        var coef = new double[t * d];
        var intercept = new double[t];
        for (int k = 0; k < t; k++)
        {
            double bias = fitIntercept ? g.Mean[d + k] : 0;
            for (int j = 0; j < d; j++)
            {
                coef[k * d + j] = x[j * t + k];
                if (fitIntercept) bias -= g.Mean[j] * x[j * t + k];
            }
            intercept[k] = bias;
        }
        return (coef, intercept);
    }
}
