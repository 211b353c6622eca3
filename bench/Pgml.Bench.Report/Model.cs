using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pgml.Bench.Report;

// results.json, as bench/run.sh writes it (schema in docs/benchmark.md). Every field may be missing or null: a quick
// or interrupted run has few rows, and the report leaves out what it cannot compute.

public sealed class Results
{
    public RunInfo? Run { get; set; }
    public LoadInfo? Load { get; set; }
    public List<TrainingRow>? Training { get; set; }
    public List<AgreementRow>? Agreement { get; set; }
    public List<ServingRow>? Serving { get; set; }
    public List<MemoryRow>? Memory { get; set; }

    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static Results Read(string path) =>
        JsonSerializer.Deserialize<Results>(File.ReadAllText(path), Options) ?? throw new InvalidDataException($"{path} is empty");
}

public sealed class RunInfo
{
    public string? Started { get; set; }
    public string? Finished { get; set; }
    public string? Size { get; set; }
    public long? Rows { get; set; }
    public long? Seed { get; set; }
    public MachineInfo? Machine { get; set; }
    public List<string>? Commands { get; set; }
}

public sealed class MachineInfo
{
    public string? Cpu { get; set; }
    public int? Cores { get; set; }
    public double? MemoryGb { get; set; }
    public string? Kernel { get; set; }
    public string? Postgres { get; set; }
    public string? Xgboost { get; set; }
    public string? Dotnet { get; set; }
    public string? Python { get; set; }
}

public sealed class LoadInfo
{
    public double? PostgresCopySeconds { get; set; }
    public double? RedisLoadSeconds { get; set; }
    public long? RedisRows { get; set; }
    public long? PostgresRows { get; set; }
}

public sealed class TrainingRow
{
    public string? System { get; set; }
    public double? Seconds { get; set; }
    public double? PeakRssBytes { get; set; }
    public double? R2 { get; set; }
}

public sealed class AgreementRow
{
    public string? System { get; set; }
    public JsonElement Key { get; set; }
    public double? Prediction { get; set; }

    public string KeyText => Key.ValueKind == JsonValueKind.Undefined ? "?" : JsonSerializer.Serialize(Key);
}

public sealed class ServingRow
{
    public string? System { get; set; }
    public string? Protocol { get; set; }
    public string? Layout { get; set; }
    public double? RttMs { get; set; }
    public int? Clients { get; set; }
    public bool? Pgbouncer { get; set; }
    public int? Repetition { get; set; }
    public long? Requests { get; set; }
    public double? Throughput { get; set; }
    public double? LatencyMeanMs { get; set; }
    public double? LatencyP50Ms { get; set; }
    public double? LatencyP99Ms { get; set; }
}

public sealed class MemoryRow
{
    public string? System { get; set; }
    public double? RssBytes { get; set; }
    public double? PssBytes { get; set; }
    public List<ProcessMemory>? Processes { get; set; }
}

public sealed class ProcessMemory
{
    public string? Name { get; set; }
    public long? Pid { get; set; }
    public double? RssBytes { get; set; }
    public double? PssBytes { get; set; }
}
