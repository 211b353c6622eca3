using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// Artifacts go to the temp directory so a run leaves nothing in the work tree.
var config = DefaultConfig.Instance.WithArtifactsPath(Path.Combine(Path.GetTempPath(), "pgml-bench-artifacts"));
BenchmarkSwitcher.FromAssembly(typeof(Pgml.Bench.OneRowPredictionBenchmarks).Assembly).Run(args, config);
