using Pgml.Engine.Algorithms;

namespace Pgml.Engine.LinearFamily;

internal enum SgdPenalty { None, L2, L1, ElasticNet }

internal enum SgdLearningRate { Constant, Optimal, InvScaling, Adaptive, PassiveAggressive1, PassiveAggressive2 }

/// <summary>
/// scikit-learn's plain SGD (sklearn/linear_model/_sgd_fast.pyx, as its documentation and the papers it cites describe
/// it), shared by stochastic_gradient_descent, passive_aggressive and perceptron: epochs over the training rows, each in
/// a fresh seeded random order when shuffling; per row the prediction p = w·x + b, the step −η·loss′(p, y) (or the
/// passive-aggressive step min(C, loss/‖x‖²) or loss/(‖x‖² + 1/(2C)), signed by the target), the L2 shrinkage of w by
/// 1 − (1 − l1_ratio)·η·α, the update of w and b, and for L1 Tsuruoka's cumulative truncated gradient. η is
/// constant, 1/(α(t₀ + t)) ("optimal", t₀ from Bottou's heuristic), η₀/t^power_t, or adaptive (÷5 whenever n_iter_no_change
/// epochs fail to improve). Training stops when n_iter_no_change epochs in a row do not lower the epoch's summed loss
/// by tol·n below the best so far, or after max_iter epochs.
/// </summary>
internal sealed unsafe class SgdSolver(TrainingSet data, SgdSolver.Options o)
{
    public sealed record Options(SgdLoss Loss, SgdPenalty Penalty, double Alpha, double L1Ratio, double C, SgdLearningRate LearningRate,
        double Eta0, double PowerT, int MaxIter, double? Tol, int NIterNoChange, bool Shuffle, int Seed, bool FitIntercept);

    private const double MaxDerivative = 1e12;

    /// <summary>Epochs run by the last <see cref="Fit"/>.</summary>
    public int Epochs { get; private set; }

