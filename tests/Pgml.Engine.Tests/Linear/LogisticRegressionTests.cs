using Pgml.Engine.Algorithms;
using Pgml.Engine.Linear;
using Pgml.Engine.Tests.Algorithms;
using Xunit;

namespace Pgml.Engine.Tests.Linear;

/// <summary>linear (classification) against LogisticRegression(solver="lbfgs").</summary>
public class LogisticRegressionTests
{
    [Theory]
    [InlineData(2, 1.0)]
    [InlineData(3, 1.0)]
    [InlineData(4, 10.0)]
    public void Default_tolerance_matches_LogisticRegression(int classes, double c)
    {
        using var data = SyntheticData.Classification(600, 5, classes, seed: 41, spread: 3);
        var p = data.Fit("linear", $$"""{"C": {{c}}}""");
        Assert.Equal(PredictionKind.Probabilities, p.Kind);
        var s = data.Sklearn("sklearn.linear_model.LogisticRegression", new { C = c }, "coef_", "intercept_", "predict_proba");
        // 1e-3 of the scale: both stop when the gradient of the summed loss is below tol = 1e-4 (or f stalls to 2.2e-9
        // relative), but reach that point by different line searches, so the weights differ by about
        // gradient / smallest Hessian eigenvalue
        Close.Vector(s["coef_"].Flat(), Close.Coefficients(p), 1e-3);
        Close.Vector(s["intercept_"].Flat(), p.Intercepts, 1e-3, floor: 1);
        var proba = s["predict_proba"].Rows();
        var ours = data.PredictTest(p);
        for (int i = 0; i < proba.Length; i++)
        {
            Assert.Equal(1.0, ours[i].Sum(), 5e-6);   // float32 rounding of K probabilities
            Close.Vector(proba[i], ours[i].Select(v => (double)v).ToArray(), 1e-3);
        }
        Assert.Equal(1.0, Close.Agreement(proba, ours));
    }

    [Theory]
    [InlineData(2, "l2", true)]
    [InlineData(3, "l2", true)]
    [InlineData(3, "l2", false)]
    [InlineData(2, "none", true)]
    public void Tight_tolerance_reaches_the_same_optimum(int classes, string penalty, bool fitIntercept)
    {
        // spread 6: overlapping classes, so even without a penalty the optimum is finite
        using var data = SyntheticData.Classification(500, 4, classes, seed: 42, spread: 6);
        var p = data.Fit("linear", $$"""{"penalty": "{{penalty}}", "fit_intercept": {{(fitIntercept ? "true" : "false")}}, "tol": 1e-10, "max_iter": 1000}""");
        var s = data.Sklearn("sklearn.linear_model.LogisticRegression",
            new { penalty, fit_intercept = fitIntercept, tol = 1e-10, max_iter = 1000 }, "coef_", "intercept_");
        // 1e-4: the objective is strictly convex, but both usually stop when an iteration lowers f by less than
        // 2.2e-9 of f (SciPy's ftol, before the gradient reaches 1e-10), which leaves each within ~sqrt(2·Δf/λmin) of
        // the optimum (seen: up to 1.7e-5)
        Close.Vector(s["coef_"].Flat(), Close.Coefficients(p), 1e-4);
        Close.Vector(s["intercept_"].Flat(), p.Intercepts, 1e-4, floor: 1);
    }

    [Fact]
    public void Multinomial_for_two_classes_is_a_two_vector_softmax()
    {
        using var data = SyntheticData.Classification(400, 4, 2, seed: 43, spread: 4);
        var p = data.Fit("linear", """{"multi_class": "multinomial", "tol": 1e-10}""");
        var s = data.Sklearn("sklearn.linear_model.LogisticRegression", new { multi_class = "multinomial", tol = 1e-10 }, "coef_", "predict_proba");
        // scikit-learn keeps w₁ of the pair (w₀ = −w₁); pgml keeps w₁ − w₀ = 2·w₁. 1e-4 as in the tight test above.
        Close.Vector(s["coef_"].Flat().Select(v => 2 * v).ToArray(), p.Coefficients(0), 1e-4);
        var proba = s["predict_proba"].Rows();
        var ours = data.PredictTest(p);
        for (int i = 0; i < proba.Length; i++) Close.Vector(proba[i], ours[i].Select(v => (double)v).ToArray(), 1e-4);
    }

    [Fact]
    public void Max_iter_bounds_the_iterations()
    {
        using var data = SyntheticData.Classification(300, 4, 3, seed: 44, spread: 3);
        var fit = LinearAlgorithm.Fit("""{"max_iter": 3}""", data.TrainingSet());
        Assert.Equal(3, fit.Iterations);
    }
}
