using Pgml.Engine.Algorithms;
using Pgml.Engine.Models;
using Pgml.Engine.Neighbors;
using Pgml.Engine.Tests.Algorithms;
using Xunit;

namespace Pgml.Engine.Tests.Neighbors;

/// <summary>
/// knn against scikit-learn's KNeighborsRegressor / KNeighborsClassifier on the same float32 rows (continuous values:
/// no two neighbours at the same distance), and its KD-tree search against a brute-force scan (with ties).
/// Tolerance: predictions and probabilities within 1e-6 relative (float32 outputs of double computations; scikit-learn's
/// brute-force distances use the |x|² - 2x·y + |y|² expansion, which differs from the direct sum in the last bits).
/// </summary>
public class KnnTests
{
    private static readonly KnnAlgorithm Knn = new();

    private static void Close(double expected, double actual, string what)
    {
        double tolerance = 1e-6 * Math.Max(1, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected}, got {actual}");
    }

    [Theory]
    [InlineData("uniform", 2, 4)]
    [InlineData("distance", 2, 4)]
    [InlineData("uniform", 1, 4)]
    [InlineData("distance", 1, 4)]
    [InlineData("distance", 2, 20)]   // past 15 features scikit-learn searches by brute force
    public void Regression_matches_scikit_learn(string weights, int p, int features)
    {
        using var data = SyntheticData.Regression(800, features, seed: 11);
        var model = Knn.Train($$"""{"weights": "{{weights}}", "p": {{p}}, "n_neighbors": 7}""", data.TrainingSet()).Predictor;
        Assert.Equal(PredictionKind.Value, model.Kind);
        // held-out rows, and training rows: a neighbour at distance 0 takes all the weight
        var test = data.XTest.Concat(data.XTrain.Take(25)).ToArray();
        var sk = SklearnReference.Fit("sklearn.neighbors.KNeighborsRegressor", new { weights, p, n_neighbors = 7 },
            data.XTrain, data.YTrain, test, "predict")["predict"].Vector();
        for (int i = 0; i < test.Length; i++) Close(sk[i], model.Predict(test[i])[0], $"row {i}");
        if (weights == "distance")
            for (int i = 0; i < 25; i++) Assert.Equal(data.YTrain![i], model.Predict(data.XTrain[i])[0]);
    }

    [Theory]
    [InlineData("uniform", 2)]
    [InlineData("distance", 2)]
    [InlineData("uniform", 1)]
    [InlineData("distance", 1)]
    public void Classification_probabilities_match_scikit_learn(string weights, int p)
    {
        using var data = SyntheticData.Classification(900, 4, 3, seed: 5, spread: 3.0);
        var model = Knn.Train($$"""{"weights": "{{weights}}", "p": {{p}}, "algorithm": "brute"}""", data.TrainingSet()).Predictor;
        Assert.Equal(PredictionKind.Probabilities, model.Kind);
        Assert.Equal(3, model.NumOutputs);
        var test = data.XTest.Concat(data.XTrain.Take(25)).ToArray();
        var sk = SklearnReference.Fit("sklearn.neighbors.KNeighborsClassifier", new { weights, p },
            data.XTrain, data.YTrain, test, "predict_proba", "predict");
        var proba = sk["predict_proba"].Rows();
        var label = sk["predict"].Vector();
        int mixed = 0;
        for (int i = 0; i < test.Length; i++)
        {
            var ours = model.Predict(test[i]);
            for (int c = 0; c < 3; c++) Close(proba[i][c], ours[c], $"row {i} class {c}");
            if (proba[i].Max() < 1) mixed++;
            // scikit-learn's predict: the first class of highest probability
            if (proba[i].Count(v => v == proba[i].Max()) == 1) Assert.Equal(label[i], Array.IndexOf(ours, ours.Max()));
        }
        Assert.True(mixed > 20, $"only {mixed} rows have neighbours of more than one class");
    }

    [Fact]
    public void A_class_missing_from_the_training_rows_has_probability_zero()
    {
        var x = SyntheticData.Uniform(50, 2, seed: 1);
        var y = x.Select(r => r[0] > 0 ? 2f : 0f).ToArray();
        using var set = SyntheticData.AllTraining(x, y, TaskKind.Classification, classes: 3);
        var model = Knn.Train("{}", set.TrainingSet()).Predictor;
        Assert.Equal(3, model.NumOutputs);
        foreach (var row in SyntheticData.Uniform(20, 2, seed: 2))
        {
            var proba = model.Predict(row);
            Assert.Equal(0f, proba[1]);
            Assert.Equal(1f, proba[0] + proba[2], 6);
        }
    }

