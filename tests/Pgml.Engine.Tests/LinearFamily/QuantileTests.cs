using Pgml.Engine.Algorithms;
using Pgml.Engine.LinearFamily;
using Pgml.Engine.Tests.Algorithms;
using Pgml.Engine.Tests.Linear;
using Pgml.Engine.Tests.TestData;
using Xunit;

namespace Pgml.Engine.Tests.LinearFamily;

/// <summary>quantile against QuantileRegressor solved exactly by HiGHS.</summary>
public class QuantileTests
{
    // 301 training rows: n·τ is not an integer for these τ, so the optimum is a unique vertex (with n·τ integral a
    // whole edge of intercepts can be optimal, as for the median of an even count). The interior-point iterates
    // converge to that vertex; at a relative duality gap of 1e-12 they are within ~1e-7 of it. HiGHS reports the
    // vertex to its own feasibility tolerance 1e-7. Hence 1e-5 of the coefficients' scale.
    private const double SameOptimum = 1e-5;

    [Theory]
    [InlineData(0.5, 0.0, true)]
    [InlineData(0.3, 0.0, true)]
    [InlineData(0.9, 0.001, true)]
    [InlineData(0.5, 0.01, true)]    // the penalty zeroes some weights
    [InlineData(0.5, 1.0, true)]     // the default alpha: every weight 0, the intercept is the label's quantile
    [InlineData(0.7, 0.0, false)]
    public void Matches_scikit_learn(double quantile, double alpha, bool fitIntercept)
    {
        using var data = SyntheticData.Regression(401, 5, seed: 71, noise: 0.5, train: 301);
        string json = FormattableString.Invariant($$"""{"quantile": {{quantile:R}}, "alpha": {{alpha:R}}, "fit_intercept": {{(fitIntercept ? "true" : "false")}}}""");
        var fit = new QuantileAlgorithm().Fit(json, data.TrainingSet());
        var s = data.Sklearn("sklearn.linear_model.QuantileRegressor",
            new { quantile, alpha, fit_intercept = fitIntercept, solver = "highs" }, "coef_", "intercept_");
        var expected = s["coef_"].Flat().Append(s["intercept_"].Scalar()).ToArray();
        var actual = fit.Model.Coefficients(0).ToArray().Append(fit.Model.Intercepts[0]).ToArray();
        Close.Vector(expected, actual, SameOptimum, floor: 1);
        Assert.True(fit.Iterations < 100, $"{fit.Iterations} iterations");
    }

    [Fact]
    public void The_fit_puts_the_asked_share_of_training_labels_below_it()
    {
        using var data = SyntheticData.Regression(2001, 3, seed: 72, noise: 1.0, train: 2001);
        foreach (double q in new[] { 0.1, 0.5, 0.8 })
        {
            var p = new QuantileAlgorithm().Fit(FormattableString.Invariant($$"""{"quantile": {{q:R}}, "alpha": 0}"""), data.TrainingSet()).Model;
            var output = new float[1];
            int below = 0;
            for (int i = 0; i < data.Train; i++)
            {
                p.Predict(data.X[i], output);
                if (data.Labels[i] < output[0] - 1e-4) below++;
            }
            // at the optimum at most ⌊nτ⌋ and at least ⌈nτ⌉ − p residuals are negative (p = 4 coefficients)
            Assert.InRange(below, (int)Math.Ceiling(2001 * q) - 4, (int)Math.Floor(2001 * q));
        }
    }
}
