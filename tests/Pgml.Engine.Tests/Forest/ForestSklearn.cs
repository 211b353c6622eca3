using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pgml.Engine.Tests.Forest;

/// <summary>
/// Fits a scikit-learn forest on the same float32 rows for several random_state values in one Python process (Debian's
/// python3-sklearn 1.2), returning each fit's predict (regression) or predict_proba (classification) on the test rows
/// and, when asked, the first tree's structure. Separate from Algorithms/sklearn/fit.py because a forest's trees are
/// not an array attribute and several seeds are needed to measure scikit-learn's own spread.
/// </summary>
public static class ForestSklearn
{
    private const string Script = """
import importlib, json, sys
import numpy as np
req = json.load(sys.stdin)
module, name = req["estimator"].rsplit(".", 1)
cls = getattr(importlib.import_module(module), name)
X = np.asarray(req["X_train"], dtype=np.float32)
y = np.asarray(req["y_train"], dtype=np.float64)
Xt = np.asarray(req["X_test"], dtype=np.float32)
runs = []
for seed in req["seeds"]:
    est = cls(random_state=seed, **req["params"]).fit(X, y)
    out = est.predict_proba(Xt) if req["proba"] else est.predict(Xt)
    run = {"output": np.asarray(out, dtype=np.float64).ravel().tolist()}
    if req["tree"]:
        t = est.estimators_[0].tree_
        run["tree"] = {"feature": t.feature.tolist(), "threshold": t.threshold.tolist(),
                       "left": t.children_left.tolist(), "right": t.children_right.tolist()}
    runs.append(run)
json.dump(runs, sys.stdout)
""";

    public sealed record Run(double[] Output, JsonElement? Tree);

    public static Run[] Fit(string estimator, object parameters, float[][] xTrain, float[] yTrain, float[][] xTest, bool proba,
        int[] seeds, bool tree = false)
    {
        var request = new JsonObject
        {
            ["estimator"] = estimator,
            ["params"] = JsonSerializer.SerializeToNode(parameters, parameters.GetType(), Options),
            ["X_train"] = Matrix(xTrain),
            ["y_train"] = new JsonArray(yTrain.Select(v => (JsonNode)(double)v).ToArray()),
            ["X_test"] = Matrix(xTest),
            ["proba"] = proba,
            ["seeds"] = new JsonArray(seeds.Select(s => (JsonNode)s).ToArray()),
            ["tree"] = tree,
        };
        var psi = new ProcessStartInfo("/usr/bin/python3", ["-c", Script])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        process.StandardInput.Write(request.ToJsonString());
        process.StandardInput.Close();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"scikit-learn forest failed ({process.ExitCode}): {stderr.Result}");
        using var doc = JsonDocument.Parse(stdout.Result);
        return doc.RootElement.EnumerateArray().Select(r => new Run(
            r.GetProperty("output").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
            r.TryGetProperty("tree", out var t) ? t.Clone() : null)).ToArray();
    }

    private static JsonArray Matrix(float[][] rows) =>
        new(rows.Select(r => (JsonNode)new JsonArray(r.Select(v => (JsonNode)(double)v).ToArray())).ToArray());

    private static readonly JsonSerializerOptions Options = new() { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };
}
