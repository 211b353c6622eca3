namespace Pgml.Engine.Preprocessing;

/// <summary>
/// Statistics of one raw position over the training rows, missing values excluded, in the position's value space:
/// the number itself for numeric positions, the category id for native/ordinal/one-hot, the target mean for target
/// encoding. All NaN when <see cref="Count"/> is 0.
/// </summary>
/// <param name="Count">Training rows with a value.</param>
/// <param name="Missing">Training rows without a value (NULL).</param>
/// <param name="Distinct">Distinct values (-0 and 0 count as one).</param>
/// <param name="StdDev">Population standard deviation (divides by Count, like PostgresML and scikit-learn's StandardScaler).</param>
/// <param name="Median">The 50th percentile, interpolated (the mean of the two middle values when Count is even).</param>
/// <param name="Mode">The most frequent value; among equally frequent values the smallest.</param>
/// <param name="P25">The 25th percentile, linearly interpolated like numpy's default (and scikit-learn's RobustScaler).</param>
/// <param name="P75">The 75th percentile, likewise.</param>
public sealed record FeatureStatistics(
    long Count, long Missing, long Distinct,
    double Min, double Max, double MaxAbs, double Mean, double StdDev,
    double Median, double Mode, double P25, double P75)
{
    internal static FeatureStatistics None(long missing) => new(0, missing, 0,
        double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>From distinct values sorted ascending with their (positive) counts.</summary>
    internal static FeatureStatistics FromRuns(ReadOnlySpan<double> values, ReadOnlySpan<long> counts, long missing)
    {
        if (values.IsEmpty) return None(missing);
        long n = 0;
        double sum = 0;
        int modeRun = 0;
        for (int i = 0; i < values.Length; i++)
        {
            n += counts[i];
            sum += values[i] * counts[i];
            if (counts[i] > counts[modeRun]) modeRun = i; // strict: ties keep the smaller value
        }
        double mean = sum / n;
        double squares = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double d = values[i] - mean;
            squares += d * d * counts[i];
        }

        // Cumulative counts, so the k-th smallest value is a binary search away.
        var ends = new long[values.Length];
        long c = 0;
        for (int i = 0; i < ends.Length; i++) ends[i] = c += counts[i];

        double min = values[0], max = values[^1];
        return new FeatureStatistics(n, missing, values.Length,
            min, max, Math.Max(Math.Abs(min), Math.Abs(max)), mean, Math.Sqrt(squares / n),
            Quantile(values, ends, 0.5), values[modeRun], Quantile(values, ends, 0.25), Quantile(values, ends, 0.75));
    }

    /// <summary>numpy's "linear" method: position h = (n - 1) q between the two neighbouring order statistics.</summary>
    private static double Quantile(ReadOnlySpan<double> values, long[] ends, double q)
    {
        long n = ends[^1];
        double h = (n - 1) * q;
        long lo = (long)Math.Floor(h);
        double lower = ValueAt(values, ends, lo);
        if (h == lo) return lower;
        double upper = ValueAt(values, ends, lo + 1);
        return lower + (h - lo) * (upper - lower);
    }

    private static double ValueAt(ReadOnlySpan<double> values, long[] ends, long k)
    {
        // First run whose end exceeds k.
        int i = Array.BinarySearch(ends, k + 1);
        return values[i >= 0 ? i : ~i];
    }
}
