using System.Runtime.CompilerServices;

namespace Pgml.Engine.Trees;

/// <summary>How an XGBoost objective maps base_score to a margin and margins to predictions.</summary>
internal enum TreeObjectiveKind
{
    /// <summary>Margin is the prediction; base_score is already a margin.</summary>
    Identity,
    /// <summary>Sigmoid of the margin; base_score is a probability (logit to margin).</summary>
    Logistic,
    /// <summary>binary:hinge: XGBoost outputs 1 when the margin is positive, else 0.</summary>
    Hinge,
    /// <summary>Log-link models (poisson, gamma, tweedie): exp of the margin; base_score is a mean (log to margin).</summary>
    Exp,
    /// <summary>multi:softprob and multi:softmax: softmax across the class margins.</summary>
    Softmax,
}

/// <summary>
/// XGBoost 1.7's ProbToMargin and PredTransform, replicated in float32 step by step so the results are bit-identical
/// (MathF.Exp/Log call the same C runtime expf/logf that libxgboost calls).
/// </summary>
internal static class TreeObjective
{
    public static bool TryParse(string name, out TreeObjectiveKind kind)
    {
        switch (name)
        {
            // binary:logitraw belongs here: XGBoost 1.7 gives it the identity ProbToMargin, so base_score is a raw margin.
            case "reg:squarederror" or "reg:squaredlogerror" or "reg:pseudohubererror" or "reg:absoluteerror"
                or "binary:logitraw":
                kind = TreeObjectiveKind.Identity; return true;
            case "reg:logistic" or "binary:logistic":
                kind = TreeObjectiveKind.Logistic; return true;
            case "binary:hinge":
                kind = TreeObjectiveKind.Hinge; return true;
            case "count:poisson" or "reg:gamma" or "reg:tweedie":
                kind = TreeObjectiveKind.Exp; return true;
            case "multi:softprob" or "multi:softmax":
                kind = TreeObjectiveKind.Softmax; return true;
            default:
                kind = default; return false;
        }
    }

    /// <summary>The margin every prediction starts from. XGBoost stores base_score in prediction space and converts it in float.</summary>
    public static float BaseMargin(TreeObjectiveKind kind, float baseScore) => kind switch
    {
        TreeObjectiveKind.Logistic =>
            baseScore > 0.0f && baseScore < 1.0f
                ? -MathF.Log(1.0f / baseScore - 1.0f)
                : throw new ModelFormatException($"base_score must be in (0, 1) for a logistic objective, got {baseScore}"),
        TreeObjectiveKind.Exp => MathF.Log(baseScore),
        _ => baseScore,
    };

    public static void Transform(TreeObjectiveKind kind, Span<float> values)
    {
        switch (kind)
        {
            case TreeObjectiveKind.Logistic:
                for (int i = 0; i < values.Length; i++) values[i] = Sigmoid(values[i]);
                break;
            case TreeObjectiveKind.Hinge:
                // XGBoost compares in double; for a float the result is the same, NaN gives 0.
                for (int i = 0; i < values.Length; i++) values[i] = values[i] > 0.0f ? 1.0f : 0.0f;
                break;
            case TreeObjectiveKind.Exp:
                for (int i = 0; i < values.Length; i++) values[i] = MathF.Exp(values[i]);
                break;
            case TreeObjectiveKind.Softmax:
                Softmax(values);
                break;
        }
    }

    /// <summary>
    /// XGBoost 1.7's sigmoid: the exponent is clamped at 88.7 (so it never overflows to infinity) and a 1e-16 epsilon is
    /// added to the denominator, which is a no-op in float since the denominator is at least 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x)
    {
        float e = -x;
        // std::min(-x, 88.7f) returns -x when -x is NaN, like this comparison.
        if (88.7f < e) e = 88.7f;
        float denom = MathF.Exp(e) + 1.0f + 1e-16f;
        return 1.0f / denom;
    }

    /// <summary>Max-shifted softmax; XGBoost sums the exponentials in double, then divides each float by the float sum.</summary>
    public static void Softmax(Span<float> values)
    {
        if (values.IsEmpty) return;
        float max = values[0];
        for (int i = 1; i < values.Length; i++) max = FMaxF(values[i], max);
        double sum = 0.0;
        for (int i = 0; i < values.Length; i++)
        {
            float e = MathF.Exp(values[i] - max);
            values[i] = e;
            sum += e;
        }
        float fsum = (float)sum;
        for (int i = 0; i < values.Length; i++) values[i] /= fsum;
    }

    /// <summary>C's fmaxf: a NaN operand is ignored (MathF.Max would propagate it).</summary>
    private static float FMaxF(float a, float b) => float.IsNaN(a) ? b : float.IsNaN(b) ? a : (a > b ? a : b);
}
