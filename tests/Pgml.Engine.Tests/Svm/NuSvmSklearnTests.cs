using System.Text.Json;
using Xunit;

namespace Pgml.Engine.Tests.Svm;

/// <summary>
/// nu_svm against scikit-learn's NuSVR and NuSVC (libsvm's Solver_NU) on the same float32 rows and split, with the
/// same bounds as svm: both solvers stop when each group's maximal KKT violation is below tol, so decision values
/// agree within a small multiple of tol (ν-SVC's are then divided by r, which both compute from the same G).
/// </summary>
public partial class SvmSklearnTests
{
    public static TheoryData<string> NuRegressionSettings() => new()
    {
        """{}""",
        """{"kernel": "linear", "nu": 0.3}""",
        """{"kernel": "poly", "degree": 2, "coef0": 1.0, "nu": 0.7, "C": 2.0}""",
        """{"kernel": "sigmoid", "gamma": 0.02, "nu": 0.2}""",
        """{"nu": 1.0, "shrinking": false}""",
    };

    [Theory, MemberData(nameof(NuRegressionSettings))]
    public void Nu_regression_matches_NuSVR(string json)
    {
        using var data = SyntheticData.Regression(400, 5, seed: 12, noise: 0.3);
        CompareRegression(data, JsonSerializer.Deserialize<Dictionary<string, object>>(json, Reflection)!, DefaultTolerance, nu: true);
    }

    public static TheoryData<string, int> NuClassificationSettings() => new()
    {
        { """{}""", 2 },
        { """{}""", 4 },
        { """{"kernel": "linear", "nu": 0.2}""", 2 },
        { """{"kernel": "poly", "degree": 2, "coef0": 1.0, "nu": 0.3}""", 3 },
        { """{"nu": 0.1, "gamma": "auto"}""", 4 },
        { """{"break_ties": true, "nu": 0.4}""", 3 },
    };

    [Theory, MemberData(nameof(NuClassificationSettings))]
    public void Nu_classification_matches_NuSVC(string json, int classes)
    {
        using var data = SyntheticData.Classification(400, 4, classes, seed: 23, spread: 3.0);
        CompareClassification(data, JsonSerializer.Deserialize<Dictionary<string, object>>(json, Reflection)!, DefaultTolerance, nu: true);
    }

    [Fact]
    public void Nu_with_a_tight_tolerance_matches_NuSVR_closely()
    {
        using var data = SyntheticData.Regression(300, 4, seed: 8, noise: 0.3);
        CompareRegression(data, new { kernel = "rbf", tol = 1e-7, nu = 0.4 }, 1e-5, nu: true);
    }
}
