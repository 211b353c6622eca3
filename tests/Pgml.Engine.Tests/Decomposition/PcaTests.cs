using Pgml.Engine.Algorithms;
using Pgml.Engine.Decomposition;
using Pgml.Engine.Models;
using Pgml.Engine.Tests.Algorithms;
using Pgml.Engine.Tests.Neighbors;
using Xunit;

namespace Pgml.Engine.Tests.Decomposition;

/// <summary>
/// pca against scikit-learn's PCA (svd_solver "full": LAPACK's SVD of the centred rows) on the same float32 rows, whose
/// variances along rotated axes are distinct (so each component is well defined). Tolerance: components_ (with their
/// signs), explained_variance_ and explained_variance_ratio_ within 1e-5 relative (in fact about 1e-12); transform
/// within 1e-5 of the component's scale (sqrt(explained_variance_), or 1 when whitened), since a projection near 0 has
/// no meaningful relative error, and the outputs are float32.
/// </summary>
public class PcaTests
{
    private static readonly PcaAlgorithm Pca = new();

    /// <summary>Gaussian rows with standard deviations <paramref name="scales"/> along the axes of a random rotation, offset
    /// from the origin.</summary>
    private static float[][] Rotated(int rows, double[] scales, int seed)
    {
        var rng = new Random(seed);
        int d = scales.Length;
        // a random orthonormal basis (Gram-Schmidt of Gaussian vectors)
        var basis = new double[d][];
        for (int i = 0; i < d; i++)
        {
            var v = Enumerable.Range(0, d).Select(_ => SyntheticData.Gaussian(rng)).ToArray();
            for (int k = 0; k < i; k++)
            {
                double dot = v.Zip(basis[k], (a, b) => a * b).Sum();
                for (int j = 0; j < d; j++) v[j] -= dot * basis[k][j];
            }
            double norm = Math.Sqrt(v.Sum(a => a * a));
            basis[i] = v.Select(a => a / norm).ToArray();
        }
        var offset = Enumerable.Range(0, d).Select(_ => rng.NextDouble() * 10 - 5).ToArray();
        return Enumerable.Range(0, rows).Select(_ =>
        {
            var z = scales.Select(s => s * SyntheticData.Gaussian(rng)).ToArray();
            return Enumerable.Range(0, d).Select(j => (float)(offset[j] + Enumerable.Range(0, d).Sum(i => z[i] * basis[i][j]))).ToArray();
        }).ToArray();
    }

    private static readonly double[] Scales = [6, 4, 3, 2.2, 1.6, 1.1, 0.8, 0.5];

    private static void Relative(double expected, double actual, double scale, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5 * scale, $"{what}: expected {expected:R}, got {actual:R}");

    private static PcaPredictor CompareWithScikitLearn(float[][] train, float[][] test, string json, object skParams)
    {
        using var set = SyntheticData.AllTraining(train, null, TaskKind.Decomposition);
        var model = (PcaPredictor)Pca.Train(json, set.TrainingSet()).Predictor;
        var sk = SklearnReference.Fit("sklearn.decomposition.PCA", skParams, train, null, test,
            "components_", "explained_variance_", "explained_variance_ratio_", "mean_", "transform");
        var components = sk["components_"].Rows();
        var variance = sk["explained_variance_"].Vector();
        var ratio = sk["explained_variance_ratio_"].Vector();
        int m = components.Length, d = train[0].Length;
        Assert.Equal(m, model.NumOutputs);
        Assert.Equal(PredictionKind.Components, model.Kind);
        var mean = sk["mean_"].Vector();
        for (int j = 0; j < d; j++) Relative(mean[j], model.Mean[j], Math.Abs(mean[j]), $"mean {j}");
        for (int k = 0; k < m; k++)
        {
            Relative(variance[k], model.ExplainedVariance[k], variance[k], $"explained_variance_ {k}");
            Relative(ratio[k], model.ExplainedVarianceRatio[k], ratio[k], $"explained_variance_ratio_ {k}");
            for (int j = 0; j < d; j++) Relative(components[k][j], model.Components[k * d + j], 1, $"component {k} feature {j}");
        }
        var transformed = sk["transform"].Rows();
        for (int i = 0; i < test.Length; i++)
        {
            var ours = model.Predict(test[i]);
            for (int k = 0; k < m; k++)
                Relative(transformed[i][k], ours[k], model.Whiten ? 1 : Math.Sqrt(variance[k]), $"row {i} component {k}");
        }
        return model;
    }