    /// <summary>The k nearest rows by brute force: sorted by distance, then by row (the lower row first).</summary>
    private static int[] BruteForce(float[][] rows, float[] query, int k, int p) =>
        Enumerable.Range(0, rows.Length)
            .Select(i => (Row: i, Distance: rows[i].Zip(query, (a, b) => p == 1 ? Math.Abs((double)a - b) : ((double)a - b) * ((double)a - b)).Sum()))
            .OrderBy(t => t.Distance).ThenBy(t => t.Row).Take(k).Select(t => t.Row).ToArray();

    [Theory]
    [InlineData(2, 1)]
    [InlineData(2, 4)]
    [InlineData(2, 30)]
    [InlineData(1, 30)]
    [InlineData(2, 10000)]   // one leaf: a plain scan
    public void Neighbours_are_those_of_a_brute_force_scan_ties_to_the_earlier_row(int p, int leafSize)
    {
        // a small integer grid: many rows at the same distance, and duplicate rows
        var rng = new Random(3);
        var x = Enumerable.Range(0, 3000).Select(_ => Enumerable.Range(0, 3).Select(_ => (float)rng.Next(6)).ToArray()).ToArray();
        var y = Enumerable.Range(0, x.Length).Select(i => (float)i).ToArray();
        using var set = SyntheticData.AllTraining(x, y, TaskKind.Regression);
        const int k = 12;
        var model = (KnnPredictor)Knn.Train($$"""{"n_neighbors": {{k}}, "p": {{p}}, "leaf_size": {{leafSize}}}""", set.TrainingSet()).Predictor;
        var rows = new int[k];
        var distances = new double[k];
        var queries = Enumerable.Range(0, 200).Select(_ => Enumerable.Range(0, 3).Select(_ => (float)(rng.NextDouble() * 7 - 0.5)).ToArray())
            .Concat(x.Take(50)).Concat(Enumerable.Range(0, 50).Select(_ => Enumerable.Range(0, 3).Select(_ => (float)rng.Next(6)).ToArray()));
        foreach (var q in queries)
        {
            model.Neighbors(q, rows, distances);
            Assert.Equal(BruteForce(x, q, k, p), rows);
        }
    }

    [Fact]
    public void Neighbours_of_continuous_rows_match_brute_force_in_many_dimensions()
    {
        var x = SyntheticData.Uniform(4000, 12, seed: 8);
        using var set = SyntheticData.AllTraining(x, new float[x.Length], TaskKind.Regression);
        var model = (KnnPredictor)Knn.Train("""{"n_neighbors": 9, "leaf_size": 7}""", set.TrainingSet()).Predictor;
        var rows = new int[9];
        var distances = new double[9];
        foreach (var q in SyntheticData.Uniform(100, 12, seed: 9))
        {
            model.Neighbors(q, rows, distances);
            var expected = BruteForce(x, q, 9, 2);
            Assert.Equal(expected, rows);
            for (int i = 0; i < 9; i++)
                Assert.Equal(Math.Sqrt(x[expected[i]].Zip(q, (a, b) => ((double)a - b) * ((double)a - b)).Sum()), distances[i], 12);
        }
    }

    [Fact]
    public void A_search_reads_a_small_part_of_many_rows()
    {
        // 200,000 rows in 4 dimensions: the tree must not scan them all
        var x = SyntheticData.Uniform(200_000, 4, seed: 4);
        using var set = SyntheticData.AllTraining(x, new float[x.Length], TaskKind.Regression);
        var model = (KnnPredictor)Knn.Train("{}", set.TrainingSet()).Predictor;
        var queries = SyntheticData.Uniform(500, 4, seed: 5);
        var output = new float[1];
        foreach (var q in queries) model.Predict(q, output);
        double perQuery = model.DistanceEvaluations / (double)queries.Length;
        Assert.True(perQuery < 2000, $"{perQuery:F0} rows read per search of 200,000");
        // and exactly: the same neighbours as a scan, for a few of them
        var rows = new int[5];
        var distances = new double[5];
        foreach (var q in queries.Take(5))
        {
            model.Neighbors(q, rows, distances);
            Assert.Equal(BruteForce(x, q, 5, 2), rows);
        }
    }

