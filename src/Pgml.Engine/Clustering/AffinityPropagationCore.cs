using System.Numerics;
using System.Runtime.InteropServices;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Training;

namespace Pgml.Engine.Clustering;

/// <summary>
/// scikit-learn 1.2's _affinity_propagation over negative squared euclidean similarities, in double precision, one
/// thread, vectorised within each row, on three n x n matrices in native memory (similarities, responsibilities, availabilities; scikit-learn
/// keeps a fourth, a temporary, which the row-by-row updates here do not need). The updates, the damping, the
/// convergence rule (every row's exemplar vote unchanged for convergence_iter iterations and at least one exemplar)
/// and the final refinement of exemplars are scikit-learn's, step for step.
/// </summary>
internal static unsafe class AffinityPropagationCore
{
    /// <summary>The fitted result: the exemplars (row indices, ascending: the label of a cluster is its rank) and the
    /// iterations run.</summary>
    public readonly record struct Result(int[] Exemplars, int Iterations, bool Converged);

    public static Result Fit(RowSet rows, double? preference, double damping, int maxIter, int convergenceIter, SeededRandom rng, Action check)
    {
        int n = rows.Count;
        long nn = (long)n * n;
        double* s = null, r = null, a = null;
        try
        {
            s = Alloc(nn);
            r = Alloc(nn);
            a = Alloc(nn);
            var meter = new WorkMeter(check);
            Similarities(rows, s, meter);
            double pref = preference ?? Median(s, r, nn, meter);
            if (n == 1 || AllOffDiagonalEqual(s, n))
                // scikit-learn's degenerate case (it warns): every row its own exemplar when the preference is at least the
                // common similarity, else the first row alone
                return new Result(pref >= s[n - 1] ? Enumerable.Range(0, n).ToArray() : [0], 0, true);
            for (int i = 0; i < n; i++) s[(long)i * n + i] = pref;
            AddTieBreakingNoise(s, nn, rng, meter);
            Clear(r, nn);
            Clear(a, nn);
            return Iterate(s, r, a, n, damping, maxIter, convergenceIter, meter);
        }
        finally
        {
            NativeMemory.Free(s);
            NativeMemory.Free(r);
            NativeMemory.Free(a);
        }
    }

    private static double* Alloc(long count) => (double*)NativeMemory.Alloc((nuint)count, sizeof(double));

    private static void Clear(double* p, long count) => NativeMemory.Clear(p, (nuint)count * sizeof(double));

    /// <summary>S[i, k] = -||x_i - x_k||^2, computed directly (scikit-learn expands the square; the two differ in the
    /// last bits, which matters only for ties).</summary>
    private static void Similarities(RowSet rows, double* s, WorkMeter meter)
    {
        int n = rows.Count, d = rows.Features;
        for (int i = 0; i < n; i++)
        {
            float* xi = rows.Row(i);
            s[(long)i * n + i] = 0;
            for (int k = i + 1; k < n; k++)
            {
                float* xk = rows.Row(k);
                double sum = 0;
                for (int j = 0; j < d; j++)
                {
                    double diff = (double)xi[j] - xk[j];
                    sum += diff * diff;
                }
                s[(long)i * n + k] = -sum;
                s[(long)k * n + i] = -sum;
            }
            meter.Add((long)(n - i) * d);
        }
    }

    /// <summary>numpy's median of all n^2 similarities (the zero diagonal included, as scikit-learn takes it): the mean
    /// of the two middle values when the count is even. A quickselect on a copy in <paramref name="scratch"/>, not a
    /// sort: linear on average, and its partition passes count towards the interrupt checks (a sort of 10^8 values
    /// would run seconds without one).</summary>
    private static double Median(double* s, double* scratch, long nn, WorkMeter meter)
    {
        Buffer.MemoryCopy(s, scratch, nn * sizeof(double), nn * sizeof(double));
        long mid = nn / 2;
        double upper = QuickSelect.Select(scratch, nn, mid, meter);
        if (nn % 2 == 1) return upper;
        // after the selection every value left of mid is at most the selected one: the lower middle is their maximum
        double lower = double.NegativeInfinity;
        for (long i = 0; i < mid; i++) lower = Math.Max(lower, scratch[i]);
        meter.Add(mid);
        return (lower + upper) / 2;
    }

