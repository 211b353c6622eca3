using Pgml.Engine.Algorithms;

namespace Pgml.Engine.Linear;

/// <summary>
/// scikit-learn's lbfgs objective for LogisticRegression: Σᵢ loss(yᵢ, zᵢ) + ½·(1/C)·‖W‖² (intercepts not penalized),
/// where zᵢ = W·xᵢ + b and loss is log(1 + e^z) − y·z for two classes (one weight vector, y ∈ {0, 1}) or the
/// multinomial log-sum-exp(z) − z_y for more. Value and gradient come from one streaming pass over the training rows
/// in double. Parameters are laid out class by class: [w_k (d), b_k (when fitted)].
/// </summary>
internal sealed unsafe class LogisticObjective
{
    private readonly TrainingSet _data;
    private readonly double _l2;
    private readonly double[] _z, _x;

    /// <param name="softmaxForTwo">Two classes as a two-vector softmax (multi_class "multinomial") instead of one sigmoid.</param>
    public LogisticObjective(TrainingSet data, bool fitIntercept, double l2, bool softmaxForTwo = false)
    {
        _data = data;
        _l2 = l2;
        FitIntercept = fitIntercept;
        Blocks = data.NumClasses == 2 && !softmaxForTwo ? 1 : data.NumClasses;
        Stride = data.NumFeatures + (fitIntercept ? 1 : 0);
        _z = new double[Blocks];
        _x = new double[data.NumFeatures];
    }

    public bool FitIntercept { get; }
    public int Blocks { get; }
    public int Stride { get; }
    public int Dimension => Blocks * Stride;

    public double Evaluate(ReadOnlySpan<double> theta, Span<double> grad)
    {
        int d = _data.NumFeatures, blocks = Blocks, stride = Stride;
        grad.Clear();
        float* data = _data.Features.Data;
        float* labels = _data.LabelPointer;
        long n = _data.TrainRows;
        var z = _z;
        var x = _x;
        double loss = 0;
        // a row costs features x classes: 131,072 rows of 1,000 features and 100 classes were 13 billion between checks
        var meter = new Training.WorkMeter(_data.CheckInterrupts);
        long perRow = (long)(d + 1) * blocks;
        for (long r = 0; r < n; r++)
        {
            float* row = data + r * d;
            for (int j = 0; j < d; j++) x[j] = row[j];
            int y = (int)labels[r];
            for (int k = 0; k < blocks; k++)
            {
                int at = k * stride;
                double s = FitIntercept ? theta[at + d] : 0;
                for (int j = 0; j < d; j++) s += theta[at + j] * x[j];
                z[k] = s;
            }
            if (blocks == 1)
            {
                double target = y == 1 ? 1 : 0;
                loss += Logistic.Softplus(z[0]) - target * z[0];
                z[0] = Logistic.Sigmoid(z[0]) - target;
            }
            else
            {
                loss += -z[y];
                loss += Logistic.SoftmaxInPlace(z);
                z[y] -= 1;
            }
            for (int k = 0; k < blocks; k++)
            {
                double residual = z[k];
                int at = k * stride;
                for (int j = 0; j < d; j++) grad[at + j] += residual * x[j];
                if (FitIntercept) grad[at + d] += residual;
            }
            meter.Add(perRow);
        }
        if (_l2 > 0)
            for (int k = 0; k < blocks; k++)
                for (int j = 0; j < d; j++)
                {
                    double w = theta[k * stride + j];
                    loss += 0.5 * _l2 * w * w;
                    grad[k * stride + j] += _l2 * w;
                }
        return loss;
    }
}
