using Pgml.Engine.Trees;
using Pgml.Engine.XGBoost;
using Xunit;

namespace Pgml.Engine.Tests.Trees;

/// <summary>Compares the C# evaluator with libxgboost's own predictions float bit for float bit.</summary>
internal static class BitExact
{
    /// <summary>Asserts margins and transformed predictions of every row equal XGBoost's; returns the rows checked.</summary>
    public static int AssertMatchesXGBoost(TreeEnsemble model, Booster booster, float[] x, int cols, bool checkPredict = true)
    {
        int rows = x.Length / cols;
        int k = model.NumOutputs;
        float[] margins = booster.PredictDense(x, rows, cols, outputMargin: true);
        Assert.Equal(rows * k, margins.Length);
        Compare("margin", margins, k, x, cols, (row, o) => model.PredictMargin(row, o));
        if (checkPredict)
        {
            float[] predictions = booster.PredictDense(x, rows, cols);
            Assert.Equal(rows * k, predictions.Length);
            Compare("prediction", predictions, k, x, cols, (row, o) => model.Predict(row, o));
        }
        return rows;
    }

    public delegate void Evaluate(ReadOnlySpan<float> row, Span<float> output);

    public static void Compare(string what, float[] expected, int k, float[] x, int cols, Evaluate evaluate)
    {
        int rows = x.Length / cols;
        var got = new float[k];
        for (int r = 0; r < rows; r++)
        {
            evaluate(x.AsSpan(r * cols, cols), got);
            for (int j = 0; j < k; j++)
            {
                float e = expected[r * k + j];
                if (BitConverter.SingleToInt32Bits(e) != BitConverter.SingleToInt32Bits(got[j]))
                    Assert.Fail($"{what} mismatch at row {r}, output {j} (flat index {r * k + j}): XGBoost {e:R} " +
                                $"(0x{BitConverter.SingleToInt32Bits(e):X8}), C# {got[j]:R} (0x{BitConverter.SingleToInt32Bits(got[j]):X8}); " +
                                $"row = [{string.Join(", ", x.AsSpan(r * cols, cols).ToArray().Select(v => v.ToString("R")))}]");
            }
        }
    }
}
