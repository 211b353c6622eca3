using Pgml.Engine.Linear;
using Pgml.Engine.Tests.Algorithms;
using Xunit;

namespace Pgml.Engine.Tests.Linear;

/// <summary>lasso and elastic_net against Lasso and ElasticNet.</summary>
public class ElasticNetTests
{
    // 1e-8 of the coefficients' scale: pgml runs the same cyclic coordinate updates from zero with the same stopping
    // rule (duality gap < tol·‖y‖² checked when the largest change is below tol of the largest weight), so it stops
    // after the same sweep; only rounding differs (Gram form vs scikit-learn's residual form). Seen: ~1e-15.
    private const double SameIterates = 1e-8;

    [Theory]
    [InlineData("lasso", 0.1, 1.0, false, true)]
    [InlineData("lasso", 0.01, 1.0, false, true)]
    [InlineData("lasso", 0.05, 1.0, true, true)]
    [InlineData("elastic_net", 0.1, 0.5, false, true)]
    [InlineData("elastic_net", 0.05, 0.2, false, false)]
    [InlineData("elastic_net", 0.5, 0.9, true, true)]
    public void Coordinate_descent_matches_scikit_learn(string algorithm, double alpha, double l1Ratio, bool positive, bool fitIntercept)
    {
        using var data = SyntheticData.Regression(500, 8, seed: 31, noise: 0.3);
        string json = $$"""{"alpha": {{alpha}}, "positive": {{(positive ? "true" : "false")}}, "fit_intercept": {{(fitIntercept ? "true" : "false")}}{{(algorithm == "lasso" ? "" : $", \"l1_ratio\": {l1Ratio}")}}}""";
        var fit = ((ElasticNetAlgorithm)Pgml.Engine.Algorithms.AlgorithmRegistry.Find(algorithm, data.Task)).Fit(json, data.TrainingSet());
        var p = fit.Model;
        var s = algorithm == "lasso"
            ? data.Sklearn("sklearn.linear_model.Lasso", new { alpha, positive, fit_intercept = fitIntercept }, "coef_", "intercept_", "n_iter_")
            : data.Sklearn("sklearn.linear_model.ElasticNet", new { alpha, l1_ratio = l1Ratio, positive, fit_intercept = fitIntercept }, "coef_", "intercept_", "n_iter_");
        Close.Vector(s["coef_"].Flat(), p.Coefficients(0), SameIterates);
        Close.Vector(s["intercept_"].Flat(), p.Intercepts, SameIterates, floor: 1);
        Assert.Equal((int)s["n_iter_"].Scalar(), fit.Iterations);
        if (positive) Assert.All(p.Coefficients(0).ToArray(), w => Assert.True(w >= 0));
    }

    [Fact]
    public void Random_selection_reaches_the_same_optimum()
    {
        using var data = SyntheticData.Regression(400, 6, seed: 32, noise: 0.3);
        var p = data.Fit("lasso", """{"alpha": 0.05, "selection": "random", "random_state": 7, "tol": 1e-12, "max_iter": 100000}""");
        var again = data.Fit("lasso", """{"alpha": 0.05, "selection": "random", "random_state": 7, "tol": 1e-12, "max_iter": 100000}""");
        Assert.Equal(Close.Coefficients(p), Close.Coefficients(again));   // seeded: reproducible
        var s = data.Sklearn("sklearn.linear_model.Lasso", new { alpha = 0.05, selection = "random", random_state = 7, tol = 1e-12, max_iter = 100000 }, "coef_", "intercept_");
        // 1e-6: the visiting orders differ (different generators), but both stop at a duality gap of 1e-12·‖y‖² of
        // the same strictly convex problem, which pins the weights to ~1e-6 of their scale
        Close.Vector(s["coef_"].Flat(), p.Coefficients(0), 1e-6);
    }

    [Fact]
    public void A_large_alpha_zeroes_every_weight_and_keeps_the_mean()
    {
        using var data = SyntheticData.Regression(300, 4, seed: 33);
        var p = data.Fit("elastic_net", """{"alpha": 1000}""");
        Assert.All(p.Coefficients(0).ToArray(), w => Assert.Equal(0, w));
        Assert.Equal(data.YTrain.Average(v => (double)v), p.Intercepts[0], 1e-9);
    }
}
