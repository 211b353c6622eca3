using Pgml.Engine.Algorithms;
using Pgml.Engine.Linear;

namespace Pgml.Engine.LinearFamily;

/// <summary>
/// scikit-learn's LinearRegression (with an intercept) on a subset of the training rows, as RANSAC fits its samples
/// and its consensus set: the centred normal equations over those rows in double, solved by
/// <see cref="SymmetricSolver"/>, whose pseudo-inverse gives lstsq's minimum-norm answer when the rows do not
/// determine the fit (fewer distinct rows than coefficients, collinear samples).
/// </summary>
internal sealed unsafe class RowSubsetLeastSquares(TrainingSet data)
{
    private readonly int _d = data.NumFeatures;
    private readonly double[] _mean = new double[data.NumFeatures + 1];
    private readonly double[] _gram = new double[data.NumFeatures * data.NumFeatures];
    private readonly double[] _xty = new double[data.NumFeatures];

    /// <summary>Weights (d) and intercept of the least-squares fit to the rows listed.</summary>
    public (double[] W, double B) Fit(ReadOnlySpan<int> rows)
    {
        int d = _d;
        float* x = data.Features.Data;
        float* y = data.LabelPointer;
        Array.Clear(_mean);
        foreach (int r in rows)
        {
            for (int j = 0; j < d; j++) _mean[j] += x[(long)r * d + j];
            _mean[d] += y[r];
        }
        for (int j = 0; j <= d; j++) _mean[j] /= rows.Length;
        Array.Clear(_gram);
        Array.Clear(_xty);
        foreach (int r in rows)
        {
            float* row = x + (long)r * d;
            double yc = y[r] - _mean[d];
            for (int a = 0; a < d; a++)
            {
                double ca = row[a] - _mean[a];
                _xty[a] += ca * yc;
                for (int b = a; b < d; b++) _gram[a * d + b] += ca * (row[b] - _mean[b]);
            }
        }
        for (int a = 0; a < d; a++)
            for (int b = 0; b < a; b++) _gram[a * d + b] = _gram[b * d + a];
        var w = SymmetricSolver.Solve(_gram, d, _xty, 1, out _);
        double intercept = _mean[d];
        for (int j = 0; j < d; j++) intercept -= _mean[j] * w[j];
        return (w, intercept);
    }

    /// <summary>The fit's prediction for training row <paramref name="r"/>.</summary>
    public double Predict(double[] w, double b, long r)
    {
        float* row = data.Features.Data + r * _d;
        double s = b;
        for (int j = 0; j < _d; j++) s += w[j] * row[j];
        return s;
    }
}
