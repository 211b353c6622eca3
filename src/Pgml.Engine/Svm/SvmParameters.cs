using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Svm;

internal enum KernelType { Linear = 0, Poly = 1, Rbf = 2, Sigmoid = 3 }

/// <summary>
/// svm's hyperparameters, by scikit-learn's names and defaults: SVR for regression, SVC for classification.
/// gamma: "scale" = 1 / (n_features * variance of every training value), "auto" = 1 / n_features, or a number > 0.
/// </summary>
internal sealed record SvmParameters(
    KernelType Kernel, int Degree, object Gamma, double Coef0, double Tol, double C, double Epsilon, double CacheSizeMb,
    long MaxIter, bool Shrinking, bool Balanced, bool BreakTies)
{
    private static readonly string[] KernelNames = ["linear", "poly", "rbf", "sigmoid"];

    private static readonly HyperparameterSpec[] Common =
    [
        HyperparameterSpec.Choice("kernel", "rbf", KernelNames),
        HyperparameterSpec.Integer("degree", 3, 0),
        HyperparameterSpec.NumberOrChoice("gamma", "scale", ["scale", "auto"], 0, minExclusive: true),
        HyperparameterSpec.Number("coef0", 0.0),
        HyperparameterSpec.Number("tol", 1e-3, 0, minExclusive: true),
        HyperparameterSpec.Number("C", 1.0, 0, minExclusive: true),
        // Shrinking sets aside variables stuck at a bound: faster, same optimum (the last check is on every variable).
        HyperparameterSpec.Boolean("shrinking", true),
        HyperparameterSpec.Number("cache_size", 200.0, 0, minExclusive: true),
        HyperparameterSpec.Integer("max_iter", -1, -1),
        HyperparameterSpec.Accepted("verbose"),
    ];

    /// <summary>SVR's keys.</summary>
    public static readonly HyperparameterSpec[] RegressionSpecs =
    [
        .. Common,
        HyperparameterSpec.Number("epsilon", 0.1, 0),
    ];

    /// <summary>SVC's keys. probability=true is refused in <see cref="Parse"/>, with a message that says why.</summary>
    public static readonly HyperparameterSpec[] ClassificationSpecs =
    [
        .. Common,
        HyperparameterSpec.Boolean("probability", false),
        HyperparameterSpec.Choice("class_weight", null, "balanced"),
        HyperparameterSpec.Choice("decision_function_shape", "ovr", "ovr", "ovo"),
        HyperparameterSpec.Boolean("break_ties", false),
        // Only used by scikit-learn for probability estimates' cross-validation, which pgml does not do.
        HyperparameterSpec.Accepted("random_state"),
    ];

    public static SvmParameters Parse(string? json, TaskKind task)
    {
        var h = Hyperparameters.Parse(json, "svm", task == TaskKind.Classification ? ClassificationSpecs : RegressionSpecs);
        var kernel = (KernelType)Array.IndexOf(KernelNames, h.Word("kernel")!);
        object gamma = h.NumberOrNull("gamma") is double g ? g : h.Word("gamma")!;
        bool balanced = false, breakTies = false;
        if (task == TaskKind.Classification)
        {
            if (h.Boolean("probability"))
                throw new UnsupportedException("svm does not implement probability estimates (probability=true)",
                    "Remove \"probability\": pgml's svm classifier gives decision scores, so pgml.predict works and pgml.predict_proba answers an error for svm models.");
            balanced = h.Word("class_weight") == "balanced";
            breakTies = h.Boolean("break_ties");
            if (breakTies && h.Word("decision_function_shape") == "ovo")
                throw new InvalidParameterException("svm: break_ties=true needs decision_function_shape=\"ovr\" (as in scikit-learn)",
                    "Remove \"decision_function_shape\" or \"break_ties\".");
        }
        return new SvmParameters(kernel, h.Integer("degree"), gamma, h.Number("coef0"), h.Number("tol"), h.Number("C"),
            task == TaskKind.Regression ? h.Number("epsilon") : 0, h.Number("cache_size"), h.Long("max_iter"), h.Boolean("shrinking"), balanced, breakTies);
    }
}
