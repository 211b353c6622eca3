namespace Pgml.Bench.Report;

/// <summary>
/// PostgresML's published figures ("PostgresML is 8-40x faster than Python HTTP microservices", Lev Kokotov,
/// 18 Oct 2022), from ../shared/reference/postgresml.md section 6. The charts carry no data labels: the values were
/// read off them by eye, about ±5%. Columns: 1, 10, 20 clients, 20 and 100 clients through PgBouncer (pool 10).
/// </summary>
public static class Published
{
    public static readonly Group[] Columns = [new(1, false), new(10, false), new(20, false), new(20, true), new(100, true)];

    // Local: AMD Ryzen 7 5800X (8 cores, 16 threads), 32 GB, client, servers and Redis on one machine.
    public static readonly double[] LocalPythonRps = [950, 4_700, 5_000, 5_000, 5_000];
    public static readonly double[] LocalPostgresMlRps = [5_900, 32_400, 17_300, 26_000, 24_100];
    public static readonly double[] LocalPythonMs = [1.2, 2.1, 3.9, 3.9, 19.5];
    public static readonly double[] LocalPostgresMlMs = [0.2, 0.3, 1.2, 0.8, 4.2];

    // EC2: c5.4xlarge for gunicorn and PostgresML, two c5.large for the client and Redis, one VPC.
    public static readonly double[] Ec2PythonRps = [250, 1_050, 1_250, 1_250, 1_050];
    public static readonly double[] Ec2PostgresMlRps = [7_200, 37_900, 18_600, 37_600, 38_200];
    public static readonly string[] Ec2PythonMs = ["~3.9", "~9.3", "~17.2", "~17.2", "~92.5"];
    public static readonly string[] Ec2PostgresMlMs = ["<0.5", "<0.5", "~1.0", "~0.6", "~2.6"];

    public const double InferenceMemoryPythonMb = 129;
    public const double InferenceMemoryPostgresMlMb = 19;
    public const double TrainingMemoryPythonGb = 11.6;
    public const double TrainingMemoryPostgresMlGb = 5.1;
}
