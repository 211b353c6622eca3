using Pgml.Engine.Algorithms;
using Pgml.Engine.Training;

namespace Pgml.Engine.Clustering;

/// <summary>Rows of a float32 row-major matrix, all of them or those a list of indices names (a sample).</summary>
internal readonly unsafe struct RowSet(float* data, int features, int count, int[]? index = null)
{
    public readonly float* Data = data;
    public readonly int Features = features;
    public readonly int Count = count;
    public readonly int[]? Index = index;

    public float* Row(int i) => Data + (long)(Index is null ? i : Index[i]) * Features;

    public RowSet Subset(int[] rows)
    {
        var index = Index;
        return new(Data, Features, rows.Length, index is null ? rows : rows.Select(r => index[r]).ToArray());
    }
}

/// <summary>
/// The pieces of scikit-learn's KMeans and MiniBatchKMeans (1.2), in double precision over float32 rows, one thread:
/// greedy k-means++, Lloyd's iterations with the relocation of empty clusters, the mini-batch update, and the
/// nearest-centre assignment. Distances are computed directly, sum((x - c)^2), so the data need not be centred.
/// </summary>
internal static unsafe class KMeansCore
{
    /// <summary>Per-row scratch arrays, allocated once for all of kmeans' n_init runs.</summary>
    public sealed class Buffers(int rows)
    {
        public readonly double[] A = new double[rows], B = new double[rows], C = new double[rows];
        public readonly int[] Labels = new int[rows], LabelsOld = new int[rows];
    }

    /// <summary>The squared distance from a row to a centre.</summary>
    public static double Distance(float* row, ReadOnlySpan<double> centre)
    {
        double s = 0;
        for (int j = 0; j < centre.Length; j++)
        {
            double diff = row[j] - centre[j];
            s += diff * diff;
        }
        return s;
    }

    /// <summary>The nearest centre (the first of equals) and its squared distance.</summary>
    public static int Nearest(float* row, double[] centres, int k, int d, out double distance)
    {
        int best = 0;
        double bestDistance = double.PositiveInfinity;
        for (int c = 0; c < k; c++)
        {
            var centre = centres.AsSpan(c * d, d);
            double s = 0;
            for (int j = 0; j < d; j++)
            {
                double diff = row[j] - centre[j];
                s += diff * diff;
                if (s >= bestDistance) break;
            }
            if (s < bestDistance)
            {
                bestDistance = s;
                best = c;
            }
        }
        distance = bestDistance;
        return best;
    }

    /// <summary>Sum over the rows of the squared distance to the nearest centre.</summary>
    public static double Inertia(RowSet rows, double[] centres, int k, Action check)
    {
        double inertia = 0;
        var meter = new WorkMeter(check);
        for (int i = 0; i < rows.Count; i++)
        {
            meter.Add((long)k * rows.Features);
            Nearest(rows.Row(i), centres, k, rows.Features, out double dist);
            inertia += dist;
        }
        return inertia;
    }

    /// <summary>scikit-learn's tolerance: tol times the mean over features of their variance (numpy's var, ddof 0).</summary>
    public static double Tolerance(RowSet rows, double tol)
    {
        if (tol == 0) return 0;
        int d = rows.Features, n = rows.Count;
        var mean = new double[d];
        var variance = new double[d];
        for (int i = 0; i < n; i++)
        {
            float* row = rows.Row(i);
            for (int j = 0; j < d; j++) mean[j] += row[j];
        }
        for (int j = 0; j < d; j++) mean[j] /= n;
        for (int i = 0; i < n; i++)
        {
            float* row = rows.Row(i);
            for (int j = 0; j < d; j++)
            {
                double diff = row[j] - mean[j];
                variance[j] += diff * diff;
            }
        }
        return variance.Sum() / n / d * tol;
    }

