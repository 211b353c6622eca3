using Pgml.Engine.Data;
using Pgml.Engine.Trees;
using Pgml.Engine.XGBoost;

namespace Pgml.Bench;

/// <summary>
/// The model every benchmark here measures: 25 trees, depth 6, 10 features (the flights benchmark's shape:
/// n_estimators = 25), trained by pgml's own trainer on 5,000 deterministic rows with 10% missing values.
/// </summary>
internal sealed class FlightsShapedModel
{
    public const int Cols = 10;
    public const int TrainRows = 5000;

    private FlightsShapedModel(float[] rows, byte[] json)
    {
        Rows = rows;
        Json = json;
        Ensemble = TreeEnsemble.FromXGBoostJson(json);
        if (Ensemble.NumTrees != 25) throw new InvalidOperationException($"expected 25 trees, got {Ensemble.NumTrees}");
    }

    /// <summary>The training rows, row-major (NaN = missing).</summary>
    public float[] Rows { get; }
    public byte[] Json { get; }
    public TreeEnsemble Ensemble { get; }

    public static FlightsShapedModel Train()
    {
        var rng = new Random(42);
        var x = new float[TrainRows * Cols];
        var y = new float[TrainRows];
        for (int r = 0; r < TrainRows; r++)
        {
            double s = 0;
            for (int c = 0; c < Cols; c++)
            {
                float v = (float)(rng.NextDouble() * 10 - 5);
                s += (c % 3 - 1) * v + (c == 2 ? Math.Sin(v) * 3 : 0);
                x[r * Cols + c] = rng.NextDouble() < 0.1 ? float.NaN : v;
            }
            y[r] = (float)s;
        }
        using var features = new NativeMatrix(Cols, TrainRows);
        for (int r = 0; r < TrainRows; r++) features.AppendRow(x.AsSpan(r * Cols, Cols));
        var p = XGBoostParameters.Parse("{\"n_estimators\": 25, \"max_depth\": 6, \"eta\": 0.3, \"seed\": 1}", XGBoostTask.Regression);
        return new FlightsShapedModel(x, XGBoostTrainer.Train(features, y, TrainRows, XGBoostTask.Regression, 0, p, () => { }));
    }
}
