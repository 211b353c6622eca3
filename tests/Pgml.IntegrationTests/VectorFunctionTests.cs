using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>
/// PostgresML's vector functions and aggregates through SQL: every function on real[], double precision[] and the
/// numeric literals PostgresML's examples write, each answer checked; the aggregates with NULL rows, by group and in
/// parallel workers; the errors (2202E, 22004, 22012); the declared properties (IMMUTABLE STRICT PARALLEL SAFE).
/// The arithmetic itself is checked element by element against the definitions in the engine's VectorMathTests.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class VectorFunctionTests(PgCluster cluster)
{
    private string Text(string sql)
    {
        using var c = cluster.Open();
        return PgCluster.Scalar<object>(c, sql)?.ToString() switch { null => "null", var s => s };
    }

    private static string Array<T>(T[] values) => "{" + string.Join(",", values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))) + "}";

    private string ArrayText(string sql)
    {
        using var c = cluster.Open();
        return PgCluster.Scalar<object>(c, sql) switch
        {
            float[] f => Array(f),
            double[] d => Array(d),
            null or DBNull => "null",
            var o => throw new InvalidOperationException($"{sql} gave a {o.GetType()}"),
        };
    }

    [Theory]
    // PostgresML's own examples: numeric literals and an integer scalar
    [InlineData("SELECT pgml.add(ARRAY[1.0, 2.0, 3.0], 3)", "{4,5,6}")]
    [InlineData("SELECT pgml.subtract(ARRAY[1.0, 2.0, 3.0], 3)", "{-2,-1,0}")]
    [InlineData("SELECT pgml.multiply(ARRAY[1.0, 2.0, 3.0], 3)", "{3,6,9}")]
    [InlineData("SELECT pgml.divide(ARRAY[1.0, 2.0, 3.0], 4)", "{0.25,0.5,0.75}")]
    [InlineData("SELECT pgml.add(ARRAY[1.0, 2.0, 3.0], ARRAY[4.0, 5.0, 6.0])", "{5,7,9}")]
    [InlineData("SELECT pgml.subtract(ARRAY[1.0, 2.0, 3.0], ARRAY[4.0, 5.0, 6.0])", "{-3,-3,-3}")]
    [InlineData("SELECT pgml.multiply(ARRAY[1.0, 2.0, 3.0], ARRAY[4.0, 5.0, 6.0])", "{4,10,18}")]
    [InlineData("SELECT pgml.divide(ARRAY[1.0, 2.0, 3.0], ARRAY[4.0, 5.0, 6.0])", "{0.25,0.4,0.5}")]
    [InlineData("SELECT pgml.normalize_l1(ARRAY[1.0, 3.0])", "{0.25,0.75}")]
    [InlineData("SELECT pgml.normalize_l2(ARRAY[3.0, 4.0])", "{0.6,0.8}")]
    [InlineData("SELECT pgml.normalize_max(ARRAY[2.0, -4.0])", "{0.5,-1}")]
    // real[] in, real[] out; double precision[] in, double precision[] out
    [InlineData("SELECT pgml.add(ARRAY[1, 2]::real[], 0.5::real)", "{1.5,2.5}")]
    [InlineData("SELECT pgml.multiply(ARRAY[1, 2]::real[], ARRAY[3, 4]::real[])", "{3,8}")]
    [InlineData("SELECT pgml.subtract(ARRAY[1, 2]::float8[], 0.25::float8)", "{0.75,1.75}")]
    [InlineData("SELECT pgml.normalize_l2(ARRAY[0, 0]::real[])", "{0,0}")]
    [InlineData("SELECT pgml.add('{}'::real[], 1::real)", "{}")]
    public void VectorsOut(string sql, string expected) => Assert.Equal(expected, ArrayText(sql));

    [Theory]
    [InlineData("SELECT pgml.norm_l0(ARRAY[0.0, 1.0, -2.0])", "2")]
    [InlineData("SELECT pgml.norm_l1(ARRAY[-1.0, 1.0, 2.0])", "4")]
    [InlineData("SELECT pgml.norm_l2(ARRAY[3.0, 4.0])", "5")]
    [InlineData("SELECT pgml.norm_max(ARRAY[-5.0, 4.0])", "5")]
    [InlineData("SELECT pgml.distance_l1(ARRAY[1.0, 2.0], ARRAY[3.0, 5.0])", "5")]
    [InlineData("SELECT pgml.distance_l2(ARRAY[0.0, 0.0], ARRAY[3.0, 4.0])", "5")]
    [InlineData("SELECT pgml.dot_product(ARRAY[1.0, 2.0, 3.0], ARRAY[4.0, 5.0, 6.0])", "32")]
    [InlineData("SELECT pgml.cosine_similarity(ARRAY[1.0, 0.0], ARRAY[2.0, 0.0])", "1")]
    [InlineData("SELECT pgml.cosine_similarity(ARRAY[1.0, 0.0], ARRAY[0.0, 3.0])", "0")]
    [InlineData("SELECT pgml.cosine_similarity(ARRAY[0, 0]::real[], ARRAY[1, 1]::real[])", "0")]
    [InlineData("SELECT pgml.cosine_similarity('{}'::real[], '{}'::real[])", "0")]
    [InlineData("SELECT pgml.norm_l2('{}'::float8[])", "0")]
    [InlineData("SELECT pg_typeof(pgml.norm_l2(ARRAY[1, 2]::real[]))::text", "real")]
    [InlineData("SELECT pg_typeof(pgml.norm_l2(ARRAY[1, 2]::float8[]))::text", "double precision")]
    [InlineData("SELECT pg_typeof(pgml.norm_l2(ARRAY[1.0, 2.0]))::text", "double precision")]
    [InlineData("SELECT pgml.cosine_similarity(NULL::real[], ARRAY[1]::real[]) IS NULL", "True")]
    public void NumbersOut(string sql, string expected) => Assert.Equal(expected, Text(sql));

    [Fact]
    public void CosineSimilarityAgreesWithItsDefinitionOnEmbeddingSizedVectors()
    {
        using var c = cluster.Open();
        PgCluster.Exec(c, """
            DROP TABLE IF EXISTS vector_rows;
            SELECT setseed(0.5);
            CREATE TABLE vector_rows AS SELECT i AS id, ARRAY(SELECT (random() - 0.5)::real FROM generate_series(1, 384) WHERE i > 0) AS v
            FROM generate_series(1, 200) i;
            """);
        // the definition in plain SQL, in double precision, next to pgml's float32 SIMD kernel
        double worst = PgCluster.Scalar<double>(c, """
            WITH q AS (SELECT v FROM vector_rows WHERE id = 1),
            pairs AS (
                SELECT pgml.cosine_similarity(r.v, q.v) AS pgml,
                       (SELECT sum(a::float8 * b) / sqrt(sum(a::float8 * a) * sum(b::float8 * b)) FROM unnest(r.v, q.v) u(a, b)) AS definition,
                       pgml.dot_product(r.v, q.v) AS dot, (SELECT sum(a::float8 * b) FROM unnest(r.v, q.v) u(a, b)) AS dot_definition,
                       pgml.distance_l2(r.v::float8[], q.v::float8[]) AS l2,
                       (SELECT sqrt(sum((a::float8 - b) ^ 2)) FROM unnest(r.v, q.v) u(a, b)) AS l2_definition
                FROM vector_rows r, q)
            SELECT max(greatest(abs(pgml - definition), abs(dot - dot_definition) / 10, abs(l2 - l2_definition))) FROM pairs
            """);
        Assert.True(worst < 1e-5, $"worst difference {worst}");
        // the nearest neighbours in the order of the definition
        Assert.Equal(
            PgCluster.Scalar<string>(c, "SELECT string_agg(id::text, ',') FROM (SELECT r.id FROM vector_rows r, vector_rows q WHERE q.id = 1 ORDER BY (SELECT sum(a::float8 * b) / sqrt(sum(a::float8 * a) * sum(b::float8 * b)) FROM unnest(r.v, q.v) u(a, b)) DESC LIMIT 5) n"),
            PgCluster.Scalar<string>(c, "SELECT string_agg(id::text, ',') FROM (SELECT r.id FROM vector_rows r, vector_rows q WHERE q.id = 1 ORDER BY pgml.cosine_similarity(r.v, q.v) DESC LIMIT 5) n"));
    }

    [Fact]
    public void AggregatesSkipNullRowsAndGroup()
    {
        using var c = cluster.Open();
        const string Rows = "(VALUES (1, ARRAY[1, -5, 3]::real[]), (1, NULL), (1, ARRAY[-2, 4, 0]::real[]), (2, ARRAY[7, 7, -7]::real[]), (3, NULL)) t(g, v)";
        string each = "coalesce(pgml.sum(v)::text, ''), coalesce(pgml.min(v)::text, ''), coalesce(pgml.max(v)::text, ''), " +
                      "coalesce(pgml.min_abs(v)::text, ''), coalesce(pgml.max_abs(v)::text, '')";
        Assert.Equal("1:{-1,-1,3}:{-2,-5,0}:{1,4,3}:{1,4,0}:{2,5,3};2:{7,7,-7}:{7,7,-7}:{7,7,-7}:{7,7,7}:{7,7,7};3:::::",
            PgCluster.Scalar<string>(c, $"SELECT string_agg(line, ';' ORDER BY g) FROM (SELECT g, concat_ws(':', g, {each}) AS line FROM {Rows} GROUP BY g) s"));
        Assert.Equal("{4,6}", PgCluster.Scalar<object>(c, "SELECT pgml.sum(v) FROM (VALUES (ARRAY[1, 2]::float8[]), (ARRAY[3, 4]::float8[])) t(v)") is double[] d ? Array(d) : "?");
        Assert.True(PgCluster.Scalar<object>(c, "SELECT pgml.sum(v) FROM (SELECT ARRAY[1]::real[] WHERE false) t(v)") is null or DBNull);
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c, "SELECT pgml.sum(v) FROM (VALUES (ARRAY[1, 2]::real[]), (ARRAY[1]::real[])) t(v)"));
        Assert.Equal("2202E", e.SqlState);
    }

    [Fact]
    public void AggregatesInParallelWorkersEqualTheSerialOnes()
    {
        using var c = cluster.Open();
        PgCluster.Exec(c, """
            DROP TABLE IF EXISTS vector_many;
            SELECT setseed(0.75);
            CREATE TABLE vector_many AS SELECT ARRAY[floor(random() * 100), floor(random() * 100) - 50, floor(random() * 10)]::real[] AS v
            FROM generate_series(1, 200000);
            ANALYZE vector_many;
            """);
        const string Sql = "SELECT concat_ws(';', pgml.sum(v)::text, pgml.min(v)::text, pgml.max(v)::text, pgml.min_abs(v)::text, pgml.max_abs(v)::text) FROM vector_many";
        PgCluster.Exec(c, "SET max_parallel_workers_per_gather = 0");
        string serial = PgCluster.Scalar<string>(c, Sql);
        PgCluster.Exec(c, "SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0");
        string plan = string.Join("\n", Plan(c, "EXPLAIN (ANALYZE, COSTS OFF) " + Sql));
        Assert.Contains("Partial Aggregate", plan);
        Assert.Matches(@"Workers Launched: [12]", plan);
        Assert.Equal(serial, PgCluster.Scalar<string>(c, Sql));
        // integer-valued float32 sums are exact below 2^24, so the order of the partial sums cannot change them
        Assert.StartsWith("{", serial);
    }

    private static List<string> Plan(NpgsqlConnection c, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, c);
        using var r = cmd.ExecuteReader();
        var lines = new List<string>();
        while (r.Read()) lines.Add(r.GetString(0));
        return lines;
    }

    [Theory]
    [InlineData("SELECT pgml.dot_product(ARRAY[1, 2, 3]::real[], ARRAY[1, 2]::real[])", "2202E", "3 and 2")]
    [InlineData("SELECT pgml.add(ARRAY[1.0, 2.0], ARRAY[1.0])", "2202E", "2 and 1")]
    [InlineData("SELECT pgml.norm_l2(ARRAY[[1, 2], [3, 4]]::real[])", "2202E", "2 dimensions")]
    [InlineData("SELECT pgml.norm_l2(ARRAY[1, NULL]::real[])", "22004", "NULL elements")]
    [InlineData("SELECT pgml.cosine_similarity(ARRAY[1, 2]::float8[], ARRAY[NULL, 2]::float8[])", "22004", "second argument")]
    [InlineData("SELECT pgml.divide(ARRAY[1, 2]::real[], 0::real)", "22012", "divisor is 0")]
    [InlineData("SELECT pgml.divide(ARRAY[1.0, 2.0], ARRAY[1.0, 0.0])", "22012", "element 2")]
    public void BadVectorsAreCleanErrors(string sql, string sqlstate, string message)
    {
        using var c = cluster.Open();
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c, sql));
        Assert.Equal(sqlstate, e.SqlState);
        Assert.Contains(message, e.MessageText);
        Assert.False(string.IsNullOrEmpty(e.Hint), $"{sql}: no hint");
        Assert.Equal(1, PgCluster.Scalar<int>(c, "SELECT 1"));   // the connection lives on
    }

    [Fact]
    public void EveryVectorFunctionIsImmutableStrictAndParallelSafe()
    {
        using var c = cluster.Open();
        Assert.Equal("57 functions: i/t/s", PgCluster.Scalar<string>(c, """
            SELECT count(*) || ' functions: ' || string_agg(DISTINCT provolatile::text || '/' || left(proisstrict::text, 1) || '/' || proparallel::text, ',')
            FROM pg_proc WHERE pronamespace = 'pgml'::regnamespace AND prokind = 'f' AND prosrc = 'pgml_vector' AND proname NOT LIKE '\_%'
            """));
        Assert.Equal(10L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pg_proc WHERE pronamespace = 'pgml'::regnamespace AND prokind = 'a' AND proparallel = 's'"));
    }
}