    /// <summary>
    /// scikit-learn's _kmeans_plusplus: the first centre uniformly, then each next one the best (lowest resulting
    /// potential) of 2 + floor(ln k) candidates drawn with probability proportional to the squared distance to the
    /// nearest centre so far.
    /// </summary>
    public static double[] PlusPlus(RowSet rows, int k, SeededRandom rng, Action check, Buffers? buffers = null)
    {
        int n = rows.Count, d = rows.Features;
        int trials = 2 + (int)Math.Log(k);
        var centres = new double[k * d];
        buffers ??= new Buffers(n);
        var closest = buffers.A;
        var candidate = buffers.B;   // also the cumulative sums
        var best = buffers.C;
        var candidates = new int[trials];
        CopyRow(rows.Row(rng.NextInt(n)), centres.AsSpan(0, d));
        double potential = 0;
        var meter = new WorkMeter(check);
        for (int i = 0; i < n; i++)
        {
            meter.Add(d);
            closest[i] = Distance(rows.Row(i), centres.AsSpan(0, d));
            potential += closest[i];
        }
        for (int c = 1; c < k; c++)
        {
            check();
            // numpy's stable_cumsum and searchsorted (side left), clipped to the last row
            double sum = 0;
            for (int i = 0; i < n; i++) candidate[i] = sum += closest[i];
            for (int t = 0; t < trials; t++)
            {
                double r = rng.NextDouble() * potential;
                int lo = 0, hi = n;
                while (lo < hi)
                {
                    int mid = (lo + hi) >>> 1;
                    if (candidate[mid] < r) lo = mid + 1;
                    else hi = mid;
                }
                candidates[t] = Math.Min(lo, n - 1);
            }
            double bestPotential = double.PositiveInfinity;
            int bestRow = -1;
            for (int t = 0; t < trials; t++)
            {
                float* centre = rows.Row(candidates[t]);
                double pot = 0;
                for (int i = 0; i < n; i++)
                {
                    meter.Add(d);
                    float* row = rows.Row(i);
                    double s = 0;
                    for (int j = 0; j < d; j++)
                    {
                        double diff = (double)row[j] - centre[j];
                        s += diff * diff;
                    }
                    candidate[i] = Math.Min(closest[i], s);
                    pot += candidate[i];
                }
                if (pot < bestPotential)
                {
                    bestPotential = pot;
                    bestRow = candidates[t];
                    (best, candidate) = (candidate, best);
                }
            }
            potential = bestPotential;
            (closest, best) = (best, closest);
            CopyRow(rows.Row(bestRow), centres.AsSpan(c * d, d));
        }
        return centres;
    }

    /// <summary>scikit-learn's init = "random": k distinct rows drawn uniformly.</summary>
    public static double[] RandomRows(RowSet rows, int k, SeededRandom rng)
    {
        int d = rows.Features;
        var chosen = new int[k];
        rng.Sample(rows.Count, k, new int[rows.Count], chosen);
        var centres = new double[k * d];
        for (int c = 0; c < k; c++) CopyRow(rows.Row(chosen[c]), centres.AsSpan(c * d, d));
        return centres;
    }

    public static void CopyRow(float* row, Span<double> to)
    {
        for (int j = 0; j < to.Length; j++) to[j] = row[j];
    }

