using Pgml.Engine.Training;

namespace Pgml.Engine.Clustering;

/// <summary>
/// scikit-learn 1.2's MeanShift with the flat kernel, in double precision over float32 rows, one thread, by exhaustive
/// distance scans (scikit-learn asks a ball tree the same radius queries; the answers are the same sets): the bandwidth
/// estimate, the optional bin seeding, the shift of every seed to the mean of the rows within the bandwidth, and the
/// removal of near-duplicate modes by intensity.
/// </summary>
internal static unsafe class MeanShiftCore
{
    /// <summary>scikit-learn's estimate_bandwidth on all rows: the mean over rows of the distance to the row's k-th
    /// nearest row, k = max(1, floor(n · quantile)), the row itself counting as its first.</summary>
    public static double EstimateBandwidth(RowSet rows, double quantile, WorkMeter meter)
    {
        int n = rows.Count, d = rows.Features;
        int k = Math.Max(1, (int)(n * quantile));
        var distances = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            float* xi = rows.Row(i);
            for (int j = 0; j < n; j++) distances[j] = SquaredDistance(xi, rows.Row(j), d);
            meter.Add((long)n * d);
            fixed (double* p = distances) total += Math.Sqrt(QuickSelect.Select(p, n, k - 1, meter));
        }
        return total / n;
    }

    /// <summary>scikit-learn's get_bin_seeds: the rows rounded to a grid of the bandwidth (half to even, as numpy), the
    /// cells holding at least minBinFreq rows, scaled back; the rows themselves when every row has a cell of its own or
    /// the bandwidth is 0.</summary>
    public static double[][] BinSeeds(RowSet rows, double binSize, int minBinFreq)
    {
        int n = rows.Count, d = rows.Features;
        var rowsAsSeeds = Enumerable.Range(0, n).Select(i => RowOf(rows, i)).ToArray();
        if (binSize == 0) return rowsAsSeeds;
        var cells = new Dictionary<CellKey, int>();
        var order = new List<CellKey>();
        for (int i = 0; i < n; i++)
        {
            float* x = rows.Row(i);
            var cell = new double[d];
            for (int j = 0; j < d; j++) cell[j] = Math.Round(x[j] / binSize, MidpointRounding.ToEven);
            var key = new CellKey(cell);
            if (cells.TryGetValue(key, out int count)) cells[key] = count + 1;
            else { cells[key] = 1; order.Add(key); }
        }
        var seeds = order.Where(c => cells[c] >= minBinFreq)
            // scikit-learn stores the cells as float32 before scaling them back
            .Select(c => c.Values.Select(v => (double)(float)v * binSize).ToArray()).ToArray();
        return seeds.Length == n ? rowsAsSeeds : seeds;
    }

    /// <summary>The modes after the shifts, strongest first, and scikit-learn's n_iter_ (the most shifts of a seed).</summary>
    public static (double[][] Centres, int Iterations) Fit(RowSet rows, double[][] seeds, double bandwidth, int maxIter, WorkMeter meter)
    {
        int d = rows.Features;
        var intensity = new Dictionary<CellKey, int>();
        var mean = new double[d];
        int iterations = 0;
        foreach (var seed in seeds)
        {
            var (mode, within, shifts) = Shift(rows, seed, bandwidth, maxIter, mean, meter);
            iterations = Math.Max(iterations, shifts);
            if (within > 0) intensity[new CellKey(mode)] = within;
        }
        if (intensity.Count == 0)
            throw new InvalidDataException($"mean_shift found no row within bandwidth = {bandwidth} of any seed",
                "Raise the bandwidth, or remove it to let mean_shift estimate one.");
        // strongest first; equal intensities by the centre's coordinates, descending, as scikit-learn sorts its tuples
        var sorted = intensity.OrderByDescending(kv => kv.Value).ThenByDescending(kv => kv.Key).Select(kv => kv.Key.Values).ToArray();
        var unique = Enumerable.Repeat(true, sorted.Length).ToArray();
        double radius2 = bandwidth * bandwidth;
        for (int i = 0; i < sorted.Length; i++)
        {
            if (!unique[i]) continue;
            for (int j = 0; j < sorted.Length; j++)
                if (j != i && SquaredDistance(sorted[i], sorted[j]) <= radius2) unique[j] = false;
            meter.Add((long)sorted.Length * d);
        }
        return (sorted.Where((_, i) => unique[i]).ToArray(), iterations);
    }

    /// <summary>_mean_shift_single_seed: move to the mean of the rows within the bandwidth (distance at most it) until
    /// the move is shorter than 1e-3 · bandwidth or max_iter moves are done.</summary>
    private static (double[] Mode, int Within, int Shifts) Shift(RowSet rows, double[] seed, double bandwidth, int maxIter, double[] sum, WorkMeter meter)
    {
        int n = rows.Count, d = rows.Features;
        double stop = 1e-3 * bandwidth, radius2 = bandwidth * bandwidth;
        var current = (double[])seed.Clone();
        int shifts = 0, within = 0;
        while (true)
        {
            Array.Clear(sum);
            int count = 0;
            for (int i = 0; i < n; i++)
            {
                float* x = rows.Row(i);
                double s = 0;
                for (int j = 0; j < d && s <= radius2; j++)
                {
                    double diff = x[j] - current[j];
                    s += diff * diff;
                }
                if (s > radius2) continue;
                count++;
                for (int j = 0; j < d; j++) sum[j] += x[j];
            }
            meter.Add((long)n * d);
            within = count;
            if (count == 0) break;   // only a bin seed can have no row near it
            var next = new double[d];
            for (int j = 0; j < d; j++) next[j] = sum[j] / count;
            double moved = Math.Sqrt(SquaredDistance(next, current));
            current = next;
            if (moved < stop || shifts == maxIter) break;
            shifts++;
        }
        return (current, within, shifts);
    }

    private static double[] RowOf(RowSet rows, int i)
    {
        float* x = rows.Row(i);
        var row = new double[rows.Features];
        for (int j = 0; j < row.Length; j++) row[j] = x[j];
        return row;
    }

    private static double SquaredDistance(float* a, float* b, int d)
    {
        double s = 0;
        for (int j = 0; j < d; j++)
        {
            double diff = (double)a[j] - b[j];
            s += diff * diff;
        }
        return s;
    }

    private static double SquaredDistance(double[] a, double[] b)
    {
        double s = 0;
        for (int j = 0; j < a.Length; j++)
        {
            double diff = a[j] - b[j];
            s += diff * diff;
        }
        return s;
    }

    /// <summary>A point as a dictionary key (scikit-learn keys its cells and modes by the tuple of coordinates), ordered
    /// as Python orders tuples.</summary>
    private sealed class CellKey(double[] values) : IEquatable<CellKey>, IComparable<CellKey>
    {
        public double[] Values { get; } = values;

        public bool Equals(CellKey? other) => other is not null && Values.AsSpan().SequenceEqual(other.Values);
        public override bool Equals(object? obj) => Equals(obj as CellKey);

        public override int GetHashCode()
        {
            var h = new HashCode();
            foreach (double v in Values) h.Add(v);
            return h.ToHashCode();
        }

        public int CompareTo(CellKey? other)
        {
            for (int j = 0; j < Values.Length; j++)
            {
                int c = Values[j].CompareTo(other!.Values[j]);
                if (c != 0) return c;
            }
            return 0;
        }
    }
}
