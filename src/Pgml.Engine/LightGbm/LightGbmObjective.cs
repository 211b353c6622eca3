using System.Globalization;

namespace Pgml.Engine.LightGbm;

/// <summary>How a LightGBM objective turns raw scores into predictions (its ObjectiveFunction::ConvertOutput).</summary>
internal enum LightGbmTransform
{
    /// <summary>The raw score is the prediction (regression, regression_l1, huber, fair, quantile, mape; or no objective).</summary>
    Identity,
    /// <summary>The "sqrt" option of the regression family (reg_sqrt): sign(x) * x * x.</summary>
    SignedSquare,
    /// <summary>poisson, gamma, tweedie: exp(x).</summary>
    Exp,
    /// <summary>binary: 1 / (1 + exp(-sigmoid * x)).</summary>
    Sigmoid,
    /// <summary>multiclass: softmax across the class scores.</summary>
    Softmax,
    /// <summary>multiclassova: the binary sigmoid on each class score.</summary>
    SigmoidEach,
}

/// <summary>
/// The objective line of a LightGBM model ("regression", "regression sqrt", "binary sigmoid:1",
/// "multiclass num_class:3", "multiclassova num_class:3 sigmoid:1") and its ConvertOutput, replicated in double step by
/// step from LightGBM 4.x src/objective/{regression,binary,multiclass}_objective.hpp and Common::Softmax
/// (include/LightGBM/utils/common.h). Math.Exp is the C runtime's exp, the function LightGBM calls.
/// </summary>
internal sealed class LightGbmObjective
{
    private LightGbmObjective(string text, string name, LightGbmTransform transform, double sigmoid, int numClass)
    {
        Text = text;
        Name = name;
        Transform = transform;
        Sigmoid = sigmoid;
        NumClass = numClass;
    }

    /// <summary>The objective line as the model writes it, e.g. "binary sigmoid:1"; "none" when the model has none.</summary>
    public string Text { get; }

    /// <summary>LightGBM's objective name, e.g. "binary"; "none" when the model has none.</summary>
    public string Name { get; }

    public LightGbmTransform Transform { get; }

    /// <summary>binary / multiclassova sigmoid parameter (parsed as LightGBM's Common::Atof parses it); 0 otherwise.</summary>
    public double Sigmoid { get; }

    /// <summary>Classes (outputs) the objective produces: num_class for multiclass(ova), else 1.</summary>
    public int NumClass { get; }

    public static LightGbmObjective None { get; } = new("none", "none", LightGbmTransform.Identity, 0, 1);

    /// <summary>Parses an objective line; unknown objectives and malformed options are a <see cref="ModelFormatException"/>.</summary>
    public static LightGbmObjective Parse(string text)
    {
        // Common::Split(str, ' ') drops empty tokens.
        string[] tokens = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0) throw LightGbmTextParser.Bad("the objective line is empty");
        string name = tokens[0];
        bool sqrt = false;
        double sigmoid = -1;
        int numClass = -1;
        for (int i = 1; i < tokens.Length; i++)
        {
            string token = tokens[i];
            if (token == "sqrt")
            {
                sqrt = true;
                continue;
            }
            string[] kv = token.Split(':');
            if (kv.Length != 2) continue; // LightGBM ignores tokens it does not know
            if (kv[0] == "sigmoid")
                sigmoid = Atof(kv[1]) ?? throw LightGbmTextParser.Bad($"objective '{text}': sigmoid is not a number");
            else if (kv[0] == "num_class")
                numClass = int.TryParse(kv[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int k)
                    ? k : throw LightGbmTextParser.Bad($"objective '{text}': num_class is not an integer");
        }

        switch (name)
        {
            // RegressionL2loss and the losses derived from it apply "sqrt" in ConvertOutput; huber switches it off
            // when it is constructed from the model string (with a warning).
            case "regression" or "regression_l1" or "fair" or "quantile" or "mape":
                return new(text, name, sqrt ? LightGbmTransform.SignedSquare : LightGbmTransform.Identity, 0, 1);
            case "huber":
                return new(text, name, LightGbmTransform.Identity, 0, 1);
            case "poisson" or "gamma" or "tweedie":
                return new(text, name, LightGbmTransform.Exp, 0, 1);
            case "binary":
                if (!(sigmoid > 0)) throw LightGbmTextParser.Bad($"objective '{text}' needs a sigmoid greater than zero");
                return new(text, name, LightGbmTransform.Sigmoid, sigmoid, 1);
            case "multiclass":
                if (numClass < 2) throw LightGbmTextParser.Bad($"objective '{text}' needs num_class of at least 2");
                return new(text, name, LightGbmTransform.Softmax, 0, numClass);
            case "multiclassova":
                if (numClass < 2) throw LightGbmTextParser.Bad($"objective '{text}' needs num_class of at least 2");
                if (!(sigmoid > 0)) throw LightGbmTextParser.Bad($"objective '{text}' needs a sigmoid greater than zero");
                return new(text, name, LightGbmTransform.SigmoidEach, sigmoid, numClass);
            default:
                throw new ModelFormatException(
                    $"LightGBM objective '{name}' is not supported by the tree evaluator",
                    "Supported: regression, regression_l1, huber, fair, quantile, mape, poisson, gamma, tweedie, binary, multiclass, multiclassova.");
        }
    }

