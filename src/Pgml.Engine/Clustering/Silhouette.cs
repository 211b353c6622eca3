using Pgml.Engine.Data;

namespace Pgml.Engine.Clustering;

/// <summary>
/// The mean silhouette coefficient, as scikit-learn's silhouette_score with the euclidean metric: for each row, a = its
/// mean distance to the other rows of its cluster, b = the lowest mean distance to the rows of another cluster,
/// s = (b - a) / max(a, b), and 0 for a row alone in its cluster; the score is the mean of s over the rows. Exact and
/// O(n² · d): the caller samples (about 10,000 rows at most, 50 million pairs).
/// </summary>
internal static class Silhouette
{
    /// <summary>The largest rows x clusters table kept to visit each pair once (32 MiB); past it each pair is measured
    /// twice with one row's table at a time.</summary>
    private const long MaxTable = 1L << 22;

    /// <param name="rows">n rows of <paramref name="numFeatures"/> values, row-major (finite values).</param>
    /// <param name="labels">The n rows' clusters (any integers).</param>
    /// <param name="checkInterrupts">Called every few thousand rows, if given.</param>
    /// <returns>The score in [-1, 1], or NaN when there are fewer than 2 clusters or as many clusters as rows (where
    /// scikit-learn raises: the score is not defined).</returns>
    public static double Score(ReadOnlySpan<float> rows, int numFeatures, ReadOnlySpan<int> labels, Action? checkInterrupts = null) =>
        Score(rows, numFeatures, labels, checkInterrupts, pairsOnce: null);

    /// <param name="pairsOnce">Whether to keep the rows x clusters table (null: when it is small enough).</param>
    internal static double Score(ReadOnlySpan<float> rows, int numFeatures, ReadOnlySpan<int> labels, Action? checkInterrupts, bool? pairsOnce)
    {
        int n = labels.Length, d = numFeatures;
        if (d < 1) throw new ArgumentOutOfRangeException(nameof(numFeatures));
        if ((long)n * d != rows.Length) throw new ArgumentException($"{rows.Length} values are not {n} rows of {d}", nameof(rows));
        // clusters numbered 0 .. K - 1 in order of their labels (scikit-learn's LabelEncoder)
        var distinct = labels.ToArray().Distinct().Order().ToArray();
        int k = distinct.Length;
        if (k < 2 || k > n - 1) return double.NaN;
        var index = new Dictionary<int, int>(k);
        for (int c = 0; c < k; c++) index[distinct[c]] = c;
        var cluster = new int[n];
        var sizes = new int[k];
        for (int i = 0; i < n; i++) sizes[cluster[i] = index[labels[i]]]++;

        double total = 0;
        // one row costs (rows x features) multiply-adds: paced by that, not by a count of rows
        var meter = checkInterrupts is null ? null : new Training.WorkMeter(checkInterrupts);
        if (pairsOnce ?? (long)n * k <= MaxTable)
        {
            // each pair once; row i's sums receive rows 0 .. n - 1 in order, as scikit-learn's bincount adds them
            var sums = new double[n * k];
            for (int i = 0; i < n; i++)
            {
                meter?.Add((long)(n - i) * d);
                var a = rows.Slice(i * d, d);
                int ci = cluster[i];
                for (int j = i + 1; j < n; j++)
                {
                    double dist = Distance(a, rows.Slice(j * d, d));
                    sums[i * k + cluster[j]] += dist;
                    sums[j * k + ci] += dist;
                }
                total += Coefficient(sums.AsSpan(i * k, k), ci, sizes);
            }
        }
        else
        {
            var sums = new double[k];
            for (int i = 0; i < n; i++)
            {
                meter?.Add((long)n * d);
                var a = rows.Slice(i * d, d);
                Array.Clear(sums);
                for (int j = 0; j < n; j++)
                    if (j != i) sums[cluster[j]] += Distance(a, rows.Slice(j * d, d));
                total += Coefficient(sums, cluster[i], sizes);
            }
        }
        return total / n;
    }

    /// <summary>The score of some rows of a matrix (e.g. a sample of the training rows) and their clusters.</summary>
    public static double Score(NativeMatrix matrix, ReadOnlySpan<long> rows, ReadOnlySpan<int> labels, Action? checkInterrupts = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (rows.Length != labels.Length) throw new ArgumentException("one label per row", nameof(labels));
        int d = matrix.Columns;
        var values = new float[(long)rows.Length * d];
        for (int i = 0; i < rows.Length; i++) matrix.Row(rows[i]).CopyTo(values.AsSpan(i * d, d));
        return Score(values, d, labels, checkInterrupts);
    }

    private static double Coefficient(ReadOnlySpan<double> sums, int own, int[] sizes)
    {
        if (sizes[own] == 1) return 0;
        double a = sums[own] / (sizes[own] - 1);
        double b = double.PositiveInfinity;
        for (int c = 0; c < sums.Length; c++)
            if (c != own) b = Math.Min(b, sums[c] / sizes[c]);
        double denominator = Math.Max(a, b);
        return denominator == 0 ? 0 : (b - a) / denominator;
    }

    private static double Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int j = 0; j < a.Length; j++)
        {
            double diff = (double)a[j] - b[j];
            s += diff * diff;
        }
        return Math.Sqrt(s);
    }
}
