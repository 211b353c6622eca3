using Pgml.Engine.Algorithms;
using Pgml.Engine.LinearFamily;
using Pgml.Engine.Tests.Algorithms;
using Pgml.Engine.Tests.Linear;
using Pgml.Engine.Tests.TestData;
using Xunit;

namespace Pgml.Engine.Tests.LinearFamily;

/// <summary>least_angle, lasso_least_angle and orthogonal_matching_pursuit against Lars, LassoLars and
/// OrthogonalMatchingPursuit.</summary>
public class LarsOmpTests
{
    // 1e-9 of the coefficients' scale: the path is a finite sequence of exact steps (which variable enters or leaves
    // is decided by comparisons far from ties on this data, and the steps taken are asserted equal), each a small
    // linear solve in double; only rounding differs.
    private const double SamePath = 1e-9;

    private static Pgml.Engine.Linear.LinearFit Fit(string name, string json, SyntheticData data) =>
        ((LarsAlgorithm)AlgorithmRegistry.Find(name, TaskKind.Regression)).Fit(json, data.TrainingSet());

    [Theory]
    [InlineData(500, true)]    // the default: every feature enters, the least-squares fit
    [InlineData(3, true)]
    [InlineData(5, false)]
    public void Lars_matches_scikit_learn(int nonzero, bool fitIntercept)
    {
        using var data = SyntheticData.Regression(400, 9, seed: 51, noise: 0.4);
        var fit = Fit("least_angle", $$"""{"n_nonzero_coefs": {{nonzero}}, "fit_intercept": {{(fitIntercept ? "true" : "false")}}}""", data);
        var s = data.Sklearn("sklearn.linear_model.Lars", new { n_nonzero_coefs = nonzero, fit_intercept = fitIntercept }, "coef_", "intercept_", "n_iter_");
        Close.Vector(s["coef_"].Flat(), fit.Model.Coefficients(0), SamePath);
        Close.Vector(s["intercept_"].Flat(), fit.Model.Intercepts, SamePath, floor: 1);
        Assert.Equal((int)s["n_iter_"].Scalar(), fit.Iterations);
        Assert.Equal(Math.Min(nonzero, 9), fit.Model.Coefficients(0).ToArray().Count(w => w != 0));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.01)]
    [InlineData(0.001)]
    [InlineData(1.0)]    // the default: on this data every weight is 0 and the model is the mean
    public void Lasso_lars_matches_scikit_learn_and_the_lasso(double alpha)
    {
        using var data = SyntheticData.Regression(400, 9, seed: 52, noise: 0.4);
        var fit = Fit("lasso_least_angle", FormattableString.Invariant($$"""{"alpha": {{alpha:R}}}"""), data);
        var s = data.Sklearn("sklearn.linear_model.LassoLars", new { alpha }, "coef_", "intercept_", "n_iter_");
        Close.Vector(s["coef_"].Flat(), fit.Model.Coefficients(0), SamePath);
        Close.Vector(s["intercept_"].Flat(), fit.Model.Intercepts, SamePath, floor: 1);
        Assert.Equal((int)s["n_iter_"].Scalar(), fit.Iterations);
        // and the same optimum as coordinate descent's lasso (to its tol)
        var lasso = data.Fit("lasso", FormattableString.Invariant($$"""{"alpha": {{alpha:R}}, "tol": 1e-12, "max_iter": 100000}"""));
        Close.Vector(Close.Coefficients(lasso), fit.Model.Coefficients(0), 1e-6);
    }

    [Fact]
    public void Lasso_lars_drops_a_variable_whose_coefficient_crosses_zero_as_scikit_learn_does()
    {
        // x2 ≈ x0 + x1 is the most correlated with y and enters first with a positive weight, but y's own weight on
        // it is negative: on the way to it the lasso path must take x2 out at zero (the lasso modification of LARS)
        var rng = new Random(53);
        var x = new float[300][];
        var y = new float[300];
        for (int i = 0; i < 300; i++)
        {
            double x0 = SyntheticData.Gaussian(rng), x1 = SyntheticData.Gaussian(rng), x3 = SyntheticData.Gaussian(rng);
            double x2 = x0 + x1 + 0.5 * SyntheticData.Gaussian(rng);
            x[i] = [(float)x0, (float)x1, (float)x2, (float)x3];
            y[i] = (float)(2 * x0 + 2 * x1 - 0.5 * x2 + 0.3 * x3 + 0.2 * SyntheticData.Gaussian(rng));
        }
        using var data = new SyntheticData(x, y, 300, TaskKind.Regression);
        bool dropped = false;
        foreach (double alpha in new[] { 1e-4, 0.01, 0.05 })
        {
            var fit = Fit("lasso_least_angle", FormattableString.Invariant($$"""{"alpha": {{alpha:R}}}"""), data);
            var s = SklearnReference.Fit("sklearn.linear_model.LassoLars", new { alpha }, x, y, null, "coef_", "intercept_", "n_iter_");
            Close.Vector(s["coef_"].Flat(), fit.Model.Coefficients(0), SamePath);
            Assert.Equal((int)s["n_iter_"].Scalar(), fit.Iterations);
            // each step adds or drops one variable: more steps than weights left means one was dropped
            dropped |= fit.Iterations > fit.Model.Coefficients(0).ToArray().Count(w => w != 0);
        }
        Assert.True(dropped, "the data was meant to make the lasso path drop a variable");
    }

    [Theory]
    [InlineData("{}")]                        // max(⌊0.1·d⌋, 1) = 1 of 12
    [InlineData("""{"n_nonzero_coefs": 5}""")]
    [InlineData("""{"n_nonzero_coefs": 12, "fit_intercept": false}""")]
    [InlineData("""{"tol": 40.0}""")]
    public void Omp_matches_scikit_learn(string json)
    {
        using var data = SyntheticData.Regression(400, 12, seed: 54, noise: 0.4);
        var fit = new OmpAlgorithm().Fit(json, data.TrainingSet());
        var s = data.Sklearn("sklearn.linear_model.OrthogonalMatchingPursuit", System.Text.Json.Nodes.JsonNode.Parse(json)!, "coef_", "intercept_", "n_iter_");
        Close.Vector(s["coef_"].Flat(), fit.Model.Coefficients(0), SamePath);
        Close.Vector(s["intercept_"].Flat(), fit.Model.Intercepts, SamePath, floor: 1);
        Assert.Equal((int)s["n_iter_"].Scalar(), fit.Iterations);
    }

    [Fact]
    public void Omp_refuses_more_coefficients_than_features()
    {
        using var data = SyntheticData.Regression(50, 3, seed: 55);
        var e = Assert.Throws<InvalidParameterException>(() => new OmpAlgorithm().Fit("""{"n_nonzero_coefs": 4}""", data.TrainingSet()));
        Assert.Contains("at most 3", e.Hint);
    }

    [Fact]
    public void Normalize_and_jitter_are_refused_with_a_hint()
    {
        var lars = AlgorithmRegistry.Find("least_angle", TaskKind.Regression);
        Assert.Contains("preprocess", Assert.Throws<UnsupportedException>(() => lars.Validate("""{"normalize": true}""", TaskKind.Regression)).Hint);
        Assert.Throws<UnsupportedException>(() => lars.Validate("""{"jitter": 0.1}""", TaskKind.Regression));
        lars.Validate("""{"normalize": false, "precompute": "auto", "fit_path": true}""", TaskKind.Regression);
    }
}
