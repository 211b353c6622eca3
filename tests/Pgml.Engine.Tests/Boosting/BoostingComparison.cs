using System.Text.Json;
using Pgml.Engine.Algorithms;

namespace Pgml.Engine.Tests.Boosting;

/// <summary>What the boosting comparisons with scikit-learn share: hyperparameters as a dictionary for the reference,
/// a predictor's outputs as doubles, r2.</summary>
internal static class BoostingComparison
{
    public static Dictionary<string, object> Params(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, object>>(json, Reflection)!;

    public static double[] Predict(IPredictor model, float[] row)
    {
        var o = new float[model.NumOutputs];
        model.Predict(row, o);
        return o.Select(v => (double)v).ToArray();
    }

    public static double R2(float[] y, double[] p)
    {
        double mean = y.Average(v => (double)v), ss = 0, st = 0;
        for (int i = 0; i < y.Length; i++)
        {
            ss += (y[i] - p[i]) * (y[i] - p[i]);
            st += (y[i] - mean) * (y[i] - mean);
        }
        return 1 - ss / st;
    }

    private static readonly JsonSerializerOptions Reflection = new()
    {
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };
}