    /// <summary>One binary (targets ±1) or regression problem: its weights (d) and intercept.</summary>
    /// <param name="target">The target of a training row: the label, or ±1 for one class against the others.</param>
    public (double[] W, double B) Fit(Func<float, double> target, int seed)
    {
        int d = data.NumFeatures;
        long n = data.TrainRows;
        if (n > int.MaxValue) throw new InvalidDataException("stochastic gradient descent trains on at most 2^31 - 1 rows", "Train on a sample.");
        // w = scale·v, as scikit-learn's WeightVector keeps it, so the L2 shrinkage of every step costs O(1) and the
        // arithmetic (hence a run without shuffling) is the same as scikit-learn's
        var v = new double[d];
        double scale = 1;
        var q = o.Penalty is SgdPenalty.L1 or SgdPenalty.ElasticNet ? new double[d] : null;
        double l1Ratio = o.Penalty switch { SgdPenalty.L2 => 0, SgdPenalty.L1 => 1, _ => o.L1Ratio };
        double b = 0, u = 0, t = 1, eta = o.Eta0, bestLoss = double.PositiveInfinity;
        double optimalInit = 0;
        if (o.LearningRate == SgdLearningRate.Optimal)
        {
            double typw = Math.Sqrt(1.0 / Math.Sqrt(o.Alpha));
            double initialEta0 = typw / Math.Max(1.0, o.Loss.Derivative(-typw, 1.0));
            optimalInit = 1.0 / (initialEta0 * o.Alpha);
        }
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var rng = new Random(seed);
        float* rows = data.Features.Data;
        float* labels = data.LabelPointer;
        var meter = new Training.WorkMeter(data.CheckInterrupts);
        int noImprovement = 0, epoch = 0;
        bool passiveAggressive = o.LearningRate >= SgdLearningRate.PassiveAggressive1;
        data.CheckInterrupts();
        while (epoch < o.MaxIter)
        {
            epoch++;
            if (o.Shuffle)
                for (int i = (int)n - 1; i > 0; i--)
                {
                    int j = rng.Next(i + 1);
                    (order[i], order[j]) = (order[j], order[i]);
                }
            double sumLoss = 0;
            for (long k = 0; k < n; k++)
            {
                long i = order[k];
                float* x = rows + i * d;
                double y = target(labels[i]);
                if (o.LearningRate == SgdLearningRate.Optimal) eta = 1.0 / (o.Alpha * (optimalInit + t - 1));
                else if (o.LearningRate == SgdLearningRate.InvScaling) eta = o.Eta0 / Math.Pow(t, o.PowerT);
                double dot = 0;
                for (int j = 0; j < d; j++) dot += v[j] * x[j];
                double p = dot * scale + b;
                sumLoss += o.Loss.Loss(p, y);
                double update;
                if (passiveAggressive)
                {
                    double norm = 0;
                    for (int j = 0; j < d; j++) norm += (double)x[j] * x[j];
                    if (o.LearningRate == SgdLearningRate.PassiveAggressive1)
                    {
                        if (norm == 0) continue;   // as scikit-learn: no step, and t does not advance
                        update = Math.Min(o.C, o.Loss.Loss(p, y) / norm);
                    }
                    else update = o.Loss.Loss(p, y) / (norm + 0.5 / o.C);
                    if (o.Loss.IsClassification) update *= y;
                    else if (y - p < 0) update = -update;
                }
                else update = -eta * Math.Clamp(o.Loss.Derivative(p, y), -MaxDerivative, MaxDerivative);
                if (o.Penalty is SgdPenalty.L2 or SgdPenalty.ElasticNet)
                {
                    scale *= Math.Max(0, 1.0 - (1.0 - l1Ratio) * eta * o.Alpha);
                    if (scale < ScaleFloor) Rescale(v, ref scale);
                }
                if (update != 0)
                {
                    double step = update / scale;
                    for (int j = 0; j < d; j++) v[j] += x[j] * step;
                    if (o.FitIntercept) b += update;
                }
                if (q is not null)
                {
                    u += l1Ratio * eta * o.Alpha;
                    TruncateL1(v, scale, q, u);
                }
                t++;
                meter.Add(3L * d + 8);
            }
            if (o.Tol is { } tol && sumLoss > bestLoss - tol * n) noImprovement++;
            else noImprovement = 0;
            if (sumLoss < bestLoss) bestLoss = sumLoss;
            if (!double.IsFinite(b) || !double.IsFinite(scale) || !v.All(double.IsFinite))
                throw new InvalidDataException($"floating-point overflow in stochastic gradient descent at epoch {epoch}",
                    "Scale the features (preprocess => '{\"column\": {\"scale\": \"standard\"}}'), or lower eta0 or alpha.");
            if (noImprovement >= o.NIterNoChange)
            {
                if (o.LearningRate == SgdLearningRate.Adaptive && eta > 1e-6)
                {
                    eta /= 5;
                    noImprovement = 0;
                }
                else break;
            }
        }
        Epochs = epoch;
        Rescale(v, ref scale);
        return (v, o.FitIntercept ? b : 0);
    }

    /// <summary>scikit-learn's WSCALE_THRESHOLD: below it the scale is folded into the weights.</summary>
    private const double ScaleFloor = 1e-9;

    private static void Rescale(double[] v, ref double scale)
    {
        for (int j = 0; j < v.Length; j++) v[j] *= scale;
        scale = 1;
    }

    /// <summary>Tsuruoka, Tsujii and Ananiadou (2009): pull each weight toward 0 by the penalty accumulated so far (u)
    /// less what it already received (q), never across 0.</summary>
    private static void TruncateL1(double[] v, double scale, double[] q, double u)
    {
        for (int j = 0; j < v.Length; j++)
        {
            double z = v[j];
            if (scale * z > 0) v[j] = Math.Max(0, z - (u + q[j]) / scale);
            else if (scale * z < 0) v[j] = Math.Min(0, z + (u - q[j]) / scale);
            q[j] += scale * (v[j] - z);
        }
    }
}
