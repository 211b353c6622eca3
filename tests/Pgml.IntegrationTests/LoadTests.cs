using System.Diagnostics;
using System.Text.RegularExpressions;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>
/// Deploys under load: pgbench clients predict by project name, row after row, while another connection redeploys the
/// project's two models back and forth, and rolls some deploys back. No prediction may fail: a backend's cache
/// follows each committed deploy at its next statement and never sees a rolled-back one. Not a performance test
/// (nothing is timed); bounded: 5 seconds of pgbench, at most 200 redeploys.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LoadTests(PgCluster cluster)
{
    [Fact]
    public async Task RedeploysUnderPgbenchLoadFailNoTransaction()
    {
        using var c = cluster.Open();
        PgCluster.Exec(c, "CREATE TABLE IF NOT EXISTS load_rows AS SELECT i AS id, (i % 17)::real AS a, (i % 5)::real AS b, (3 * i % 23)::real AS y FROM generate_series(1, 2000) i;" +
                          "CREATE UNIQUE INDEX IF NOT EXISTS load_rows_id ON load_rows (id);" +
                          "CREATE OR REPLACE VIEW load_training AS SELECT a, b, y FROM load_rows");
        var models = new long[2];
        for (int m = 0; m < 2; m++)
        {
            PgCluster.Exec(c, $"SELECT * FROM pgml.train('load', 'regression', 'load_training', 'y', algorithm => 'xgboost', hyperparams => '{{\"n_estimators\": {5 + 20 * m}}}')");
            models[m] = PgCluster.Scalar<long>(c, "SELECT max(id) FROM pgml.models");
        }
        string script = Path.Combine(Path.GetTempPath(), $"pgml-load-{Guid.NewGuid():N}.sql");
        File.WriteAllText(script, "\\set id random(1, 2000)\nSELECT pgml.predict('load', ARRAY[a, b]) FROM load_rows WHERE id = :id;\n");
        try
        {
            var psi = new ProcessStartInfo(Path.Combine(PgCluster.Bin, "pgbench"))
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            };
            foreach (var a in new[] { "-n", "-M", "prepared", "-c", "4", "-j", "2", "-T", "5", "-f", script,
                                      "-h", cluster.SocketDir, "-p", cluster.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "pgml_test" })
                psi.ArgumentList.Add(a);
            using var bench = Process.Start(psi)!;
            var stdout = bench.StandardOutput.ReadToEndAsync();
            var stderr = bench.StandardError.ReadToEndAsync();

            int deploys = 0, rolledBack = 0;
            using (var deployer = cluster.Open())
            {
                while (!bench.HasExited && deploys + rolledBack < 200)
                {
                    long model = models[(deploys + rolledBack) % 2];
                    if ((deploys + rolledBack) % 5 == 4)
                    {
                        using var tx = deployer.BeginTransaction();
                        PgCluster.Exec(deployer, $"SELECT * FROM pgml.deploy({model})");
                        tx.Rollback();
                        rolledBack++;
                    }
                    else
                    {
                        PgCluster.Exec(deployer, $"SELECT * FROM pgml.deploy({model})");
                        deploys++;
                    }
                    Thread.Sleep(25);
                }
            }
            Assert.True(bench.WaitForExit(60_000), "pgbench did not end");
            string report = await stdout + await stderr;
            Assert.True(bench.ExitCode == 0, report);
            long processed = long.Parse(Regex.Match(report, @"number of transactions actually processed: (\d+)").Groups[1].Value);
            var failed = Regex.Match(report, @"number of failed transactions: (\d+)");
            Assert.True(failed.Success, report);
            Assert.Equal("0", failed.Groups[1].Value);
            Assert.True(processed > 100, report);
            Assert.True(deploys >= 5, $"only {deploys} deploys happened during the run");
            Assert.True(rolledBack >= 1, "no rolled-back deploy happened during the run");
        }
        finally
        {
            File.Delete(script);
        }
    }
}
