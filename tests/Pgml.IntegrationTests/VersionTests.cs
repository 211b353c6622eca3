using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>
/// The version has one source, the repository's VERSION file: the installed control file, the install script, the
/// extension as created and pgml.version() must all say what it says.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class VersionTests(PgCluster cluster)
{
    private static readonly string Root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));

    [Fact]
    public void EveryPlaceThatNamesTheVersionReadsItFromVersionFile()
    {
        string version = File.ReadAllText(Path.Combine(Root, "VERSION")).Trim();
        Assert.Matches(@"^\d+\.\d+\.\d+$", version);
        using var c = cluster.Open();
        Assert.Equal(version, PgCluster.Scalar<string>(c, "SELECT default_version FROM pg_available_extensions WHERE name = 'pgml'"));
        Assert.Equal(version, PgCluster.Scalar<string>(c, "SELECT extversion FROM pg_extension WHERE extname = 'pgml'"));
        Assert.StartsWith($"{version} (xgboost", PgCluster.Scalar<string>(c, "SELECT pgml.version()"));
        Assert.True(File.Exists(Path.Combine(Root, "extension", "sql", $"pgml--{version}.sql")), "the install script is named after VERSION");
    }
}
