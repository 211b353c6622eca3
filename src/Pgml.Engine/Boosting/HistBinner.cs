using System.Runtime.InteropServices;
using Pgml.Engine.Algorithms;

namespace Pgml.Engine.Boosting;

/// <summary>
/// hist_gradient_boosting's feature bins, as scikit-learn 1.2's _BinMapper makes them: per feature, from at most 200,000
/// training rows (a random subset above that), the midpoints between consecutive distinct values when there are at most
/// max_bins of them, else the max_bins − 1 "midpoint" percentiles at k / max_bins (numpy's method="midpoint"). A value x
/// falls in bin b = the number of thresholds below x, so x ≤ threshold[b] exactly for the bins 0..b: a split after bin b
/// is the test x ≤ threshold[b] on raw values.
/// </summary>
/// <remarks>The binned rows are bytes, column by column (feature f's bins of every row are contiguous), in native
/// memory: one byte per value.</remarks>
internal sealed unsafe class HistBinner : IDisposable
{
    private const int SubsampleRows = 200_000;

    public double[][] Thresholds { get; }
    public byte* Binned { get; private set; }
    public int Rows { get; }
    public int Features { get; }

    /// <summary>Bins of feature f: its thresholds plus one.</summary>
    public int BinsOf(int f) => Thresholds[f].Length + 1;

    /// <summary>Bins <paramref name="rows"/> (row indices into the matrix <paramref name="x"/>) with thresholds fitted on them.</summary>
    public HistBinner(float* x, int features, int[] rows, int maxBins, SeededRandom rng, Action checkInterrupts)
    {
        Features = features;
        Rows = rows.Length;
        var fitRows = rows;
        if (rows.Length > SubsampleRows)
        {
            var scratch = (int[])rows.Clone();
            for (int i = 0; i < SubsampleRows; i++)
            {
                int j = i + rng.NextInt(scratch.Length - i);
                (scratch[i], scratch[j]) = (scratch[j], scratch[i]);
            }
            fitRows = scratch[..SubsampleRows];
        }
        Thresholds = new double[features][];
        var column = new double[fitRows.Length];
        for (int f = 0; f < features; f++)
        {
            checkInterrupts();
            for (int i = 0; i < fitRows.Length; i++) column[i] = x[(long)fitRows[i] * features + f];
            Array.Sort(column);
            Thresholds[f] = Fit(column, maxBins);
        }
        Binned = (byte*)NativeMemory.Alloc((nuint)Rows * (nuint)features);
        for (int f = 0; f < features; f++)
        {
            checkInterrupts();
            double[] t = Thresholds[f];
            byte* to = Binned + (long)f * Rows;
            for (int i = 0; i < Rows; i++) to[i] = (byte)Bin(t, x[(long)rows[i] * features + f]);
        }
    }

    /// <summary>The thresholds of one feature from its sorted values.</summary>
    private static double[] Fit(double[] sorted, int maxBins)
    {
        var distinct = new List<double>();
        foreach (double v in sorted)
            if (distinct.Count == 0 || v != distinct[^1]) distinct.Add(v);
        if (distinct.Count <= maxBins)
        {
            var mid = new double[Math.Max(0, distinct.Count - 1)];
            for (int i = 0; i < mid.Length; i++) mid[i] = (distinct[i] + distinct[i + 1]) * 0.5;
            return mid;
        }
        // numpy.percentile(values, linspace(0, 100, maxBins + 1)[1:-1], method="midpoint")
        var result = new double[maxBins - 1];
        int n = sorted.Length;
        for (int k = 1; k < maxBins; k++)
        {
            double index = k * (100.0 / maxBins) / 100 * (n - 1);
            int lo = (int)Math.Floor(index);
            // numpy's lerp at t = 0.5 (b − (b − a) / 2) between the neighbours; an integral index is the value itself
            result[k - 1] = index == lo ? sorted[lo] : sorted[lo + 1] - (sorted[lo + 1] - sorted[lo]) * 0.5;
        }
        return result;
    }

    /// <summary>The number of thresholds strictly below <paramref name="v"/> (scikit-learn's binary search).</summary>
    private static int Bin(double[] thresholds, double v)
    {
        int left = 0, right = thresholds.Length;
        while (left < right)
        {
            int middle = left + (right - left - 1) / 2;
            if (v <= thresholds[middle]) right = middle;
            else left = middle + 1;
        }
        return left;
    }

    public void Dispose()
    {
        NativeMemory.Free(Binned);
        Binned = null;
    }
}
