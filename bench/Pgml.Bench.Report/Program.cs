// Pgml.Bench.Report RESULTS_DIR: reads RESULTS_DIR/results.json (written by bench/run.sh; schema in
// docs/benchmark.md) and writes RESULTS_DIR/report.md and its PNG charts.
//   dotnet run --project bench/Pgml.Bench.Report -- RESULTS_DIR

using Pgml.Bench.Report;

if (args.Length != 1 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: dotnet run --project bench/Pgml.Bench.Report -- RESULTS_DIR   (reads RESULTS_DIR/results.json)");
    return 2;
}
string dir = Path.GetFullPath(args[0]);
string input = Path.Combine(dir, "results.json");
if (!File.Exists(input))
{
    Console.Error.WriteLine($"Pgml.Bench.Report: {input} does not exist");
    return 1;
}

Results results;
try
{
    results = Results.Read(input);
}
catch (System.Text.Json.JsonException e)
{
    Console.Error.WriteLine($"Pgml.Bench.Report: {input} is not valid results JSON: {e.Message}");
    return 1;
}

var report = new Report(results, dir, DocsLink(dir));
string path = report.Write();
Console.WriteLine($"wrote {path}");
foreach (string chart in report.Charts) Console.WriteLine($"wrote {Path.Combine(dir, chart)}");
return 0;

// A link from the results folder to docs/benchmark.md: relative when the folder is inside the repository.
static string DocsLink(string dir)
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
    {
        if (!File.Exists(Path.Combine(d.FullName, "pgml.slnx"))) continue;
        string root = d.FullName.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if ((dir + Path.DirectorySeparatorChar).StartsWith(root, StringComparison.Ordinal))
            return Path.GetRelativePath(dir, Path.Combine(root, "docs", "benchmark.md")).Replace('\\', '/');
        break;
    }
    return "docs/benchmark.md";
}
