// The C# twin of the Python microservice in PostgresML's benchmark ("PostgresML is 8-40x faster than Python HTTP
// microservices", predict.py): the same architecture, request for request. At start: load the XGBoost model and
// connect to Redis (the feature store). Per request: POST / with a JSON key such as [14869,2021,1,22]; the Redis key
// is that body as Python's json.dumps writes it; LRANGE key 0 1; the first element is a JSON array of the features;
// predict that one row with XGBoost's own predict; answer the prediction as Flask's jsonify would.
//
//   Pgml.Bench.Service --urls http://127.0.0.1:8001 --redis 127.0.0.1:6379 --model model.json [--nthread 2]
//
// --nthread is XGBoost's nthread for prediction (default 2, as the original's OMP_NUM_THREADS=2 for gunicorn).
// Kestrel and ASP.NET Core defaults otherwise; logging at Warning, so nothing is logged per request.

using System.Globalization;
using System.Text;
using System.Text.Json;
using Pgml.Bench.Service;
using Pgml.Engine.XGBoost;
using StackExchange.Redis;

if (args is ["--check-python-json"])
    return CheckPythonJson();

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

string modelPath = builder.Configuration["model"] ?? Usage("--model PATH is required");
string redisAddress = builder.Configuration["redis"] ?? Usage("--redis HOST:PORT is required");
int nthread = int.Parse(builder.Configuration["nthread"] ?? "2", CultureInfo.InvariantCulture);

int featureCount;
Booster booster;
ConnectionMultiplexer redis;
try
{
    byte[] modelBytes = File.ReadAllBytes(modelPath);
    featureCount = ModelFeatureCount(modelBytes);
    booster = Booster.Load(modelBytes);
    booster.SetParam("nthread", nthread.ToString(CultureInfo.InvariantCulture));
    redis = await ConnectionMultiplexer.ConnectAsync(redisAddress);
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException
                              or InvalidDataException or FormatException or XGBoostException or RedisException)
{
    Console.Error.WriteLine($"Pgml.Bench.Service: cannot start: {e.Message}");
    return 1;
}
IDatabase db = redis.GetDatabase(0);

var app = builder.Build();

app.MapPost("/", async (HttpContext context) =>
{
    HttpResponse response = context.Response;
    string key;
    try
    {
        using JsonDocument body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        key = PythonJson.Dumps(body.RootElement);
    }
    catch (Exception e) when (e is JsonException or InvalidOperationException)
    {
        await Error(response, StatusCodes.Status400BadRequest, "the body is not JSON");
        return;
    }

    RedisValue[] values = await db.ListRangeAsync(key, 0, 1);
    if (values.Length == 0)
    {
        await Error(response, StatusCodes.Status404NotFound, "no features for key " + key);
        return;
    }

    float[] features = new float[featureCount];
    int n;
    try
    {
        n = FeatureList.Parse(((ReadOnlyMemory<byte>)values[0]).Span, features);
    }
    catch (FormatException e)
    {
        await Error(response, StatusCodes.Status500InternalServerError, e.Message);
        return;
    }
    if (n != featureCount)
    {
        await Error(response, StatusCodes.Status500InternalServerError, $"{n} stored features, the model expects {featureCount}");
        return;
    }

    float prediction = booster.PredictDense(features, 1, featureCount)[0];
    // Flask's jsonify(y_hat[0].tolist()): the float32 widened to a Python float, repr'd, and a newline.
    await Send(response, StatusCodes.Status200OK, PythonJson.FloatRepr(prediction) + "\n");
});

app.Lifetime.ApplicationStarted.Register(() =>
    Console.WriteLine($"Pgml.Bench.Service ready: {string.Join(' ', app.Urls)}, redis {redisAddress}, " +
                      $"model {modelPath} ({featureCount} features), XGBoost {XGBoostInfo.Version} nthread {nthread}, " +
                      $"server GC {System.Runtime.GCSettings.IsServerGC}"));

app.Run();
booster.Dispose();
redis.Dispose();
return 0;

static Task Error(HttpResponse response, int status, string message)
{
    var sb = new StringBuilder("{\"error\": ");
    PythonJson.WriteString(sb, message);
    return Send(response, status, sb.Append("}\n").ToString());
}

// With a Content-Length, as Flask sends it: without one, Kestrel closes an HTTP/1.0 connection (ab's) after each
// response instead of keeping it alive.
static Task Send(HttpResponse response, int status, string text)
{
    byte[] bytes = Encoding.UTF8.GetBytes(text);
    response.StatusCode = status;
    response.ContentType = "application/json";
    response.ContentLength = bytes.Length;
    return response.Body.WriteAsync(bytes).AsTask();
}

static string Usage(string message)
{
    Console.Error.WriteLine($"Pgml.Bench.Service: {message}\n" +
                            "usage: Pgml.Bench.Service --urls http://127.0.0.1:PORT --redis HOST:PORT --model PATH [--nthread N]");
    Environment.Exit(2);
    return "";
}

// learner.learner_model_param.num_feature of XGBoost's JSON model (a string there).
static int ModelFeatureCount(byte[] model)
{
    using var doc = JsonDocument.Parse(model);
    string? s = doc.RootElement.GetProperty("learner").GetProperty("learner_model_param").GetProperty("num_feature").GetString();
    return int.Parse(s ?? throw new InvalidDataException("the model has no num_feature"), CultureInfo.InvariantCulture);
}

// For check.sh: reads lines "repr <16 hex digits of a double's bits>" or "dumps <JSON>" and prints what
// PythonJson makes of them, one line each, so the check can compare with Python's repr and json.dumps.
static int CheckPythonJson()
{
    string? line;
    while ((line = Console.ReadLine()) != null)
    {
        if (line.StartsWith("repr ", StringComparison.Ordinal))
            Console.WriteLine(PythonJson.FloatRepr(BitConverter.Int64BitsToDouble(long.Parse(line.AsSpan(5), NumberStyles.HexNumber, CultureInfo.InvariantCulture))));
        else if (line.StartsWith("dumps ", StringComparison.Ordinal))
        {
            using var doc = JsonDocument.Parse(line[6..]);
            Console.WriteLine(PythonJson.Dumps(doc.RootElement));
        }
        else
            throw new FormatException("expected 'repr HEX' or 'dumps JSON': " + line);
    }
    return 0;
}