    /// <summary>
    /// scikit-learn's _kmeans_single_lloyd: assign every row to its nearest centre, move each centre to its rows' mean
    /// (an empty cluster takes the row farthest from its own centre, as _relocate_empty_clusters_dense), and stop when
    /// the assignment no longer changes or the centres' total squared move is at most <paramref name="tol"/>. Returns
    /// the inertia of the final centres; <paramref name="centres"/> is updated in place.
    /// </summary>
    public static double Lloyd(RowSet rows, double[] centres, int k, int maxIter, double tol, Action check, out int iterations,
        Buffers? buffers = null)
    {
        int n = rows.Count, d = rows.Features;
        buffers ??= new Buffers(n);
        var labels = buffers.Labels;
        var labelsOld = buffers.LabelsOld;
        Array.Fill(labelsOld, -1);
        var next = new double[k * d];
        var weights = new double[k];
        double[]? mean = null;
        // a row costs clusters x features: 65,536 rows against 1,000 centres of 100 features were 6.5 billion
        var meter = new WorkMeter(check);
        iterations = 0;
        for (int iter = 0; iter < maxIter; iter++)
        {
            check();
            iterations = iter + 1;
            Array.Clear(next);
            Array.Clear(weights);
            for (int i = 0; i < n; i++)
            {
                meter.Add((long)k * d);
                float* row = rows.Row(i);
                int c = Nearest(row, centres, k, d, out _);
                labels[i] = c;
                weights[c] += 1;
                var sum = next.AsSpan(c * d, d);
                for (int j = 0; j < d; j++) sum[j] += row[j];
            }
            RelocateEmpty(rows, centres, next, weights, labels, k);
            double shift = 0;
            for (int c = 0; c < k; c++)
            {
                var centre = next.AsSpan(c * d, d);
                if (weights[c] > 0)
                {
                    double alpha = 1 / weights[c];
                    for (int j = 0; j < d; j++) centre[j] *= alpha;
                }
                else
                {
                    // still empty (fewer distinct rows than clusters): scikit-learn leaves a zero in its centred
                    // coordinates, which is the mean of the rows
                    mean ??= Mean(rows);
                    mean.CopyTo(centre);
                }
                for (int j = 0; j < d; j++)
                {
                    double diff = centre[j] - centres[c * d + j];
                    shift += diff * diff;
                }
            }
            next.CopyTo(centres, 0);
            if (labels.AsSpan().SequenceEqual(labelsOld)) break;
            if (shift <= tol) break;
            (labels, labelsOld) = (labelsOld, labels);
        }
        return Inertia(rows, centres, k, check);
    }

    private static double[] Mean(RowSet rows)
    {
        var mean = new double[rows.Features];
        for (int i = 0; i < rows.Count; i++)
        {
            float* row = rows.Row(i);
            for (int j = 0; j < mean.Length; j++) mean[j] += row[j];
        }
        for (int j = 0; j < mean.Length; j++) mean[j] /= rows.Count;
        return mean;
    }

    /// <summary>
    /// Gives each empty cluster a row: the rows farthest from their own centre (old centres), farthest first; the sums
    /// of <paramref name="next"/> (not yet divided) and the weights move with them. Nothing moves when every row sits
    /// on its centre (fewer distinct rows than clusters).
    /// </summary>
    private static void RelocateEmpty(RowSet rows, double[] centres, double[] next, double[] weights, int[] labels, int k)
    {
        int empty = 0;
        for (int c = 0; c < k; c++) if (weights[c] == 0) empty++;
        if (empty == 0) return;
        int n = rows.Count, d = rows.Features;
        // the `empty` largest distances, kept sorted (largest first); ties keep the earlier row
        var farRows = new int[empty];
        var farDist = new double[empty];
        Array.Fill(farDist, -1);
        for (int i = 0; i < n; i++)
        {
            double dist = Distance(rows.Row(i), centres.AsSpan(labels[i] * d, d));
            if (dist <= farDist[empty - 1]) continue;
            int at = empty - 1;
            while (at > 0 && farDist[at - 1] < dist)
            {
                farDist[at] = farDist[at - 1];
                farRows[at] = farRows[at - 1];
                at--;
            }
            farDist[at] = dist;
            farRows[at] = i;
        }
        if (farDist[0] == 0) return;
        int e = 0;
        for (int c = 0; c < k && e < empty; c++)
        {
            if (weights[c] != 0) continue;
            int far = farRows[e++];
            int old = labels[far];
            float* row = rows.Row(far);
            for (int j = 0; j < d; j++)
            {
                next[old * d + j] -= row[j];
                next[c * d + j] = row[j];
            }
            weights[c] = 1;
            weights[old] -= 1;
        }
    }
}
