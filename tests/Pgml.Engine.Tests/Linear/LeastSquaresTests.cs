using Pgml.Engine.Models;
using Pgml.Engine.Tests.Algorithms;
using Xunit;

namespace Pgml.Engine.Tests.Linear;

/// <summary>linear (regression) and ridge against LinearRegression, Ridge and RidgeClassifier: closed forms, so the
/// coefficients must agree to rounding.</summary>
public class LeastSquaresTests
{
    // 1e-9 of the coefficients' scale: both solve the same well-conditioned system (cond(XᵀX) < 100) in double from the
    // same float32 rows (scikit-learn by LAPACK least squares, pgml by the normal equations); seen: ~1e-15.
    private const double ClosedForm = 1e-9;
    // 1e-6 relative: pgml's predictions are rounded to float32 once (scikit-learn's stay in double).
    private const double Float32 = 1e-6;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Ordinary_least_squares_matches_LinearRegression(bool fitIntercept)
    {
        using var data = SyntheticData.Regression(500, 6, seed: 21);
        var p = data.Fit("linear", $$"""{"fit_intercept": {{(fitIntercept ? "true" : "false")}}}""");
        var s = data.Sklearn("sklearn.linear_model.LinearRegression", new { fit_intercept = fitIntercept }, "coef_", "intercept_", "predict");
        Close.Vector(s["coef_"].Flat(), p.Coefficients(0), ClosedForm);
        Close.Vector(s["intercept_"].Flat(), p.Intercepts, ClosedForm, floor: 1);
        Close.Vector(s["predict"].Flat(), data.PredictTest(p).Select(o => (double)o[0]).ToArray(), Float32);
    }

    [Fact]
    public void A_feature_with_a_large_mean_keeps_its_precision()
    {
        // x0 = 10000 + small spread: Σx² − n·mean² would cancel 8 digits; the blocked centered pass does not
        var rng = new Random(5);
        var x = Enumerable.Range(0, 400).Select(_ => new[] { (float)(10000 + rng.NextDouble()), (float)rng.NextDouble() }).ToArray();
        var y = x.Select(r => (float)(3 * (r[0] - 10000) - 2 * r[1] + 0.01 * rng.NextDouble())).ToArray();
        using var data = new SyntheticData(x, y, 300, TaskKind.Regression);
        var p = data.Fit("linear");
        var s = data.Sklearn("sklearn.linear_model.LinearRegression", new { }, "coef_", "intercept_");
        // 1e-7: cond(XᵀX) of the centered data is ~1, but float32 rows near 1e4 carry only ~3 digits of spread... both
        // sides see the same rounded rows, so what is left is double rounding in the two solvers
        Close.Vector(s["coef_"].Flat(), p.Coefficients(0), 1e-7);
        Close.Vector(s["intercept_"].Flat(), p.Intercepts, 1e-7);
    }

    [Fact]
    public void Collinear_and_constant_columns_get_the_minimum_norm_solution()
    {
        // columns: a, b, a (duplicate), 2b (exact in float32), 7 (constant)
        var rng = new Random(9);
        var x = Enumerable.Range(0, 300).Select(_ =>
        {
            float a = (float)rng.NextDouble(), b = (float)rng.NextDouble();
            return new[] { a, b, a, 2 * b, 7f };
        }).ToArray();
        var y = x.Select(r => (float)(1.5 * r[0] - r[1] + 0.5 + 0.05 * rng.NextDouble())).ToArray();
        using var data = new SyntheticData(x, y, 200, TaskKind.Regression);
        var p = data.Fit("linear");
        // scikit-learn on these columns returns ~1e12 weights that cancel (gelsd keeps singular values that rounding
        // left at ~1e-16 of the largest), so the reference is its fit on the independent columns a, b, spread as the
        // minimum-norm solution does: a's weight halved over its two copies, b's weight c over b and 2b as (c/5, 2c/5)
        var s = SklearnReference.Fit("sklearn.linear_model.LinearRegression", new { },
            data.XTrain.Select(r => new[] { r[0], r[1] }).ToArray(), data.YTrain, null, "coef_", "intercept_");
        var (ca, cb) = (s["coef_"].Flat()[0], s["coef_"].Flat()[1]);
        // 1e-6: the pseudo-inverse drops eigenvalues below 1e-12 of the largest, exactly the dependent directions here
        Close.Vector([ca / 2, cb / 5, ca / 2, 2 * cb / 5, 0], p.Coefficients(0), 1e-6);
        Close.Vector(s["intercept_"].Flat(), p.Intercepts, 1e-6);
        Assert.Equal(0, p.Coefficients(0)[4]);
    }

    [Theory]
    [InlineData(1.0, true)]
    [InlineData(25.0, true)]
    [InlineData(3.0, false)]
    public void Ridge_matches_Ridge(double alpha, bool fitIntercept)
    {
        using var data = SyntheticData.Regression(400, 5, seed: 22, noise: 0.5);
        var p = data.Fit("ridge", $$"""{"alpha": {{alpha}}, "fit_intercept": {{(fitIntercept ? "true" : "false")}}}""");
        var s = data.Sklearn("sklearn.linear_model.Ridge", new { alpha, fit_intercept = fitIntercept }, "coef_", "intercept_");
        Close.Vector(s["coef_"].Flat(), p.Coefficients(0), ClosedForm);
        Close.Vector(s["intercept_"].Flat(), p.Intercepts, ClosedForm, floor: 1);
    }

    [Theory]
    [InlineData(2, 1.0)]
    [InlineData(4, 1.0)]
    [InlineData(3, 10.0)]
    public void Ridge_classifier_matches_RidgeClassifier(int classes, double alpha)
    {
        using var data = SyntheticData.Classification(450, 5, classes, seed: 23, spread: 3);
        var p = data.Fit("ridge", $$"""{"alpha": {{alpha}}}""");
        var s = data.Sklearn("sklearn.linear_model.RidgeClassifier", new { alpha }, "coef_", "intercept_", "decision_function", "predict");
        Close.Vector(s["coef_"].Flat(), Close.Coefficients(p), ClosedForm);
        Close.Vector(s["intercept_"].Flat(), p.Intercepts, ClosedForm, floor: 1);
        var scores = data.PredictTest(p);
        var decision = s["decision_function"].Flat();
        // binary: scikit-learn's one decision value s is pgml's [-s, s]; otherwise one score per class
        var ours = classes == 2 ? scores.Select(o => (double)o[1]).ToArray() : scores.SelectMany(o => o.Select(v => (double)v)).ToArray();
        Close.Vector(decision, ours, Float32);
        Assert.Equal(s["predict"].Flat(), scores.Select(o => (double)Close.ArgMax(o.Select(v => (double)v).ToArray())));
    }
}