    [Theory]
    [InlineData(TaskKind.Regression, """{"weights": "distance"}""")]
    [InlineData(TaskKind.Classification, """{"weights": "distance", "metric": "manhattan"}""")]
    [InlineData(TaskKind.Classification, """{"n_neighbors": 1}""")]
    public void Stored_bytes_load_back_damage_is_refused_and_prediction_allocates_nothing(TaskKind task, string json)
    {
        using var data = task == TaskKind.Regression ? SyntheticData.Regression(300, 4, seed: 3) : SyntheticData.Classification(300, 4, 3, seed: 3);
        var model = Knn.Train(json, data.TrainingSet()).Predictor;
        LocalFormats.CheckContract(model, data.XTest);
        int rows = data.Train, d = 4;
        Assert.Equal(48 + 32 + 4L * rows * (d + 2) + 12, model.ToBytes().Length);
    }

    [Fact]
    public void Missing_values_answer_NaN_and_are_refused_in_training()
    {
        using var data = SyntheticData.Regression(100, 3, seed: 1);
        var model = Knn.Train("{}", data.TrainingSet()).Predictor;
        Assert.True(float.IsNaN(model.Predict([1, float.NaN, 0])[0]));
        var x = SyntheticData.Uniform(20, 2, seed: 1);
        x[7][1] = float.NaN;
        using var set = SyntheticData.AllTraining(x, new float[20], TaskKind.Regression);
        var e = Assert.Throws<InvalidDataException>(() => Knn.Train("{}", set.TrainingSet()));
        Assert.Contains("row 8", e.Message);
        Assert.Contains("feature 2", e.Message);
    }

    [Theory]
    [InlineData("""{"metric": "cosine"}""", "metric")]
    [InlineData("""{"metric": "chebyshev"}""", "metric")]
    [InlineData("""{"p": 3}""", "p = 3")]
    [InlineData("""{"p": 0.5}""", "p")]
    [InlineData("""{"weights": "gaussian"}""", "weights")]
    [InlineData("""{"n_neighbors": 0}""", "n_neighbors")]
    [InlineData("""{"leaf_size": 0}""", "leaf_size")]
    [InlineData("""{"n_neigbors": 3}""", "n_neighbors")]
    public void Bad_hyperparameters_are_refused_before_training(string json, string named)
    {
        var e = Assert.ThrowsAny<EngineException>(() => Knn.Validate(json, TaskKind.Regression));
        Assert.Contains(named, e.Message + e.Hint);
    }

    [Theory]
    [InlineData("""{"algorithm": "ball_tree", "leaf_size": 10, "n_jobs": 4}""")]
    [InlineData("""{"metric": "euclidean", "p": 7}""")]
    [InlineData("""{"metric": "l1"}""")]
    [InlineData("""{"p": 1.0}""")]
    public void Accepted_hyperparameters(string json) => Knn.Validate(json, TaskKind.Classification);

    [Fact]
    public void More_neighbours_than_rows_is_refused()
    {
        using var data = SyntheticData.Regression(8, 2, seed: 1);
        var e = Assert.Throws<InvalidDataException>(() => Knn.Train("""{"n_neighbors": 7}""", data.TrainingSet()));
        Assert.Contains("n_neighbors = 7", e.Message);
    }

    [Fact]
    public void Cancellation_propagates()
    {
        using var data = SyntheticData.Regression(300, 3, seed: 1);
        var interrupt = new InterruptAfter(1);
        Assert.Throws<InterruptAfter.Cancelled>(() => Knn.Train("{}", data.TrainingSet(interrupt.Check)));
        // a large tree checks while it partitions, about every 100,000 rows
        var x = SyntheticData.Uniform(150_000, 2, seed: 2);
        var counting = new InterruptAfter(int.MaxValue);
        using var set = SyntheticData.AllTraining(x, new float[x.Length], TaskKind.Regression);
        Knn.Train("{}", set.TrainingSet(counting.Check));
        Assert.True(counting.Calls >= 10, $"{counting.Calls} checks");
    }
}
