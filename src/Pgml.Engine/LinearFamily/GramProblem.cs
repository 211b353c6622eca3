using Pgml.Engine.Algorithms;
using Pgml.Engine.Linear;

namespace Pgml.Engine.LinearFamily;

/// <summary>
/// A least-squares problem reduced to its moments, as scikit-learn's linear models see it after _preprocess_data:
/// Q = XᵀX and q = Xᵀy about the means when the intercept is fitted (raw otherwise), yᵀy likewise. Every algorithm of
/// this family that only needs these (Bayesian ridge, ARD, LARS, OMP) works in O(d²) per iteration whatever the rows,
/// after one pass over them (<see cref="CenteredGram"/>).
/// </summary>
internal sealed class GramProblem
{
    private readonly CenteredGram _gram;

    private GramProblem(CenteredGram gram, bool fitIntercept)
    {
        _gram = gram;
        FitIntercept = fitIntercept;
        int d = gram.Features;
        D = d;
        Q = new double[d * d];
        Xty = new double[d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++) Q[i * d + j] = gram.At(i, j, fitIntercept);
            Xty[i] = gram.At(i, d, fitIntercept);
        }
        Yy = gram.At(d, d, fitIntercept);
    }

    public static GramProblem From(TrainingSet data, bool fitIntercept) =>
        new(CenteredGram.Compute(data, TargetColumns.Value), fitIntercept);

    public bool FitIntercept { get; }
    public int D { get; }
    public long Rows => _gram.Rows;

    /// <summary>d x d, row-major.</summary>
    public double[] Q { get; }
    public double[] Xty { get; }
    public double Yy { get; }

    /// <summary>numpy's var(y): about the mean, whether or not the intercept is fitted.</summary>
    public double LabelVariance => _gram.At(D, D, true) / Rows;

    /// <summary>‖y − Xw‖² = yᵀy − 2qᵀw + wᵀQw (never below 0: rounding can take an exact fit a hair under).</summary>
    public double ResidualSquares(ReadOnlySpan<double> w)
    {
        int d = D;
        double qw = 0, wqw = 0;
        for (int i = 0; i < d; i++)
        {
            if (w[i] == 0) continue;
            qw += Xty[i] * w[i];
            double row = 0;
            for (int j = 0; j < d; j++) row += Q[i * d + j] * w[j];
            wqw += w[i] * row;
        }
        return Math.Max(0, Yy - 2 * qw + wqw);
    }

    /// <summary>scikit-learn's _set_intercept: mean(y) − mean(x)·w, or 0 without an intercept.</summary>
    public double Intercept(ReadOnlySpan<double> w)
    {
        if (!FitIntercept) return 0;
        double b = _gram.Mean[D];
        for (int j = 0; j < D; j++) b -= _gram.Mean[j] * w[j];
        return b;
    }

    public LinearPredictor Predictor(double[] w) => new(LinearOutput.Value, D, 0, w, [Intercept(w)]);
}
