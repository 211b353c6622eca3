using Pgml.Engine.Algorithms;

namespace Pgml.Engine.Linear;

/// <summary>
/// LogisticRegression as scikit-learn's lbfgs solver fits it: L-BFGS from zero on <see cref="LogisticObjective"/>,
/// gtol = tol on the gradient of the summed loss, at most max_iter iterations. Two classes: one weight vector
/// (sigmoid); more: one per class (softmax). multi_class "multinomial" and "auto" are the same fit for more than two
/// classes; for two classes "multinomial" fits a two-vector softmax (w₀ = −w₁ at the optimum) and the model keeps
/// w₁ − w₀, whose sigmoid is that softmax (scikit-learn keeps w₁ as coef_, so it is half of pgml's row).
/// </summary>
internal static class LogisticRegression
{
    public sealed record Options(double C, bool Penalized, bool FitIntercept, double Tol, int MaxIter, bool Multinomial = false);

    public static LinearFit Fit(TrainingSet data, Options o)
    {
        int d = data.NumFeatures, classes = data.NumClasses;
        foreach (float label in data.TrainLabels) LinearData.ClassOf(label, classes);
        var objective = new LogisticObjective(data, o.FitIntercept, o.Penalized ? 1 / o.C : 0, o.Multinomial);
        var result = Lbfgs.Minimize(objective.Evaluate, new double[objective.Dimension], o.Tol, o.MaxIter, data.CheckInterrupts);
        int blocks = objective.Blocks, stride = objective.Stride;
        var coef = new double[blocks * d];
        var intercept = new double[blocks];
        for (int k = 0; k < blocks; k++)
        {
            Array.Copy(result.X, k * stride, coef, k * d, d);
            intercept[k] = o.FitIntercept ? result.X[k * stride + d] : 0;
        }
        if (classes == 2 && blocks == 2)
        {
            for (int j = 0; j < d; j++) coef[j] = coef[d + j] - coef[j];
            coef = coef[..d];
            intercept = [intercept[1] - intercept[0]];
        }
        return new LinearFit(new LinearPredictor(LinearOutput.Logistic, d, classes, coef, intercept), result.Iterations);
    }
}