    [Fact]
    public void All_components()
    {
        var rows = Rotated(1500, Scales, seed: 1);
        var model = CompareWithScikitLearn(rows[..1200], rows[1200..], "{}", new { svd_solver = "full" });
        Assert.Equal(8, model.NumOutputs);
        Assert.Equal(1, model.ExplainedVarianceRatio.Sum(), 12);
    }

    [Fact]
    public void Some_components_whitened()
    {
        var rows = Rotated(1500, Scales, seed: 2);
        var model = CompareWithScikitLearn(rows[..1200], rows[1200..], """{"n_components": 3, "whiten": true}""",
            new { n_components = 3, whiten = true, svd_solver = "full" });
        Assert.Equal(3, model.NumOutputs);
        Assert.True(model.Whiten);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.999)]
    public void A_fraction_of_the_variance(double fraction)
    {
        var rows = Rotated(1000, Scales, seed: 3);
        var model = CompareWithScikitLearn(rows[..800], rows[800..], $$"""{"n_components": {{fraction}}}""",
            new { n_components = fraction, svd_solver = "full" });
        Assert.True(model.ExplainedVarianceRatio.Sum() > fraction);
        Assert.True(model.ExplainedVarianceRatio.SkipLast(1).Sum() <= fraction);
    }

    [Fact]
    public void Fewer_rows_than_features()
    {
        var scales = Enumerable.Range(0, 30).Select(i => 10.0 * Math.Pow(0.8, i)).ToArray();
        var rows = Rotated(45, scales, seed: 4);
        CompareWithScikitLearn(rows[..25], rows[25..], """{"n_components": 6}""", new { n_components = 6, svd_solver = "full" });
        // n_components = None: min(rows, features) = 25 components
        using var set = SyntheticData.AllTraining(rows[..25], null, TaskKind.Decomposition);
        Assert.Equal(25, Pca.Train("{}", set.TrainingSet()).Predictor.NumOutputs);
    }

    [Fact]
    public void Many_features()
    {
        var scales = Enumerable.Range(0, 60).Select(i => 5.0 / (1 + 0.15 * i)).ToArray();
        var rows = Rotated(2000, scales, seed: 5);
        CompareWithScikitLearn(rows[..1900], rows[1900..], """{"n_components": 10}""", new { n_components = 10, svd_solver = "full" });
    }

    [Fact]
    public void Eigendecomposition_of_random_symmetric_matrices()
    {
        var rng = new Random(6);
        foreach (int d in new[] { 1, 2, 3, 10, 57, 200 })
        {
            var a = new double[d * d];
            for (int i = 0; i < d; i++)
                for (int j = 0; j <= i; j++)
                    a[i * d + j] = a[j * d + i] = rng.NextDouble() * 2 - 1;
            var copy = (double[])a.Clone();
            var (values, vectors) = SymmetricEigen.Decompose(copy, d);
            for (int k = 0; k < d; k++)
            {
                if (k > 0) Assert.True(values[k] <= values[k - 1]);
                for (int i = 0; i < d; i++)
                {
                    double av = 0;
                    for (int j = 0; j < d; j++) av += a[i * d + j] * vectors[k * d + j];
                    Assert.Equal(values[k] * vectors[k * d + i], av, 1e-10);
                }
                for (int l = 0; l <= k; l++)
                {
                    double dot = 0;
                    for (int j = 0; j < d; j++) dot += vectors[k * d + j] * vectors[l * d + j];
                    Assert.Equal(k == l ? 1 : 0, dot, 1e-12);
                }
            }
        }
        // a diagonal matrix and a zero matrix
        var (diagonal, _) = SymmetricEigen.Decompose([3, 0, 0, 0, 1, 0, 0, 0, 2], 3);
        Assert.Equal([3.0, 2.0, 1.0], diagonal);
        var (zeros, zeroVectors) = SymmetricEigen.Decompose(new double[16], 4);
        Assert.All(zeros, v => Assert.Equal(0, v));
        Assert.All(Enumerable.Range(0, 4), k => Assert.Equal(1, Enumerable.Range(0, 4).Sum(j => zeroVectors[k * 4 + j] * zeroVectors[k * 4 + j]), 12));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"n_components": 2, "whiten": true}""")]
    public void Stored_bytes_load_back_damage_is_refused_and_prediction_allocates_nothing(string json)
    {
        using var data = SyntheticData.Unlabeled(300, 4, 3, seed: 3, TaskKind.Decomposition);
        var model = (PcaPredictor)Pca.Train(json, data.TrainingSet()).Predictor;
        LocalFormats.CheckContract(model, data.XTest);
        var loaded = (PcaPredictor)LocalFormats.Load(model.ToBytes());
        Assert.Equal(model.ExplainedVarianceRatio, loaded.ExplainedVarianceRatio);
        Assert.Equal(model.ExplainedVariance, loaded.ExplainedVariance);
    }

    [Theory]
    [InlineData("""{"svd_solver": "randomized"}""", typeof(UnsupportedException), "randomized")]
    [InlineData("""{"svd_solver": "arpack"}""", typeof(UnsupportedException), "arpack")]
    [InlineData("""{"n_components": "mle"}""", typeof(UnsupportedException), "mle")]
    [InlineData("""{"n_components": 1.5}""", typeof(InvalidParameterException), "integer")]
    [InlineData("""{"n_components": 0}""", typeof(InvalidParameterException), "n_components")]
    [InlineData("""{"n_components": -0.5}""", typeof(InvalidParameterException), "n_components")]
    [InlineData("""{"whiten": "yes"}""", typeof(InvalidParameterException), "whiten")]
    [InlineData("""{"n_component": 2}""", typeof(InvalidParameterException), "n_components")]
    public void Refused_before_training(string json, Type exception, string named)
    {
        var e = Assert.ThrowsAny<EngineException>(() => Pca.Validate(json, TaskKind.Decomposition));
        Assert.IsType(exception, e);
        Assert.Contains(named, e.Message + e.Hint);
    }

    [Theory]
    [InlineData("""{"svd_solver": "covariance_eigh", "random_state": 3, "copy": true, "tol": 0.0, "iterated_power": "auto"}""")]
    [InlineData("""{"n_components": null, "svd_solver": "auto", "n_oversamples": 10, "power_iteration_normalizer": "auto"}""")]
    [InlineData("""{"n_components": 2.0}""")]
    public void Accepted(string json) => Pca.Validate(json, TaskKind.Decomposition);

    [Fact]
    public void Refused_by_the_data()
    {
        using var data = SyntheticData.Unlabeled(40, 4, 2, seed: 1, TaskKind.Decomposition);
        var e = Assert.Throws<InvalidParameterException>(() => Pca.Train("""{"n_components": 5}""", data.TrainingSet()));
        Assert.Contains("min(rows, features) = 4", e.Message);
        var x = SyntheticData.Uniform(20, 3, seed: 1);
        x[2][2] = float.NaN;
        using var missing = SyntheticData.AllTraining(x, null, TaskKind.Decomposition);
        Assert.Contains("row 3", Assert.Throws<InvalidDataException>(() => Pca.Train("{}", missing.TrainingSet())).Message);
        using var one = SyntheticData.AllTraining([[1f, 2f]], null, TaskKind.Decomposition);
        Assert.Throws<InvalidDataException>(() => Pca.Train("{}", one.TrainingSet()));
        using var wide = SyntheticData.AllTraining([new float[PcaAlgorithm.MaxFeatures + 1], new float[PcaAlgorithm.MaxFeatures + 1]], null, TaskKind.Decomposition);
        Assert.Contains("at most", Assert.Throws<InvalidDataException>(() => Pca.Train("{}", wide.TrainingSet())).Message);
    }

    [Fact]
    public void A_constant_feature_and_a_constant_table()
    {
        var rows = Rotated(300, [3, 2, 1], seed: 7).Select(r => new[] { r[0], 4f, r[1], r[2] }).ToArray();
        CompareWithScikitLearn(rows[..250], rows[250..], """{"n_components": 3}""", new { n_components = 3, svd_solver = "full" });
        using var constant = SyntheticData.AllTraining(Enumerable.Range(0, 10).Select(_ => new[] { 1f, 2f }).ToArray(), null, TaskKind.Decomposition);
        var model = (PcaPredictor)Pca.Train("""{"n_components": 1}""", constant.TrainingSet()).Predictor;
        Assert.Equal(0, model.ExplainedVariance[0]);
        Assert.Equal(0, model.ExplainedVarianceRatio[0]);
        Assert.Equal(0, model.Predict([1, 2])[0]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Cancellation_propagates(int after)
    {
        using var data = SyntheticData.Unlabeled(600, 4, 3, seed: 1, TaskKind.Decomposition);
        var interrupt = new InterruptAfter(after);
        Assert.Throws<InterruptAfter.Cancelled>(() => Pca.Train("{}", data.TrainingSet(interrupt.Check)));
    }
}
