using Pgml.Engine.Algorithms;
using Pgml.Engine.LinearFamily;
using Pgml.Engine.Tests.Algorithms;
using Pgml.Engine.Tests.Linear;
using Pgml.Engine.Tests.TestData;
using Xunit;
using Xunit.Abstractions;

namespace Pgml.Engine.Tests.LinearFamily;

/// <summary>ransac and theil_sen against RANSACRegressor and TheilSenRegressor.</summary>
public class RobustTests(ITestOutputHelper output)
{
    /// <summary>y = Xw + b + noise with a share of the labels thrown far off.</summary>
    private static SyntheticData WithOutliers(int rows, int features, int seed, double share, int? train = null)
    {
        using var clean = SyntheticData.Regression(rows, features, seed, noise: 0.2, train: train);
        var rng = new Random(seed + 1000);
        var y = clean.Labels.Select((v, i) => i < clean.Train && rng.NextDouble() < share ? (float)(v + 10 + 20 * rng.NextDouble()) : v).ToArray();
        return new SyntheticData(clean.X, y, clean.Train, TaskKind.Regression);
    }

    [Fact]
    public void Theil_sen_over_every_subset_matches_scikit_learn()
    {
        // 14 rows, 2 features: C(14, 3) = 364 subsets, all taken on both sides, so the fit is deterministic
        using var data = WithOutliers(20, 2, seed: 101, share: 0.2, train: 14);
        var fit = new TheilSenAlgorithm().Fit("{}", data.TrainingSet());
        var s = data.Sklearn("sklearn.linear_model.TheilSenRegressor", new { }, "coef_", "intercept_", "n_iter_");
        // 1e-6: the same 364 exact solves and the same Weiszfeld steps; a subset's solve is rounded differently
        // (normal equations here, LAPACK's gelss there) by up to its condition number squared times 1e-16
        Close.Vector(s["coef_"].Flat(), fit.Model.Coefficients(0), 1e-6);
        Close.Vector(s["intercept_"].Flat(), fit.Model.Intercepts, 1e-6, floor: 1);
        Assert.Equal((int)s["n_iter_"].Scalar(), fit.Iterations);
        var noIntercept = new TheilSenAlgorithm().Fit("""{"fit_intercept": false, "n_subsamples": 4}""", data.TrainingSet());
        var t = data.Sklearn("sklearn.linear_model.TheilSenRegressor", new { fit_intercept = false, n_subsamples = 4 }, "coef_");
        Close.Vector(t["coef_"].Flat(), noIntercept.Model.Coefficients(0), 1e-6);
    }

    [Theory]
    [InlineData("theil_sen", "sklearn.linear_model.TheilSenRegressor")]
    [InlineData("ransac", "sklearn.linear_model.RANSACRegressor")]
    public void Randomized_fit_ignores_outliers_as_scikit_learn(string algorithm, string estimator)
    {
        // 20 % of the training labels are far off; the held-out labels are clean. Both sides draw their own random
        // subsets, so compare held-out r2 over 5 seeds each: the means within 0.01 (both are within noise of the clean
        // fit, r2 ≈ 0.99; least squares on these rows is far worse, asserted below)
        using var data = WithOutliers(1600, 4, seed: 102, share: 0.2);
        double[] ours = new double[5], theirs = new double[5];
        for (int seed = 0; seed < 5; seed++)
        {
            var p = AlgorithmRegistry.Find(algorithm, TaskKind.Regression).Train($$"""{"random_state": {{seed}}}""", data.TrainingSet()).Predictor;
            ours[seed] = Metrics.R2(data.YTest, data.PredictTest(p).Select(o => (double)o[0]).ToArray());
            theirs[seed] = Metrics.R2(data.YTest, data.Sklearn(estimator, new { random_state = seed }, "predict")["predict"].Flat());
        }
        output.WriteLine($"pgml {string.Join(", ", ours.Select(v => v.ToString("F4")))}; scikit-learn {string.Join(", ", theirs.Select(v => v.ToString("F4")))}");
        Assert.True(Math.Abs(ours.Average() - theirs.Average()) <= 0.01, $"pgml {ours.Average():F4}, scikit-learn {theirs.Average():F4}");
        var ols = data.Fit("linear");
        Assert.True(ours.Min() > Metrics.R2(data.YTest, data.PredictTest(ols).Select(o => (double)o[0]).ToArray()) + 0.05);
        // a fixed seed is reproducible
        var a = Close.Coefficients(data.Fit(algorithm, """{"random_state": 3}"""));
        Assert.Equal(a, Close.Coefficients(data.Fit(algorithm, """{"random_state": 3}""")));
    }

    [Fact]
    public void Ransac_without_outliers_and_a_wide_threshold_is_least_squares()
    {
        // every row an inlier in the first trial: the consensus set is all rows, the model plain OLS
        using var data = SyntheticData.Regression(300, 3, seed: 103, noise: 0.1);
        var fit = new RansacAlgorithm().Fit("""{"residual_threshold": 1000.0}""", data.TrainingSet());
        var s = data.Sklearn("sklearn.linear_model.RANSACRegressor", new { residual_threshold = 1000.0 }, "n_trials_");
        Close.Vector(Close.Coefficients(data.Fit("linear")), fit.Model.Coefficients(0), 1e-9);
        Assert.Equal((int)s["n_trials_"].Scalar(), fit.Iterations);   // the dynamic trial count stops both after 1
    }

    [Fact]
    public void Python_objects_and_impossible_subsets_are_refused()
    {
        var ransac = AlgorithmRegistry.Find("ransac", TaskKind.Regression);
        Assert.Throws<UnsupportedException>(() => ransac.Validate("""{"estimator": "LinearRegression()"}""", TaskKind.Regression));
        ransac.Validate("""{"estimator": null, "base_estimator": "deprecated", "min_samples": 0.5}""", TaskKind.Regression);
        using var data = SyntheticData.Regression(30, 3, seed: 104);
        Assert.Throws<InvalidParameterException>(() => new RansacAlgorithm().Fit("""{"min_samples": 100}""", data.TrainingSet()));
        Assert.Contains("at least 4", Assert.Throws<InvalidParameterException>(() => new TheilSenAlgorithm().Fit("""{"n_subsamples": 2}""", data.TrainingSet())).Hint);
    }
}
