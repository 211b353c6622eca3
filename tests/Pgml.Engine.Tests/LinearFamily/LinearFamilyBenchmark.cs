using System.Diagnostics;
using System.Text.Json;
using Pgml.Engine.Algorithms;
using Pgml.Engine.Data;
using Pgml.Engine.Models;
using Pgml.Engine.Tests.Algorithms;
using Pgml.Engine.Tests.TestData;
using Xunit;
using Xunit.Abstractions;

namespace Pgml.Engine.Tests.LinearFamily;

/// <summary>
/// Opt-in (skipped unless set): PGML_LINFAM_BENCH=&lt;algorithm&gt;[:&lt;hyperparameters&gt;] trains one regression of
/// the linear family on PGML_LINFAM_ROWS rows (default 1,000,000) x 10 features, the first 75 % training, and then
/// scikit-learn's estimator on the very same float32 rows in a fresh /usr/bin/python3 process (the rows handed over as
/// a raw float32 file), timing each side's fit alone and scoring r2 on the held-out rows. One case per process:
///   PGML_LINFAM_BENCH=bayesian_ridge dotnet test tests/Pgml.Engine.Tests -c Release --filter "FullyQualifiedName~LinearFamilyBenchmark" --logger "console;verbosity=detailed"
/// </summary>
public unsafe class LinearFamilyBenchmark(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Estimators = new()
    {
        ["bayesian_ridge"] = "sklearn.linear_model.BayesianRidge",
        ["automatic_relevance_determination"] = "sklearn.linear_model.ARDRegression",
        ["least_angle"] = "sklearn.linear_model.Lars",
        ["lasso_least_angle"] = "sklearn.linear_model.LassoLars",
        ["orthogonal_matching_pursuit"] = "sklearn.linear_model.OrthogonalMatchingPursuit",
        ["huber"] = "sklearn.linear_model.HuberRegressor",
        ["quantile"] = "sklearn.linear_model.QuantileRegressor",
        ["stochastic_gradient_descent"] = "sklearn.linear_model.SGDRegressor",
        ["passive_aggressive"] = "sklearn.linear_model.PassiveAggressiveRegressor",
        ["kernel_ridge"] = "sklearn.kernel_ridge.KernelRidge",
        ["ransac"] = "sklearn.linear_model.RANSACRegressor",
        ["theil_sen"] = "sklearn.linear_model.TheilSenRegressor",
    };

    [OptInFact("PGML_LINFAM_BENCH", "linear-family timing against scikit-learn; the value is algorithm[:hyperparameters]")]
    public void Same_rows_both_sides()
    {
        string spec = Environment.GetEnvironmentVariable("PGML_LINFAM_BENCH")!;
        var parts = spec.Split(':', 2);
        string algorithm = parts[0], json = parts.Length > 1 ? parts[1] : "{}";
        int rows = int.Parse(Environment.GetEnvironmentVariable("PGML_LINFAM_ROWS") ?? "1000000");
        const int features = 10;
        int train = rows * 3 / 4;
        // y = Xw + 0.3·uniform noise + a few far outliers (1 %), x uniform in [-1, 1)
        var rng = new Random(1);
        var w = Enumerable.Range(0, features).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        using var x = new NativeMatrix(features, rows);
        var labels = new float[rows];
        var row = new float[features];
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int j = 0; j < features; j++) { row[j] = (float)(rng.NextDouble() * 2 - 1); s += row[j] * w[j]; }
            labels[r] = (float)(s + 0.3 * (rng.NextDouble() - 0.5) + (rng.NextDouble() < 0.01 ? 20 : 0));
            x.AppendRow(row);
        }
        fixed (float* y = labels)
        {
            var set = new TrainingSet(x, y, train, TaskKind.Regression, 0, () => { });
            var clock = Stopwatch.StartNew();
            var model = AlgorithmRegistry.Find(algorithm, TaskKind.Regression).Train(json, set).Predictor;
            clock.Stop();
            var predicted = new double[rows - train];
            var o = new float[1];
            for (int r = train; r < rows; r++) { model.Predict(x.Row(r), o); predicted[r - train] = o[0]; }
            double r2 = Metrics.R2(labels[train..], predicted);

            string file = Path.Combine(Path.GetTempPath(), $"pgml-linfam-bench-{Environment.ProcessId}");
            using (var f = File.Create(file + ".x")) f.Write(new ReadOnlySpan<byte>(x.Data, checked((int)(x.SizeInBytes))));
            File.WriteAllBytes(file + ".y", System.Runtime.InteropServices.MemoryMarshal.AsBytes(labels.AsSpan()).ToArray());
            string script = $$"""
                import importlib, json, time, numpy as np
                X = np.fromfile("{{file}}.x", dtype=np.float32).reshape(-1, {{features}}).astype(np.float64)
                y = np.fromfile("{{file}}.y", dtype=np.float32).astype(np.float64)
                module, name = "{{Estimators[algorithm]}}".rsplit(".", 1)
                est = getattr(importlib.import_module(module), name)(**json.loads('{{json}}'))
                t = time.perf_counter(); est.fit(X[:{{train}}], y[:{{train}}]); fit = time.perf_counter() - t
                from sklearn.metrics import r2_score
                print(json.dumps({"fit_s": fit, "r2": r2_score(y[{{train}}:], est.predict(X[{{train}}:]))}))
                """;
            var psi = new ProcessStartInfo(SklearnReference.Python, ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.Environment["OMP_NUM_THREADS"] = "1";
            using var python = Process.Start(psi)!;
            string stdout = python.StandardOutput.ReadToEnd(), stderr = python.StandardError.ReadToEnd();
            python.WaitForExit();
            File.Delete(file + ".x");
            File.Delete(file + ".y");
            Assert.True(python.ExitCode == 0, stderr);
            var sk = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;
            output.WriteLine($"{spec} on {train:N0} training rows x {features}: pgml {clock.Elapsed.TotalSeconds:F2} s, r2 {r2:F4}; " +
                             $"scikit-learn {sk.GetProperty("fit_s").GetDouble():F2} s, r2 {sk.GetProperty("r2").GetDouble():F4}");
        }
    }
}
