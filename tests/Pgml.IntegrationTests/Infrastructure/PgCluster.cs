using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Pgml.IntegrationTests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL 15 cluster for the test run: initdb in a temporary folder, started on a free port of
/// 127.0.0.1 (and a unix socket), a database with the installed pgml extension, and no shared_preload_libraries.
/// As root, the server runs as the postgres user (initdb refuses root). Stopped and removed on dispose.
/// </summary>
public sealed class PgCluster : IDisposable
{
    /// <summary>PostgreSQL's programs (pg_config --bindir): initdb, pg_ctl, pg_basebackup, pgbench.</summary>
    public static readonly string Bin = RunCapture("pg_config", "--bindir").Trim();
    private readonly string _dir;
    private readonly bool _asRoot = Environment.UserName == "root";

    public PgCluster() : this(primary: null) { }

    /// <param name="primary">null: a new cluster (initdb, a database with pgml); else a streaming standby of it.</param>
    private PgCluster(PgCluster? primary)
    {
        _dir = Path.Combine(Path.GetTempPath(), $"pgml-test-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(_dir);
        Directory.CreateDirectory(SocketDir);
        if (_asRoot) Run("chown", "-R", "postgres:postgres", _dir);
        Port = FreePort();
        if (primary is null)
        {
            AsPostgres(Path.Combine(Bin, "initdb"), "-D", DataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale");
            File.AppendAllText(Path.Combine(DataDir, "postgresql.conf"),
                $"\nlisten_addresses = '127.0.0.1'\nport = {Port}\nunix_socket_directories = '{SocketDir}'\n" +
                "max_connections = 50\nfsync = off\nlog_line_prefix = '%m [%p] '\n");
        }
        else
        {
            // a copy of the primary (-R: standby.signal and primary_conninfo over its unix socket), on its own port
            AsPostgres(Path.Combine(Bin, "pg_basebackup"), "-D", DataDir, "-R", "-X", "stream", "-c", "fast",
                "-h", primary.SocketDir, "-p", primary.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres");
            File.AppendAllText(Path.Combine(DataDir, "postgresql.conf"), $"\nport = {Port}\nunix_socket_directories = '{SocketDir}'\n");
        }
        AsPostgres(Path.Combine(Bin, "pg_ctl"), "-D", DataDir, "-l", LogFile, "-w", "-t", "60", "start");
        if (primary is not null) return;
        using (var c = Open("postgres"))
            Exec(c, "CREATE DATABASE pgml_test");
        using (var c = Open())
            Exec(c, "CREATE EXTENSION pgml");
    }

    /// <summary>A streaming standby of this cluster on loopback (pg_basebackup -R); dispose it to stop and remove it.</summary>
    public PgCluster StartStandby() => new(this);

    /// <summary>Waits until <paramref name="standby"/> has replayed everything <paramref name="primary"/> has written.</summary>
    public static void WaitForReplay(NpgsqlConnection primary, NpgsqlConnection standby)
    {
        string lsn = Scalar<string>(primary, "SELECT pg_current_wal_lsn()::text");
        for (int i = 0; i < 300; i++)
        {
            if (Scalar<bool>(standby, "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", lsn)) return;
            Thread.Sleep(50);
        }
        throw new TimeoutException($"the standby did not replay up to {lsn} in 15 s");
    }

    public int Port { get; }
    public string DataDir => Path.Combine(_dir, "data");
    public string SocketDir => Path.Combine(_dir, "run");
    public string LogFile => Path.Combine(_dir, "server.log");

    public string ConnectionString(string database = "pgml_test") =>
        $"Host={SocketDir};Port={Port};Username=postgres;Database={database};Pooling=false;Include Error Detail=true;Timeout=30;Command Timeout=300";

    public NpgsqlConnection Open(string database = "pgml_test") => OpenAs("postgres", database);

    /// <summary>A connection as another role (the test cluster trusts local connections).</summary>
    public NpgsqlConnection OpenAs(string role, string database = "pgml_test")
    {
        var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString(database)) { Username = role }.ConnectionString);
        c.Open();
        return c;
    }

    /// <summary>The server log so far (read as text; written by the postmaster).</summary>
    public string ServerLog() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    public static int Exec(NpgsqlConnection c, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, c);
        return cmd.ExecuteNonQuery();
    }

    public static T Scalar<T>(NpgsqlConnection c, string sql, params object[] args)
    {
        using var cmd = new NpgsqlCommand(sql, c);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        object? v = cmd.ExecuteScalar();
        return v is null or DBNull ? default! : (T)v;
    }

    /// <summary>Waits until backend <paramref name="pid"/> runs a statement (so a cancel or terminate reaches it mid-work).</summary>
    public static void WaitUntilActive(NpgsqlConnection observer, int pid)
    {
        for (int i = 0; i < 100; i++)
        {
            if (Scalar<string>(observer, $"SELECT state FROM pg_stat_activity WHERE pid = {pid}") == "active") return;
            Thread.Sleep(50);
        }
        throw new TimeoutException($"backend {pid} never became active");
    }

    /// <summary>
    /// Runs <paramref name="sql"/> on <paramref name="victim"/>, cancels it from <paramref name="killer"/> once it is
    /// running (and <paramref name="settleMs"/> later), and returns the error the victim got.
    /// </summary>
    public static PostgresException CancelWhileRunning(NpgsqlConnection victim, NpgsqlConnection killer, string sql, int settleMs = 0)
    {
        int pid = Scalar<int>(victim, "SELECT pg_backend_pid()");
        var work = Task.Run(() => Exec(victim, sql));
        WaitUntilActive(killer, pid);
        if (settleMs > 0) Thread.Sleep(settleMs);
        Scalar<bool>(killer, $"SELECT pg_cancel_backend({pid})");
        var e = Xunit.Assert.Throws<AggregateException>(() => work.Wait(TimeSpan.FromSeconds(30)));
        return Xunit.Assert.IsType<PostgresException>(e.InnerException);
    }

    public void Dispose()
    {
        try { AsPostgres(Path.Combine(Bin, "pg_ctl"), "-D", DataDir, "-m", "immediate", "-w", "stop"); }
        catch { /* already stopped */ }
        try { Directory.Delete(_dir, recursive: true); }
        catch { /* leave it for inspection */ }
    }

    private void AsPostgres(string exe, params string[] args)
    {
        if (_asRoot)
        {
            string cmd = string.Join(' ', new[] { exe }.Concat(args).Select(Quote));
            Run("su", "postgres", "-s", "/bin/bash", "-c", cmd);
        }
        else
            Run(exe, args);
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    /// <summary>Runs a program to its end; a non-zero exit throws with its output.</summary>
    public static void Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{exe} {string.Join(' ', args)} failed ({p.ExitCode}): {output}");
    }

    private static string RunCapture(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output;
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}

/// <summary>One cluster for the whole test run (tests in one collection run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<PgCluster>
{
    public const string Name = "cluster";
}
