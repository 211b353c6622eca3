using Pgml.Engine.Algorithms;
using Pgml.Engine.Training;

namespace Pgml.Engine.Clustering;

/// <summary>scikit-learn 1.2's MiniBatchKMeans.fit, step for step (its random numbers are pgml's own, see <see cref="SeededRandom"/>).</summary>
internal static unsafe class MiniBatchKMeansCore
{
    public sealed record Settings(int Clusters, bool PlusPlus, int Inits, int MaxIter, int BatchSize, double Tol,
        int? MaxNoImprovement, int? InitSize, double ReassignmentRatio);

    /// <summary>Returns the centres (k·d) and their inertia over all rows.</summary>
    public static (double[] Centres, double Inertia, int Steps) Fit(RowSet rows, Settings s, SeededRandom rng, Action check)
    {
        int n = rows.Count, d = rows.Features, k = s.Clusters;
        int batch = Math.Min(s.BatchSize, n);
        int initSize = s.InitSize ?? 3 * batch;
        if (initSize < k) initSize = 3 * k;
        initSize = Math.Min(initSize, n);
        double tol = KMeansCore.Tolerance(rows, s.Tol);

        // the validation rows on which the initialisations compete
        var validation = rows.Subset(Draw(rng, n, initSize));
        double[]? centres = null;
        double bestInertia = double.PositiveInfinity;
        for (int init = 0; init < s.Inits; init++)
        {
            check();
            var sample = initSize < n ? rows.Subset(Draw(rng, n, initSize)) : rows;
            var candidate = s.PlusPlus ? KMeansCore.PlusPlus(sample, k, rng, check) : KMeansCore.RandomRows(sample, k, rng);
            double inertia = KMeansCore.Inertia(validation, candidate, k, check);
            if (centres is null || inertia < bestInertia)
            {
                centres = candidate;
                bestInertia = inertia;
            }
        }

        centres ??= new double[k * d];   // (n_init >= 1: never null here)
        var next = new double[k * d];
        var counts = new double[k];
        var indices = new int[batch];
        var labels = new int[batch];
        var reassign = new bool[k];
        var order = new int[k];
        var scratch = new int[batch];
        var chosen = new int[batch];
        double? ewa = null, ewaMin = null;
        int noImprovement = 0, sinceReassign = 0;
        long steps = (long)s.MaxIter * n / batch;
        int step = 0;
        // a step costs batch x clusters x features (batch_size and n_clusters are the user's): paced by that work,
        // not by a count of steps
        var meter = new WorkMeter(check);
        check();
        for (; step < steps; step++)
        {
            meter.Add(batch);
            for (int i = 0; i < batch; i++) indices[i] = rng.NextInt(n);

            // _random_reassign(): evaluated before the step, on the counts as they were
            sinceReassign += batch;
            bool randomReassign = false;
            if (counts.Contains(0) || sinceReassign >= 10 * k)
            {
                sinceReassign = 0;
                randomReassign = true;
            }

            // _mini_batch_step: labels and inertia against the current centres
            double batchInertia = 0;
            for (int i = 0; i < batch; i++)
            {
                meter.Add((long)k * d);
                labels[i] = KMeansCore.Nearest(rows.Row(indices[i]), centres, k, d, out double dist);
                batchInertia += dist;
            }
            // _minibatch_update_dense: each centre becomes the mean of everything it has seen
            for (int c = 0; c < k; c++)
            {
                var centre = next.AsSpan(c * d, d);
                var old = centres.AsSpan(c * d, d);
                double weight = 0;
                meter.Add(batch + d);
                for (int i = 0; i < batch; i++) if (labels[i] == c) weight += 1;
                if (weight == 0)
                {
                    old.CopyTo(centre);
                    continue;
                }
                for (int j = 0; j < d; j++) centre[j] = old[j] * counts[c];
                for (int i = 0; i < batch; i++)
                {
                    if (labels[i] != c) continue;
                    float* row = rows.Row(indices[i]);
                    for (int j = 0; j < d; j++) centre[j] += row[j];
                }
                counts[c] += weight;
                double alpha = 1 / counts[c];
                for (int j = 0; j < d; j++) centre[j] *= alpha;
            }
            // clusters with very few rows seen move to random rows of the batch
            if (randomReassign && s.ReassignmentRatio > 0)
            {
                double max = counts.Max();
                int toReassign = 0;
                for (int c = 0; c < k; c++) if (reassign[c] = counts[c] < s.ReassignmentRatio * max) toReassign++;
                int limit = (int)(0.5 * batch);
                if (toReassign > 0.5 * batch)
                {
                    // numpy's argsort (quicksort, not stable; ties here keep the lower cluster first)
                    for (int c = 0; c < k; c++) order[c] = c;
                    Array.Sort(counts.ToArray(), order);
                    for (int r = limit; r < k; r++) reassign[order[r]] = false;
                    toReassign = limit;
                }
                if (toReassign > 0)
                {
                    rng.Sample(batch, toReassign, scratch, chosen);
                    int at = 0;
                    double minKept = double.PositiveInfinity;
                    for (int c = 0; c < k; c++)
                    {
                        if (!reassign[c])
                        {
                            minKept = Math.Min(minKept, counts[c]);
                            continue;
                        }
                        KMeansCore.CopyRow(rows.Row(indices[chosen[at++]]), next.AsSpan(c * d, d));
                    }
                    if (!double.IsPositiveInfinity(minKept))
                        for (int c = 0; c < k; c++) if (reassign[c]) counts[c] = minKept;
                }
            }
            double squaredShift = 0;
            if (tol > 0)
                for (int i = 0; i < next.Length; i++)
                {
                    double diff = next[i] - centres[i];
                    squaredShift += diff * diff;
                }
            (centres, next) = (next, centres);

            // _mini_batch_convergence
            batchInertia /= batch;
            if (step == 0) continue;   // the first batch's inertia is the initialisation's
            if (ewa is not double e) ewa = batchInertia;
            else
            {
                double alpha = Math.Min(batch * 2.0 / (n + 1), 1);
                ewa = e * (1 - alpha) + batchInertia * alpha;
            }
            if (tol > 0 && squaredShift <= tol) break;
            if (ewaMin is null || ewa < ewaMin)
            {
                noImprovement = 0;
                ewaMin = ewa;
            }
            else noImprovement++;
            if (s.MaxNoImprovement is int m && noImprovement >= m) break;
        }
        return (centres, KMeansCore.Inertia(rows, centres, k, check), Math.Min(step + 1, (int)Math.Max(1, steps)));
    }

    /// <summary>numpy's randint(0, n, size): size draws with replacement.</summary>
    private static int[] Draw(SeededRandom rng, int n, int size)
    {
        var rows = new int[size];
        for (int i = 0; i < size; i++) rows[i] = rng.NextInt(n);
        return rows;
    }
}