    /// <summary>ConvertOutput in place on one row's raw scores (values.Length == the model's outputs).</summary>
    public void Apply(Span<double> values)
    {
        switch (Transform)
        {
            case LightGbmTransform.SignedSquare:
                // output[0] = Common::Sign(input[0]) * input[0] * input[0]; Sign returns an int.
                for (int i = 0; i < values.Length; i++)
                {
                    double x = values[i];
                    int sign = (x > 0 ? 1 : 0) - (x < 0 ? 1 : 0);
                    values[i] = sign * x * x;
                }
                break;
            case LightGbmTransform.Exp:
                for (int i = 0; i < values.Length; i++) values[i] = Math.Exp(values[i]);
                break;
            case LightGbmTransform.Sigmoid:
            case LightGbmTransform.SigmoidEach:
                // output = 1.0f / (1.0f + std::exp(-sigmoid_ * input)), in double.
                for (int i = 0; i < values.Length; i++) values[i] = 1.0 / (1.0 + Math.Exp(-Sigmoid * values[i]));
                break;
            case LightGbmTransform.Softmax:
                Softmax(values);
                break;
        }
    }

    /// <summary>Common::Softmax: max with std::max (returns the first argument unless it is less than the second), exp
    /// of the shifted scores, summed in double in class order, then each divided by the sum.</summary>
    private static void Softmax(Span<double> values)
    {
        if (values.IsEmpty) return;
        double wmax = values[0];
        for (int i = 1; i < values.Length; i++) wmax = values[i] < wmax ? wmax : values[i]; // std::max(input[i], wmax)
        double wsum = 0.0;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Math.Exp(values[i] - wmax);
            wsum += values[i];
        }
        for (int i = 0; i < values.Length; i++) values[i] /= wsum;
    }

    /// <summary>
    /// LightGBM's Common::Atof, which reads the objective's options when a model is loaded: not a correctly rounded
    /// parser, so it is replicated operation by operation (digits accumulated in double, the fraction as one integer
    /// divided by Pow(10, digits), the exponent as repeated multiplications). Null when the text is not a number.
    /// </summary>
    internal static double? Atof(string s)
    {
        int p = 0;
        while (p < s.Length && s[p] == ' ') p++;
        double sign = 1.0;
        if (p < s.Length && s[p] == '-') { sign = -1.0; p++; }
        else if (p < s.Length && s[p] == '+') p++;
        if (!(p < s.Length && (IsDigit(s[p]) || s[p] is '.' or 'e' or 'E'))) return null;

        double value;
        for (value = 0.0; p < s.Length && IsDigit(s[p]); p++) value = value * 10.0 + (s[p] - '0');
        if (p < s.Length && s[p] == '.')
        {
            double right = 0.0;
            int nn = 0;
            p++;
            while (p < s.Length && IsDigit(s[p]))
            {
                right = (s[p] - '0') + right * 10.0;
                nn++;
                p++;
            }
            value += right / Pow(10.0, nn);
        }
        bool frac = false;
        double scale = 1.0;
        if (p < s.Length && s[p] is 'e' or 'E')
        {
            p++;
            if (p < s.Length && s[p] == '-') { frac = true; p++; }
            else if (p < s.Length && s[p] == '+') p++;
            uint expon;
            for (expon = 0; p < s.Length && IsDigit(s[p]); p++) expon = unchecked(expon * 10 + (uint)(s[p] - '0'));
            if (expon > 308) expon = 308;
            while (expon >= 50) { scale *= 1E50; expon -= 50; }
            while (expon >= 8) { scale *= 1E8; expon -= 8; }
            while (expon > 0) { scale *= 10.0; expon -= 1; }
        }
        while (p < s.Length && s[p] == ' ') p++;
        if (p != s.Length) return null;
        return sign * (frac ? value / scale : value * scale);
    }

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    /// <summary>Common::Pow, with its exact order of multiplications.</summary>
    private static double Pow(double b, int power)
    {
        if (power < 0) return 1.0 / Pow(b, -power);
        if (power == 0) return 1;
        if (power % 2 == 0) return Pow(b * b, power / 2);
        if (power % 3 == 0) return Pow(b * b * b, power / 3);
        return b * Pow(b, power - 1);
    }
}