    private static bool AllOffDiagonalEqual(double* s, int n)
    {
        double first = s[1];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
                if (i != k && s[(long)i * n + k] != first) return false;
        return true;
    }

    /// <summary>scikit-learn's "remove degeneracies": S += (eps·S + 100·tiny)·N(0, 1), which breaks ties between equal
    /// similarities. The normal draws are pgml's generator's (Box-Muller), not numpy's, so a fit where ties decide can
    /// differ from scikit-learn's; without ties the noise (relative 2e-16) changes nothing.</summary>
    private static void AddTieBreakingNoise(double* s, long nn, SeededRandom rng, WorkMeter meter)
    {
        const double Eps = 2.220446049250313e-16, Tiny = 2.2250738585072014e-308;
        for (long i = 0; i < nn; i += 2)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            double radius = Math.Sqrt(-2.0 * Math.Log(u1));
            s[i] += (Eps * s[i] + Tiny * 100) * radius * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < nn) s[i + 1] += (Eps * s[i + 1] + Tiny * 100) * radius * Math.Sin(2 * Math.PI * u2);
            if ((i & 0xFFFF) == 0) meter.Add(0x10000);
        }
    }

    private static Result Iterate(double* s, double* r, double* a, int n, double damping, int maxIter, int convergenceIter, WorkMeter meter)
    {
        double keep = damping, take = 1 - damping;
        var columnSums = new double[n];
        var votes = new byte[(long)n * convergenceIter];   // e: each row's exemplar vote in the last convergence_iter iterations
        var voteCounts = new int[n];
        var exemplar = new bool[n];
        int it = 0;
        bool converged = false;
        for (; it < maxIter; it++)
        {
            // responsibilities: R = d·R + (1 - d)·(S - max_{k' != k}(A + S)), row by row
            for (int i = 0; i < n; i++)
            {
                double* si = s + (long)i * n, ai = a + (long)i * n, ri = r + (long)i * n;
                int best = 0;
                double first = double.NegativeInfinity, second = double.NegativeInfinity;
                for (int k = 0; k < n; k++)
                {
                    double v = ai[k] + si[k];
                    if (k == 0 || v > first)
                    {
                        second = first;
                        first = v;
                        best = k;
                    }
                    else if (v > second) second = v;
                }
                double oldBest = ri[best];
                Damp(ri, si, first, keep, take, n);
                ri[best] = oldBest * keep + (si[best] - second) * take;
                meter.Add(2L * n);
            }
            // availabilities: column sums of max(R, 0) with R's own diagonal, then A = d·A - (1 - d)·(-Anew)
            Array.Clear(columnSums);
            for (int i = 0; i < n; i++)
            {
                double* ri = r + (long)i * n;
                AddPositive(columnSums, ri, 0, i);
                columnSums[i] += ri[i];
                AddPositive(columnSums, ri, i + 1, n);
                meter.Add(n);
            }
            for (int i = 0; i < n; i++)
            {
                double* ri = r + (long)i * n, ai = a + (long)i * n;
                UpdateAvailabilities(ai, ri, columnSums, 0, i, keep, take);
                ai[i] = ai[i] * keep - (ri[i] - columnSums[i]) * take;   // the diagonal: no clip
                UpdateAvailabilities(ai, ri, columnSums, i + 1, n, keep, take);
                meter.Add(n);
            }
            // convergence: the exemplar votes E = diag(A) + diag(R) > 0
            int slot = it % convergenceIter, exemplars = 0;
            bool stable = true;
            for (int i = 0; i < n; i++)
            {
                long ii = (long)i * n + i;
                bool e = a[ii] + r[ii] > 0;
                exemplar[i] = e;
                if (e) exemplars++;
                ref byte old = ref votes[(long)i * convergenceIter + slot];
                voteCounts[i] += (e ? 1 : 0) - old;
                old = (byte)(e ? 1 : 0);
                if (voteCounts[i] != 0 && voteCounts[i] != convergenceIter) stable = false;
            }
            if (it >= convergenceIter && stable && exemplars > 0)
            {
                converged = true;
                break;
            }
        }
        int iterations = converged ? it + 1 : maxIter;
        var chosen = new List<int>();
        for (int i = 0; i < n; i++) if (exemplar[i]) chosen.Add(i);
        if (chosen.Count == 0) return new Result([], iterations, converged);
        return new Result(Refine(s, n, chosen.ToArray(), meter), iterations, converged);
    }

    // The element-wise steps of a message pass, vectorised: numpy's whole-matrix operations in the same order of
    // arithmetic per element, so the results are the same doubles.

    /// <summary>r[k] = r[k]·keep + (s[k] - max)·take for every k.</summary>
    private static void Damp(double* r, double* s, double max, double keep, double take, int n)
    {
        int k = 0, w = Vector<double>.Count;
        var vKeep = new Vector<double>(keep);
        var vTake = new Vector<double>(take);
        var vMax = new Vector<double>(max);
        for (; k <= n - w; k += w)
        {
            var vr = Vector.Load(r + k);
            var vs = Vector.Load(s + k);
            (vr * vKeep + (vs - vMax) * vTake).Store(r + k);
        }
        for (; k < n; k++) r[k] = r[k] * keep + (s[k] - max) * take;
    }

    /// <summary>sums[k] += max(r[k], 0) for k in [from, to).</summary>
    private static void AddPositive(double[] sums, double* r, int from, int to)
    {
        int k = from, w = Vector<double>.Count;
        fixed (double* sp = sums)
        {
            for (; k <= to - w; k += w)
                (Vector.Load(sp + k) + Vector.Max(Vector.Load(r + k), Vector<double>.Zero)).Store(sp + k);
            for (; k < to; k++) sp[k] += Math.Max(r[k], 0);
        }
    }

    /// <summary>a[k] = a[k]·keep - max(max(r[k], 0) - sums[k], 0)·take for k in [from, to) (off the diagonal).</summary>
    private static void UpdateAvailabilities(double* a, double* r, double[] sums, int from, int to, double keep, double take)
    {
        int k = from, w = Vector<double>.Count;
        var vKeep = new Vector<double>(keep);
        var vTake = new Vector<double>(take);
        fixed (double* sp = sums)
        {
            for (; k <= to - w; k += w)
            {
                var t = Vector.Max(Vector.Max(Vector.Load(r + k), Vector<double>.Zero) - Vector.Load(sp + k), Vector<double>.Zero);
                (Vector.Load(a + k) * vKeep - t * vTake).Store(a + k);
            }
            for (; k < to; k++) a[k] = a[k] * keep - Math.Max(Math.Max(r[k], 0) - sp[k], 0) * take;
        }
    }

    /// <summary>scikit-learn's last step: assign each row to its most similar exemplar, make each cluster's exemplar
    /// the member with the highest summed similarity to the other members, assign again; the distinct exemplars,
    /// ascending.</summary>
    private static int[] Refine(double* s, int n, int[] exemplars, WorkMeter meter)
    {
        int k = exemplars.Length;
        var c = Assign(s, n, exemplars, meter);
        var sums = new double[n];
        for (int cluster = 0; cluster < k; cluster++)
        {
            var members = new List<int>();
            for (int i = 0; i < n; i++) if (c[i] == cluster) members.Add(i);
            Array.Clear(sums, 0, members.Count);
            foreach (int i in members)
            {
                double* si = s + (long)i * n;
                for (int m = 0; m < members.Count; m++) sums[m] += si[members[m]];
                meter.Add(members.Count);
            }
            int best = 0;
            for (int m = 1; m < members.Count; m++) if (sums[m] > sums[best]) best = m;
            exemplars[cluster] = members[best];
        }
        c = Assign(s, n, exemplars, meter);
        return c.Select(label => exemplars[label]).Distinct().Order().ToArray();
    }

    /// <summary>c[i] = argmax over the exemplars of S[i, exemplar] (the first of equals), then each exemplar its own.</summary>
    private static int[] Assign(double* s, int n, int[] exemplars, WorkMeter meter)
    {
        var c = new int[n];
        for (int i = 0; i < n; i++)
        {
            double* si = s + (long)i * n;
            int best = 0;
            for (int e = 1; e < exemplars.Length; e++) if (si[exemplars[e]] > si[exemplars[best]]) best = e;
            c[i] = best;
            meter.Add(exemplars.Length);
        }
        for (int e = 0; e < exemplars.Length; e++) c[exemplars[e]] = e;
        return c;
    }
}
