using Pgml.Engine.Algorithms;

namespace Pgml.Engine.Linear;

/// <summary>How the label becomes the target columns the Gram matrix is augmented with.</summary>
internal enum TargetColumns
{
    /// <summary>One column: the label itself (regression).</summary>
    Value,
    /// <summary>Classification as a ridge classifier codes it: +1 for the class, -1 otherwise; one column (class 1) for
    /// two classes, one per class otherwise.</summary>
    PlusMinusOne,
}

/// <summary>
/// Means and co-moments Σ (z - mean)(z - mean)ᵀ of the augmented rows z = [x, targets] over the training rows, in
/// double, in one pass. Rows are taken in blocks: a block's own mean and centered co-moments are exact-ish (the block
/// sits in cache while it is read twice), and blocks merge with the pairwise update of Chan, Golub and LeVeque (1979),
/// so a feature with a large mean and a small spread keeps its precision (no Σx² − n·mean² cancellation).
/// </summary>
internal sealed unsafe class CenteredGram
{
    private CenteredGram(int features, int targets, long rows, double[] mean, double[] comoment)
    {
        Features = features;
        Targets = targets;
        Rows = rows;
        Mean = mean;
        Comoment = comoment;
    }

    public int Features { get; }
    public int Targets { get; }
    public int Size => Features + Targets;
    public long Rows { get; }
    public double[] Mean { get; }

    /// <summary>Size x Size, row-major, symmetric.</summary>
    public double[] Comoment { get; }

    /// <summary>Entry (a, b) about the means when <paramref name="centered"/>, else the raw Σ z_a z_b.</summary>
    public double At(int a, int b, bool centered) =>
        Comoment[a * Size + b] + (centered ? 0 : Rows * Mean[a] * Mean[b]);

    public static int TargetCount(TargetColumns coding, int classes) =>
        coding == TargetColumns.Value ? 1 : classes == 2 ? 1 : classes;

    public static CenteredGram Compute(TrainingSet data, TargetColumns coding)
    {
        int d = data.NumFeatures, t = TargetCount(coding, data.NumClasses), p = d + t;
        long n = data.TrainRows;
        int block = Math.Max(16, 65536 / p);
        var z = new double[block * p];
        var blockMean = new double[p];
        var blockM = new double[p * p];
        var mean = new double[p];
        var m = new double[p * p];
        float* x = data.Features.Data;
        float* labels = data.LabelPointer;
        long seen = 0;
        // a block costs rows x p² / 2 multiply-adds: 100,000 rows of 1,000 features would be 50 billion between checks
        var meter = new Training.WorkMeter(data.CheckInterrupts);
        data.CheckInterrupts();
        for (long start = 0; start < n; start += block)
        {
            int rows = (int)Math.Min(block, n - start);
            // the block as doubles, augmented with its targets
            for (int r = 0; r < rows; r++)
            {
                float* row = x + (start + r) * d;
                int at = r * p;
                for (int j = 0; j < d; j++) z[at + j] = row[j];
                float label = labels[start + r];
                if (coding == TargetColumns.Value) z[at + d] = label;
                else if (t == 1) z[at + d] = label == 1 ? 1 : -1;
                else for (int k = 0; k < t; k++) z[at + d + k] = label == k ? 1 : -1;
            }
            Array.Clear(blockMean);
            for (int r = 0; r < rows; r++)
                for (int a = 0; a < p; a++) blockMean[a] += z[r * p + a];
            for (int a = 0; a < p; a++) blockMean[a] /= rows;
            Array.Clear(blockM);
            for (int r = 0; r < rows; r++)
            {
                int at = r * p;
                for (int a = 0; a < p; a++) z[at + a] -= blockMean[a];
                for (int a = 0; a < p; a++)
                {
                    double ca = z[at + a];
                    if (ca == 0) continue;
                    int row = a * p;
                    for (int b = a; b < p; b++) blockM[row + b] += ca * z[at + b];
                }
            }
            // merge: M += M_block + (n_a n_b / n) δδᵀ, mean += δ n_b / n
            long total = seen + rows;
            double w = (double)seen * rows / total;
            for (int a = 0; a < p; a++)
            {
                double da = blockMean[a] - mean[a];
                for (int b = a; b < p; b++)
                    m[a * p + b] += blockM[a * p + b] + w * da * (blockMean[b] - mean[b]);
            }
            for (int a = 0; a < p; a++) mean[a] += (blockMean[a] - mean[a]) * rows / total;
            seen = total;
            meter.Add((long)rows * p * (p + 1) / 2);
        }
        for (int a = 0; a < p; a++)
            for (int b = 0; b < a; b++) m[a * p + b] = m[b * p + a];
        foreach (double v in m)
            if (!double.IsFinite(v)) throw LinearData.NotFinite();
        return new CenteredGram(d, t, n, mean, m);
    }
}
