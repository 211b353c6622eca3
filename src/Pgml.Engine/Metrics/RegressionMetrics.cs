namespace Pgml.Engine.Metrics;

/// <summary>Regression scores of a test set, computed in double precision.</summary>
internal static class RegressionMetrics
{
    /// <summary>
    /// Adds "r2", "mean_absolute_error" and "mean_squared_error" to <paramref name="into"/> (overwriting existing keys).
    /// Undefined scores are NaN: all three with no rows, r2 with fewer than 2 rows (as scikit-learn).
    /// With a constant truth, r2 follows scikit-learn's r2_score (force_finite=True, the default since 1.1 and the
    /// behaviour before): 1.0 when the predictions are exact, 0.0 otherwise.
    /// </summary>
    public static void Compute(ReadOnlySpan<float> truth, ReadOnlySpan<float> predicted, IDictionary<string, double> into)
    {
        if (truth.Length != predicted.Length)
            throw new ArgumentException($"{truth.Length} true values but {predicted.Length} predictions");
        int n = truth.Length;
        if (n == 0)
        {
            into["r2"] = double.NaN;
            into["mean_absolute_error"] = double.NaN;
            into["mean_squared_error"] = double.NaN;
            return;
        }

        double mean = 0;
        for (int i = 0; i < n; i++) mean += truth[i];
        mean /= n;

        double absSum = 0, residualSquares = 0, totalSquares = 0;
        for (int i = 0; i < n; i++)
        {
            double t = truth[i], e = t - predicted[i];
            absSum += Math.Abs(e);
            residualSquares += e * e;
            totalSquares += (t - mean) * (t - mean);
        }

        double r2;
        if (n < 2) r2 = double.NaN;
        else if (totalSquares == 0) r2 = residualSquares == 0 ? 1.0 : 0.0;
        else r2 = 1.0 - residualSquares / totalSquares;

        into["r2"] = r2;
        into["mean_absolute_error"] = absSum / n;
        into["mean_squared_error"] = residualSquares / n;
    }
}
