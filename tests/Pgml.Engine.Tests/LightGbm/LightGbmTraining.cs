using Pgml.Engine.Data;
using Pgml.Engine.LightGbm;
using Xunit;

namespace Pgml.Engine.Tests.LightGbm;

/// <summary>
/// All LightGBM tests run one at a time: LightGBM keeps process-wide state (its log level, OpenMP's thread pool) and a
/// benchmark may share the machine, so they train single-threaded and never in parallel with each other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LightGbmCollection
{
    public const string Name = "LightGBM";
}

/// <summary>Generated data and real lib_lightgbm models, so the C# evaluator is checked against the real thing.</summary>
internal static unsafe class LightGbmTraining
{
    /// <summary>
    /// Row-major features and a raw signal per row. Columns differ in what the trees must get right:
    /// c % 4 == 0 rounded values (ties with thresholds), 1 continuous and never missing (MissingType None),
    /// 2 about 30% exact zeros, 3 small magnitudes with zeros, -0.0 and values around LightGBM's kZeroThreshold (1e-35f).
    /// Every column but c % 4 == 1 has about <paramref name="missingRate"/> NaN.
    /// </summary>
    public static (float[] X, double[] Signal) Features(int rows, int cols, int seed, double missingRate = 0.1)
    {
        var rng = new Random(seed);
        var x = new float[rows * cols];
        var signal = new double[rows];
        float[] tiny = [1e-35f, -1e-35f, MathF.BitIncrement(1e-35f), MathF.BitDecrement(-1e-35f), 1e-36f, -1e-36f, -0.0f, 0.0f, 1e-30f, -1e-30f];
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int c = 0; c < cols; c++)
            {
                float v = (c % 4) switch
                {
                    0 => MathF.Round((float)(rng.NextDouble() * 20 - 10), 1),
                    1 => (float)(rng.NextDouble() * 4 - 2),
                    2 => rng.NextDouble() < 0.3 ? 0f : (float)(rng.NextDouble() * 6 - 3),
                    _ => rng.NextDouble() < 0.3 ? tiny[rng.Next(tiny.Length)] : (float)(rng.NextDouble() * 0.02 - 0.01),
                };
                double coef = (c % 5 + 1) * (c % 2 == 0 ? 1 : -1) / 4.0;
                s += c % 4 == 3 ? (v > 0 ? 1 : v < 0 ? -1 : 0) * 0.7 : coef * v + (c == 1 ? Math.Sin(v * 2) : 0);
                x[r * cols + c] = c % 4 != 1 && rng.NextDouble() < missingRate ? float.NaN : v;
            }
            signal[r] = s + rng.NextDouble() * 0.5;
        }
        return (x, signal);
    }

    public static float[] ClassLabels(double[] signal, int classes)
    {
        var sorted = signal.Order().ToArray();
        var cuts = Enumerable.Range(1, classes - 1).Select(i => sorted[i * sorted.Length / classes]).ToArray();
        return [.. signal.Select(v => (float)cuts.Count(c => v >= c))];
    }

    public static NativeMatrix Matrix(float[] x, int cols)
    {
        var m = new NativeMatrix(cols, x.Length / cols);
        for (int r = 0; r < x.Length / cols; r++) m.AppendRow(x.AsSpan(r * cols, cols));
        return m;
    }

    /// <summary>Trains through pgml's trainer (single-threaded, deterministic) and returns LightGBM's text model.</summary>
    public static byte[] Train(float[] x, float[] labels, int cols, LightGbmTask task, int classes, string json)
    {
        using var m = Matrix(x, cols);
        var p = LightGbmParameters.Parse(WithThreads(json), task);
        return LightGbmTrainer.Train(m, labels, labels.Length, task, classes, p, () => { });
    }

    /// <summary>
    /// Trains with a raw LightGBM parameter string and keeps the in-memory booster (not a saved and reloaded one), to
    /// check that the text model round-trips and that C# matches the booster that was trained.
    /// </summary>
    public static LightGbmBooster TrainBooster(float[] x, float[] labels, int cols, int iterations, string parameters)
    {
        nint dataset = 0, booster = 0;
        try
        {
            fixed (float* px = x)
                dataset = LightGbmNative.CreateDataset(px, labels.Length, cols, parameters);
            LightGbmNative.SetLabels(dataset, labels);
            booster = LightGbmNative.CreateBooster(dataset, parameters);
            for (int i = 0; i < iterations; i++)
                if (LightGbmNative.UpdateOneIter(booster, i)) break;
            var result = LightGbmBooster.Own(booster);
            booster = 0;
            return result;
        }
        finally
        {
            LightGbmNative.FreeBooster(booster);
            LightGbmNative.FreeDataset(dataset);
        }
    }

    private static string WithThreads(string json)
    {
        string inner = json.Trim();
        if (inner.Contains("num_threads") || inner.Contains("n_jobs")) return inner;
        return inner == "{}" ? """{"num_threads": 1, "deterministic": true}"""
            : "{\"num_threads\": 1, \"deterministic\": true, " + inner.TrimStart()[1..];
    }

    /// <summary>
    /// For every split of the model, copies of evaluation rows with the split's feature set to the threshold rounded
    /// to float and its float neighbours, plus zeros, -0.0, NaN and the values around ±kZeroThreshold once per feature.
    /// </summary>
    public static float[] ThresholdRows(byte[] model, float[] eval, int cols, int maxRows = 40_000)
    {
        var m = LightGbmTextParser.Parse(model);
        var rows = new List<float>();
        int n = 0, evalRows = eval.Length / cols;
        var edgeDone = new bool[cols];
        float[] edges = [0f, -0f, float.NaN, 1e-35f, -1e-35f, MathF.BitIncrement(1e-35f), MathF.BitDecrement(-1e-35f),
            MathF.BitDecrement(1e-35f), MathF.BitIncrement(-1e-35f), float.Epsilon, -float.Epsilon, float.PositiveInfinity, float.NegativeInfinity];
        void Add(int f, float v)
        {
            int src = (n++ % evalRows) * cols;
            var row = eval.AsSpan(src, cols).ToArray();
            row[f] = v;
            rows.AddRange(row);
        }
        foreach (var tree in m.Trees)
        {
            for (int i = 0; i < tree.NumLeaves - 1; i++)
            {
                int f = tree.SplitFeature[i];
                float t = (float)tree.Threshold[i];
                foreach (float v in new[] { t, MathF.BitDecrement(t), MathF.BitIncrement(t) }) Add(f, v);
                if (!edgeDone[f])
                {
                    edgeDone[f] = true;
                    foreach (float v in edges) Add(f, v);
                }
                if (rows.Count >= maxRows * cols) return [.. rows];
            }
        }
        return [.. rows];
    }

    /// <summary>
    /// Asserts that C# reproduces LightGBM's raw scores and predictions of every row bit for bit, as doubles, and that
    /// the float32 API returns exactly those doubles cast to float. Returns the rows checked.
    /// </summary>
    public static int AssertBitExact(LightGbmEnsemble model, LightGbmBooster booster, float[] x, int cols)
    {
        int rows = x.Length / cols;
        int k = model.NumOutputs;
        double[] raw = booster.PredictForMat(x, rows, cols, rawScore: true);
        double[] normal = booster.PredictForMat(x, rows, cols);
        Assert.Equal(rows * k, raw.Length);
        Assert.Equal(rows * k, normal.Length);
        var got = new double[k];
        var gotFloat = new float[k];
        for (int r = 0; r < rows; r++)
        {
            var row = x.AsSpan(r * cols, cols);
            model.PredictMargin(row, got);
            Compare("raw score", raw, got, r, k, row);
            model.PredictMargin(row, gotFloat);
            CompareFloat("raw score (float)", raw, gotFloat, r, k);
            model.Predict(row, got);
            Compare("prediction", normal, got, r, k, row);
            model.Predict(row, gotFloat);
            CompareFloat("prediction (float)", normal, gotFloat, r, k);
        }
        return rows;
    }

    private static void Compare(string what, double[] expected, double[] got, int r, int k, ReadOnlySpan<float> row)
    {
        for (int j = 0; j < k; j++)
        {
            double e = expected[r * k + j];
            if (BitConverter.DoubleToInt64Bits(e) != BitConverter.DoubleToInt64Bits(got[j]))
                Assert.Fail($"{what} mismatch at row {r}, output {j}: LightGBM {e:R} (0x{BitConverter.DoubleToInt64Bits(e):X16}), " +
                            $"C# {got[j]:R} (0x{BitConverter.DoubleToInt64Bits(got[j]):X16}); " +
                            $"row = [{string.Join(", ", row.ToArray().Select(v => v.ToString("R")))}]");
        }
    }

    private static void CompareFloat(string what, double[] expected, float[] got, int r, int k)
    {
        for (int j = 0; j < k; j++)
        {
            float e = (float)expected[r * k + j];
            if (BitConverter.SingleToInt32Bits(e) != BitConverter.SingleToInt32Bits(got[j]))
                Assert.Fail($"{what} mismatch at row {r}, output {j}: (float)LightGBM {e:R}, C# {got[j]:R}");
        }
    }
}
