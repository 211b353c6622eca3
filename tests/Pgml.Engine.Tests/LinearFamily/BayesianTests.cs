using Pgml.Engine.Algorithms;
using Pgml.Engine.LinearFamily;
using Pgml.Engine.Tests.Algorithms;
using Pgml.Engine.Tests.Linear;
using Pgml.Engine.Tests.TestData;
using Xunit;

namespace Pgml.Engine.Tests.LinearFamily;

/// <summary>bayesian_ridge and automatic_relevance_determination against BayesianRidge and ARDRegression.</summary>
public class BayesianTests
{
    // 1e-7 of the coefficients' scale: the same fixed-point iteration from the same start with the same stopping
    // rule, so both stop after the same iteration (asserted); they differ only in how each iteration's linear algebra
    // is rounded (the Gram's eigendecomposition against scikit-learn's SVD of X), which the iteration does not amplify.
    private const double SameIterates = 1e-7;

    [Theory]
    [InlineData("{}", true)]
    [InlineData("""{"fit_intercept": false}""", false)]
    [InlineData("""{"alpha_1": 0.5, "lambda_2": 3.0, "tol": 1e-8}""", true)]
    [InlineData("""{"alpha_init": 2.0, "lambda_init": 0.01, "n_iter": 3}""", true)]
    public void Bayesian_ridge_matches_scikit_learn(string json, bool fitIntercept)
    {
        using var data = SyntheticData.Regression(400, 7, seed: 41, noise: 0.5);
        var fit = new BayesianRidgeAlgorithm().Fit(json, data.TrainingSet());
        // the same JSON is scikit-learn's keyword arguments
        var parameters = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        var s = data.Sklearn("sklearn.linear_model.BayesianRidge", parameters, "coef_", "intercept_", "n_iter_");
        Close.Vector(s["coef_"].Flat(), fit.Model.Coefficients(0), SameIterates);
        Close.Vector(s["intercept_"].Flat(), fit.Model.Intercepts, SameIterates, floor: 1);
        Assert.Equal((int)s["n_iter_"].Scalar(), fit.Iterations);
        Assert.Equal(fitIntercept, fit.Model.Intercepts[0] != 0);
    }

    [Fact]
    public void Bayesian_ridge_with_more_features_than_rows_matches_scikit_learn()
    {
        // scikit-learn switches to its n < d formula; the Gram form is the same posterior mean
        using var data = SyntheticData.Regression(40, 30, seed: 42, noise: 0.5, train: 20);
        var fit = new BayesianRidgeAlgorithm().Fit("{}", data.TrainingSet());
        var s = data.Sklearn("sklearn.linear_model.BayesianRidge", new { }, "coef_", "intercept_", "n_iter_");
        Close.Vector(s["coef_"].Flat(), fit.Model.Coefficients(0), 1e-6);
        Assert.Equal((int)s["n_iter_"].Scalar(), fit.Iterations);
    }

    [Theory]
    [InlineData(1e-3, 1e4)]
    [InlineData(1e-6, 1e4)]
    [InlineData(1e-3, 10.0)]   // prunes: several weights end exactly at 0
    public void Ard_matches_scikit_learn(double tol, double thresholdLambda)
    {
        // a sparse truth: only 3 of 8 features matter, so ARD's pruning is exercised
        using var dense = SyntheticData.Regression(500, 8, seed: 43, noise: 0.3);
        var y = dense.X.Select((row, i) => (float)(2 * row[0] - 1.5 * row[3] + 0.5 * row[6] + 0.3 * SyntheticData.Gaussian(new Random(i)))).ToArray();
        using var data = new SyntheticData(dense.X, y, dense.Train, TaskKind.Regression);
        string json = FormattableString.Invariant($$"""{"tol": {{tol:R}}, "threshold_lambda": {{thresholdLambda:R}}}""");
        var fit = new ArdAlgorithm().Fit(json, data.TrainingSet());
        var s = data.Sklearn("sklearn.linear_model.ARDRegression", new { tol, threshold_lambda = thresholdLambda }, "coef_", "intercept_");
        var expected = s["coef_"].Flat();
        Close.Vector(expected, fit.Model.Coefficients(0), 1e-6);
        Close.Vector(s["intercept_"].Flat(), fit.Model.Intercepts, 1e-6, floor: 1);   // ARDRegression 1.2 has no n_iter_
        // the same weights are pruned
        for (int j = 0; j < expected.Length; j++) Assert.Equal(expected[j] == 0, fit.Model.Coefficients(0)[j] == 0);
        if (thresholdLambda == 10.0) Assert.Contains(0.0, fit.Model.Coefficients(0).ToArray());
    }

    [Fact]
    public void A_constant_label_gives_a_constant_model()
    {
        var x = SyntheticData.Uniform(50, 3, seed: 44);
        using var data = SyntheticData.AllTraining(x, Enumerable.Repeat(2.5f, 50).ToArray(), TaskKind.Regression);
        foreach (var name in new[] { "bayesian_ridge", "automatic_relevance_determination" })
        {
            var p = data.Fit(name);
            Assert.All(p.Coefficients(0).ToArray(), w => Assert.True(Math.Abs(w) < 1e-9, $"{name}: {w}"));
            Assert.Equal(2.5, p.Intercepts[0], 1e-6);
        }
    }
}
