using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;

namespace Pgml.Engine.Svm;

internal enum KernelType { Linear = 0, Poly = 1, Rbf = 2, Sigmoid = 3 }

/// <summary>
/// svm's and nu_svm's hyperparameters, by scikit-learn's names and defaults: SVR / NuSVR for regression, SVC / NuSVC
/// for classification. gamma: "scale" = 1 / (n_features * variance of every training value), "auto" = 1 / n_features,
/// or a number > 0. <see cref="Nu"/> is 0 for the C formulation (svm) and in (0, 1] for the ν formulation (nu_svm).
/// </summary>
internal sealed record SvmParameters(
    KernelType Kernel, int Degree, object Gamma, double Coef0, double Tol, double C, double Epsilon, double CacheSizeMb,
    long MaxIter, bool Shrinking, bool Balanced, bool BreakTies, double Nu = 0)
{
    private static readonly string[] KernelNames = ["linear", "poly", "rbf", "sigmoid"];

    private static readonly HyperparameterSpec[] Common =
    [
        HyperparameterSpec.Choice("kernel", "rbf", KernelNames),
        HyperparameterSpec.Integer("degree", 3, 0),
        HyperparameterSpec.NumberOrChoice("gamma", "scale", ["scale", "auto"], 0, minExclusive: true),
        HyperparameterSpec.Number("coef0", 0.0),
        HyperparameterSpec.Number("tol", 1e-3, 0, minExclusive: true),
        // Shrinking sets aside variables stuck at a bound: faster, same optimum (the last check is on every variable).
        HyperparameterSpec.Boolean("shrinking", true),
        HyperparameterSpec.Number("cache_size", 200.0, 0, minExclusive: true),
        HyperparameterSpec.Integer("max_iter", -1, -1),
        HyperparameterSpec.Accepted("verbose"),
    ];

    private static readonly HyperparameterSpec CSpec = HyperparameterSpec.Number("C", 1.0, 0, minExclusive: true);

    // ν in (0, 1]: scikit-learn refuses "nu <= 0 or nu > 1"
    private static readonly HyperparameterSpec NuSpec = HyperparameterSpec.Number("nu", 0.5, 0, minExclusive: true, max: 1);

    /// <summary>SVR's keys.</summary>
    public static readonly HyperparameterSpec[] RegressionSpecs =
    [
        .. Common,
        CSpec,
        HyperparameterSpec.Number("epsilon", 0.1, 0),
    ];

    /// <summary>NuSVR's keys: ν replaces ε (it bounds the fraction of support vectors and of errors).</summary>
    public static readonly HyperparameterSpec[] NuRegressionSpecs = [.. Common, CSpec, NuSpec];

    /// <summary>SVC's keys. probability=true is refused in <see cref="Parse"/>, with a message that says why.</summary>
    public static readonly HyperparameterSpec[] ClassificationSpecs = [.. Common, CSpec, .. ClassifierSpecs()];

    /// <summary>NuSVC's keys: ν replaces C. class_weight is accepted as scikit-learn 1.2 accepts it, and has no effect
    /// there either (its libsvm builds the ν-SVC problem without the per-class C).</summary>
    public static readonly HyperparameterSpec[] NuClassificationSpecs = [.. Common, NuSpec, .. ClassifierSpecs()];

    private static HyperparameterSpec[] ClassifierSpecs() =>
    [
        HyperparameterSpec.Boolean("probability", false),
        HyperparameterSpec.Choice("class_weight", null, "balanced"),
        HyperparameterSpec.Choice("decision_function_shape", "ovr", "ovr", "ovo"),
        HyperparameterSpec.Boolean("break_ties", false),
        // Only used by scikit-learn for probability estimates' cross-validation, which pgml does not do.
        HyperparameterSpec.Accepted("random_state"),
    ];

    /// <param name="nu">The ν formulation (nu_svm) rather than the C formulation (svm).</param>
    public static SvmParameters Parse(string? json, TaskKind task, bool nu = false)
    {
        string name = nu ? "nu_svm" : "svm";
        var specs = (task == TaskKind.Classification, nu) switch
        {
            (true, false) => ClassificationSpecs,
            (true, true) => NuClassificationSpecs,
            (false, false) => RegressionSpecs,
            (false, true) => NuRegressionSpecs,
        };
        var h = Hyperparameters.Parse(json, name, specs);
        var kernel = (KernelType)Array.IndexOf(KernelNames, h.Word("kernel")!);
        object gamma = h.NumberOrNull("gamma") is double g ? g : h.Word("gamma")!;
        bool balanced = false, breakTies = false;
        if (task == TaskKind.Classification)
        {
            if (h.Boolean("probability"))
                throw new UnsupportedException($"{name} does not implement probability estimates (probability=true)",
                    $"Remove \"probability\": pgml's {name} classifier gives decision scores, so pgml.predict works and pgml.predict_proba answers an error for {name} models.");
            balanced = !nu && h.Word("class_weight") == "balanced";
            breakTies = h.Boolean("break_ties");
            if (breakTies && h.Word("decision_function_shape") == "ovo")
                throw new InvalidParameterException($"{name}: break_ties=true needs decision_function_shape=\"ovr\" (as in scikit-learn)",
                    "Remove \"decision_function_shape\" or \"break_ties\".");
        }
        // ν-SVC has no C (libsvm solves it with C = 1 and rescales by r); ν-SVR has C and no ε (the solver finds ε)
        double c = nu && task == TaskKind.Classification ? 1.0 : h.Number("C");
        double epsilon = !nu && task == TaskKind.Regression ? h.Number("epsilon") : 0;
        return new SvmParameters(kernel, h.Integer("degree"), gamma, h.Number("coef0"), h.Number("tol"), c, epsilon,
            h.Number("cache_size"), h.Long("max_iter"), h.Boolean("shrinking"), balanced, breakTies, nu ? h.Number("nu") : 0);
    }
}
