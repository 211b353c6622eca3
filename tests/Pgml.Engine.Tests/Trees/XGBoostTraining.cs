using Pgml.Engine.XGBoost;

namespace Pgml.Engine.Tests.Trees;

/// <summary>Trains real libxgboost models in-process on generated data, so the C# evaluator is checked against the real thing.</summary>
internal static unsafe class XGBoostTraining
{
    /// <summary>Row-major features with about <paramref name="missingRate"/> of the entries NaN, plus a raw signal per row.</summary>
    public static (float[] X, double[] Signal) Features(int rows, int cols, int seed, double missingRate = 0.1)
    {
        var rng = new Random(seed);
        var x = new float[rows * cols];
        var signal = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int c = 0; c < cols; c++)
            {
                // Rounded values make ties with split thresholds likely, which is where "<" versus "<=" would show.
                float v = c % 3 == 0 ? MathF.Round((float)(rng.NextDouble() * 20 - 10), 1) : (float)(rng.NextDouble() * 4 - 2);
                double coef = (c % 4 + 1) * (c % 2 == 0 ? 1 : -1) / 4.0;
                s += coef * v + (c == 1 ? Math.Sin(v * 2) : 0);
                x[r * cols + c] = rng.NextDouble() < missingRate ? float.NaN : v;
            }
            signal[r] = s + rng.NextDouble() * 0.5;
        }
        return (x, signal);
    }

    public static Booster Train(float[] x, float[] labels, int cols, int rounds, params (string Name, string Value)[] parameters)
    {
        int rows = labels.Length;
        nint dm;
        fixed (float* px = x)
            XGBoostNative.Check(XGBoostNative.XGDMatrixCreateFromMat(px, (ulong)rows, (ulong)cols, float.NaN, &dm), "XGDMatrixCreateFromMat");
        try
        {
            fixed (float* pl = labels)
                XGBoostNative.Check(XGBoostNative.XGDMatrixSetFloatInfo(dm, "label", pl, (ulong)rows), "XGDMatrixSetFloatInfo");
            var booster = Booster.Create(dm);
            booster.SetParam("seed", "7");
            booster.SetParam("verbosity", "0");
            foreach (var (name, value) in parameters)
                booster.SetParam(name, value);
            for (int i = 0; i < rounds; i++)
                XGBoostNative.Check(XGBoostNative.XGBoosterUpdateOneIter(booster.Handle, i, dm), "XGBoosterUpdateOneIter");
            return booster;
        }
        finally
        {
            XGBoostNative.XGDMatrixFree(dm);
        }
    }
}
