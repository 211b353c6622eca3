using Pgml.Engine.Training;

namespace Pgml.Engine.Clustering;

/// <summary>Order statistics without a sort (affinity_propagation's median preference, mean_shift's bandwidth
/// estimate).</summary>
internal static unsafe class QuickSelect
{
    /// <summary>The k-th smallest of v[0..n) (0-based), rearranging v: quickselect with a median-of-three pivot and a
    /// three-way partition, so the many equal values (the diagonal's zeros, duplicate rows) cost one pass.</summary>
    public static double Select(double* v, long n, long k, WorkMeter meter)
    {
        long lo = 0, hi = n - 1;
        while (hi > lo)
        {
            double x = v[lo], y = v[lo + (hi - lo) / 2], z = v[hi];
            double pivot = Math.Max(Math.Min(x, y), Math.Min(Math.Max(x, y), z));
            long lt = lo, i = lo, gt = hi;
            while (i <= gt)
            {
                double value = v[i];
                if (value < pivot) { v[i] = v[lt]; v[lt] = value; lt++; i++; }
                else if (value > pivot) { v[i] = v[gt]; v[gt] = value; gt--; }
                else i++;
            }
            meter.Add(hi - lo + 1);
            if (k < lt) hi = lt - 1;
            else if (k > gt) lo = gt + 1;
            else return pivot;
        }
        return v[lo];
    }
}
