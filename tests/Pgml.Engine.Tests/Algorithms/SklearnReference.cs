using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pgml.Engine.Tests.Algorithms;

/// <summary>
/// Trains the same model with scikit-learn (Debian's python3-sklearn under /usr/bin/python3) on the same float32 rows,
/// so each algorithm is checked against a reference no one here wrote. See sklearn/fit.py for the protocol.
/// </summary>
public static class SklearnReference
{
    public const string Python = "/usr/bin/python3";

    /// <param name="estimator">The class's full name, e.g. "sklearn.linear_model.Ridge".</param>
    /// <param name="outputs">Attributes of the fitted estimator (coef_, intercept_, ...) or methods applied to xTest
    /// (predict, predict_proba, decision_function, transform), or "silhouette".</param>
    public static Dictionary<string, JsonElement> Fit(string estimator, object parameters, float[][] xTrain, float[]? yTrain,
        float[][]? xTest, params string[] outputs)
    {
        var request = new JsonObject
        {
            ["estimator"] = estimator,
            ["params"] = JsonSerializer.SerializeToNode(parameters, parameters.GetType(), ReflectionOptions),
            ["X_train"] = Matrix(xTrain),
            ["outputs"] = new JsonArray(outputs.Select(o => (JsonNode)o).ToArray()),
        };
        if (yTrain is not null) request["y_train"] = new JsonArray(yTrain.Select(v => (JsonNode)(double)v).ToArray());
        if (xTest is not null) request["X_test"] = Matrix(xTest);

        var script = Path.Combine(AppContext.BaseDirectory, "Algorithms", "sklearn", "fit.py");
        var psi = new ProcessStartInfo(Python, [script])
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
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"scikit-learn reference failed ({process.ExitCode}): {stderr.Result}");
        using var doc = JsonDocument.Parse(stdout.Result);
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }

    public static double[] Vector(this JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static double[][] Rows(this JsonElement e) => e.EnumerateArray().Select(Vector).ToArray();

    public static double Scalar(this JsonElement e) => e.ValueKind == JsonValueKind.Array ? e[0].GetDouble() : e.GetDouble();

    private static JsonArray Matrix(float[][] rows) =>
        new(rows.Select(r => (JsonNode)new JsonArray(r.Select(v => (JsonNode)(double)v).ToArray())).ToArray());

    // Anonymous-type parameters: reflection-based serialization is fine in tests (not AOT).
    private static readonly JsonSerializerOptions ReflectionOptions = new() { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };
}
