using Pgml.Engine.Algorithms;
using Pgml.Engine.LinearFamily;
using Pgml.Engine.Tests.Algorithms;
using Pgml.Engine.Tests.Linear;
using Pgml.Engine.Tests.TestData;
using Xunit;

namespace Pgml.Engine.Tests.LinearFamily;

/// <summary>huber against HuberRegressor.</summary>
public class HuberTests
{
    /// <summary>y = Xw + b + noise with 10 % of the labels thrown far off (the outliers Huber's loss is for).</summary>
    private static SyntheticData WithOutliers(int seed)
    {
        var clean = SyntheticData.Regression(400, 6, seed, noise: 0.3);
        var rng = new Random(seed + 1000);
        var y = clean.Labels.Select(v => rng.NextDouble() < 0.1 ? (float)(v + 20 * (rng.NextDouble() - 0.5)) : v).ToArray();
        var data = new SyntheticData(clean.X, y, clean.Train, TaskKind.Regression);
        clean.Dispose();
        return data;
    }

    [Theory]
    [InlineData(1.35, 1e-4, true)]
    [InlineData(1.1, 0.1, true)]
    [InlineData(2.0, 1e-4, false)]
    public void Converged_fit_matches_scikit_learn(double epsilon, double alpha, bool fitIntercept)
    {
        using var data = WithOutliers(61);
        // tol 1e-10 and many iterations: both run until the ftol stop of a jointly convex objective, so the weights
        // are those of the unique optimum to ~1e-5 of their scale (ftol 2.2e-9 of the objective bounds the distance to
        // the optimum by about its square root in the flattest direction)
        string json = FormattableString.Invariant($$"""{"epsilon": {{epsilon:R}}, "alpha": {{alpha:R}}, "fit_intercept": {{(fitIntercept ? "true" : "false")}}, "tol": 1e-10, "max_iter": 10000}""");
        var (fit, scale) = new HuberAlgorithm().Fit(json, data.TrainingSet());
        var s = data.Sklearn("sklearn.linear_model.HuberRegressor", new { epsilon, alpha, fit_intercept = fitIntercept, tol = 1e-10, max_iter = 10000 },
            "coef_", "intercept_", "scale_");
        Close.Vector(s["coef_"].Flat(), fit.Model.Coefficients(0), 1e-4);
        Close.Vector(s["intercept_"].Flat(), fit.Model.Intercepts, 1e-4, floor: 1);
        Assert.Equal(s["scale_"].Scalar(), scale, s["scale_"].Scalar() * 1e-3);
    }

    [Fact]
    public void Default_fit_predicts_as_scikit_learn()
    {
        using var data = WithOutliers(62);
        var p = data.Fit("huber");
        var s = data.Sklearn("sklearn.linear_model.HuberRegressor", new { }, "predict");
        // the default tol 1e-5 is on a gradient of size O(n); both stop at the ftol test a few iterations from the
        // optimum along different line-search paths, so predictions agree to ~1e-3 of the label's scale
        var expected = s["predict"].Flat();
        var actual = data.PredictTest(p).Select(o => (double)o[0]).ToArray();
        Close.Vector(expected, actual, 2e-3);
    }

    [Fact]
    public void Outliers_move_huber_less_than_least_squares()
    {
        using var data = WithOutliers(63);
        using var clean = SyntheticData.Regression(400, 6, 63, noise: 0.3);
        var truth = clean.Fit("linear");
        double Distance(Pgml.Engine.Linear.LinearPredictor p) =>
            Math.Sqrt(Enumerable.Range(0, 6).Sum(j => Math.Pow(p.Coefficients(0)[j] - truth.Coefficients(0)[j], 2)));
        Assert.True(Distance(data.Fit("huber")) < Distance(data.Fit("linear")) / 2);
    }
}
