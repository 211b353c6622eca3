using System.Globalization;
using System.IO.Compression;
using Npgsql;
using Pgml.IntegrationTests.Infrastructure;

namespace Pgml.IntegrationTests;

/// <summary>
/// pgml.load_dataset: the six built-in scikit-learn datasets load into PostgresML's tables (names, types, row counts),
/// hold scikit-learn's values, reload an earlier copy in place (its views survive) or refuse one of another shape,
/// honour "limit", reject bad arguments with SQLSTATE and hint, and stay inside the caller's transaction.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DatasetTests(PgCluster cluster)
{
    // Debian's python3-sklearn: the files pgml's datasets are converted from (scripts/datasets/convert.py).
    private const string SklearnData = "/usr/lib/python3/dist-packages/sklearn/datasets/data";

    private static readonly string[] BreastCancerFeatures =
    [
        "mean radius", "mean texture", "mean perimeter", "mean area", "mean smoothness", "mean compactness",
        "mean concavity", "mean concave points", "mean symmetry", "mean fractal dimension",
        "radius error", "texture error", "perimeter error", "area error", "smoothness error", "compactness error",
        "concavity error", "concave points error", "symmetry error", "fractal dimension error",
        "worst radius", "worst texture", "worst perimeter", "worst area", "worst smoothness", "worst compactness",
        "worst concavity", "worst concave points", "worst symmetry", "worst fractal dimension",
    ];

    private static readonly string[] WineFeatures =
    [
        "alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids",
        "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue", "od280/od315_of_diluted_wines", "proline",
    ];

    public static TheoryData<string, long, string> Layouts => new()
    {
        { "breast_cancer", 569, string.Join(", ", BreastCancerFeatures.Select(n => n + " real")) + ", malignant boolean" },
        { "diabetes", 442, "age real, sex real, bmi real, bp real, s1 real, s2 real, s3 real, s4 real, s5 real, s6 real, target real" },
        { "digits", 1797, "image smallint[], target smallint" },
        { "iris", 150, "sepal_length real, sepal_width real, petal_length real, petal_width real, target integer" },
        { "linnerud", 20, "chins real, situps real, jumps real, weight real, waist real, pulse real" },
        { "wine", 178, string.Join(", ", WineFeatures.Select(n => n + " real")) + ", target integer" },
    };

    private static (string Table, long Rows) Load(NpgsqlConnection c, string args)
    {
        using var cmd = new NpgsqlCommand($"SELECT * FROM pgml.load_dataset({args})", c);
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        var row = (r.GetString(0), r.GetInt64(1));
        Assert.False(r.Read());
        return row;
    }

    private static string Layout(NpgsqlConnection c, string table) => PgCluster.Scalar<string>(c,
        "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum) " +
        "FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped", table);

    /// <summary>Every row of a table in load order (a freshly loaded table's physical order), each column as an object.</summary>
    private static List<object[]> Rows(NpgsqlConnection c, string table)
    {
        using var cmd = new NpgsqlCommand($"SELECT * FROM {table} ORDER BY ctid", c);
        using var r = cmd.ExecuteReader();
        var rows = new List<object[]>();
        while (r.Read())
        {
            var values = new object[r.FieldCount];
            r.GetValues(values);
            rows.Add(values);
        }
        return rows;
    }

    private static float F(string s) => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(Layouts))]
    public void EachDatasetLoadsWithPostgresMLsLayout(string name, long rows, string layout)
    {
        using var c = cluster.Open();
        Assert.Equal(($"pgml.{name}", rows), Load(c, $"'{name}'"));
        Assert.Equal(rows, PgCluster.Scalar<long>(c, $"SELECT count(*) FROM pgml.{name}"));
        Assert.Equal(layout, Layout(c, $"pgml.{name}"));
        Assert.Equal(0L, PgCluster.Scalar<long>(c,
            $"SELECT count(*) FROM pgml.{name} t WHERE NOT (t IS NOT NULL)"));   // no NULL anywhere
    }

    [Fact]
    public void DiamondsLoadUnderTheirHuggingFaceName()
    {
        using var c = cluster.Open();
        Assert.Equal(("pgml.\"jdxcosta/diamonds\"", 53_940L), Load(c, "'jdxcosta/diamonds'"));
        const string Table = "pgml.\"jdxcosta/diamonds\"";
        Assert.Equal("Unnamed: 0 bigint, carat double precision, cut text, color text, clarity text, depth double precision, " +
                     "table double precision, price bigint, x double precision, y double precision, z double precision", Layout(c, Table));
        // ggplot2's figures: 53,940 diamonds, prices summing to 212,135,217, 5 cuts, 7 colours, 8 clarities
        Assert.Equal("53940 212135217 43040.87 5 7 8 Fair,Good,Ideal,Premium,Very Good", PgCluster.Scalar<string>(c,
            $"SELECT count(*) || ' ' || sum(price) || ' ' || round(sum(carat)::numeric, 2) || ' ' || count(DISTINCT cut) || ' ' || " +
            $"count(DISTINCT color) || ' ' || count(DISTINCT clarity) || ' ' || string_agg(DISTINCT cut, ',') FROM {Table}"));
        Assert.Equal("1 0.23 Ideal E SI2 61.5 55 326 3.95 3.98 2.43", PgCluster.Scalar<string>(c,
            $"SELECT concat_ws(' ', \"Unnamed: 0\", carat, cut, color, clarity, depth, \"table\", price, x, y, z) FROM {Table} ORDER BY ctid LIMIT 1"));
    }

    /// <summary>
    /// PostgresML's literal reading of a name that is not an identifier applies only to a relation that exists under
    /// that literal name: anything else stays pgml's clear 42602, and nothing is created.
    /// </summary>
    [Theory]
    [InlineData("pgml.jdxcosta/nothing")]
    [InlineData("nowhere.jdxcosta/diamonds")]
    [InlineData("pgml.")]
    [InlineData(".jdxcosta/diamonds")]
    public void NamesThatAreNotIdentifiersAndNameNoRelationAreInvalid(string name)
    {
        using var c = cluster.Open();
        PgCluster.Exec(c, "SELECT pgml.load_dataset('jdxcosta/diamonds')");
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c, $"SELECT * FROM pgml.train('literal names', 'regression', '{name}', 'price')"));
        Assert.Equal("42602", e.SqlState);
        Assert.Contains("is not a valid relation name", e.MessageText);
        Assert.Contains("schema.table", e.Hint);
        Assert.Equal(0L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.projects WHERE name = 'literal names'"));
    }

    /// <summary>PostgresML's examples/preprocessing.sql, statement by statement as it is written there.</summary>
    [Fact]
    public void PostgresMLsPreprocessingExampleRunsUnchanged()
    {
        using var c = cluster.Open();
        PgCluster.Exec(c, "SELECT pgml.load_dataset('jdxcosta/diamonds')");
        Assert.Equal(10L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM (SELECT * FROM pgml.\"jdxcosta/diamonds\" LIMIT 10) t"));
        PgCluster.Exec(c, "ALTER TABLE pgml.\"jdxcosta/diamonds\" DROP COLUMN \"Unnamed: 0\"");
        PgCluster.Exec(c, """
            SELECT pgml.train(
                   project_name => 'Diamond prices',
                   task => 'regression',
                   relation_name => 'pgml.jdxcosta/diamonds',
                   y_column_name => 'price',
                   algorithm => 'lightgbm',
                   preprocess => '{
                                  "carat": {"scale": "standard"},
                                  "depth": {"scale": "standard"},
                                  "table": {"scale": "standard"},
                                  "cut": {"encode": "target", "scale": "standard"},
                                  "color": {"encode": "target", "scale": "standard"},
                                  "clarity": {"encode": "target", "scale": "standard"}
                              }'
            )
            """);
        // a boosted model on the diamonds explains most of the price
        Assert.True(PgCluster.Scalar<double>(c, "SELECT (m.metrics ->> 'r2')::float8 FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id " +
                                                "WHERE p.name = 'Diamond prices'") > 0.95);
        double error = PgCluster.Scalar<double>(c, """
            SELECT avg(abs(price - prediction) / price) FROM (
                SELECT price, pgml.predict('Diamond prices', (carat, cut, color, clarity, depth, "table", x, y, z)) AS prediction
                FROM pgml."jdxcosta/diamonds"
                LIMIT 10) t
            """);
        Assert.True(error < 0.5, $"mean relative error {error}");
        // the reload keeps the table only with the dataset's columns: the dropped column is named
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c, "SELECT pgml.load_dataset('jdxcosta/diamonds')"));
        Assert.Equal("42804", e.SqlState);
        Assert.Contains("Unnamed: 0", e.MessageText);
        PgCluster.Exec(c, "DROP TABLE pgml.\"jdxcosta/diamonds\"");
    }

    [Fact]
    public void FunctionIsDeclaredLikePostgresMLs()
    {
        using var c = cluster.Open();
        Assert.Equal("source text, subset text DEFAULT NULL::text, \"limit\" bigint DEFAULT NULL::bigint, kwargs jsonb DEFAULT '{}'::jsonb",
            PgCluster.Scalar<string>(c, "SELECT pg_get_function_arguments('pgml.load_dataset'::regproc)"));
        Assert.Equal("TABLE(table_name text, rows bigint)",
            PgCluster.Scalar<string>(c, "SELECT pg_get_function_result('pgml.load_dataset'::regproc)"));
        Assert.Equal("v/f", PgCluster.Scalar<string>(c,
            "SELECT provolatile::text || '/' || CASE WHEN proisstrict THEN 't' ELSE 'f' END FROM pg_proc WHERE oid = 'pgml.load_dataset'::regproc"));
        // The plain call form (a record) works too, as in PostgresML's examples.
        Assert.Equal("(pgml.linnerud,20)", PgCluster.Scalar<string>(c, "SELECT pgml.load_dataset('linnerud')::text"));
    }

    [Fact]
    public void SpotValues()
    {
        using var c = cluster.Open();
        Load(c, "'iris'");
        Assert.Equal(new object[] { 5.1f, 3.5f, 1.4f, 0.2f, 0 }, Rows(c, "pgml.iris")[0]);
        Assert.Equal("50/50/50", PgCluster.Scalar<string>(c,
            "SELECT string_agg(n::text, '/' ORDER BY target) FROM (SELECT target, count(*) n FROM pgml.iris GROUP BY target) s"));

        Load(c, "'breast_cancer'");
        Assert.Equal(212L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.breast_cancer WHERE malignant"));
        Assert.Equal(17.99f, PgCluster.Scalar<float>(c, "SELECT \"mean radius\" FROM pgml.breast_cancer ORDER BY ctid LIMIT 1"));

        Load(c, "'digits'");
        var image = (short[,])Rows(c, "pgml.digits")[0][0];
        short[] firstRow = [0, 0, 5, 13, 9, 1, 0, 0], lastRow = [0, 0, 6, 13, 10, 0, 0, 0];
        Assert.Equal((8, 8), (image.GetLength(0), image.GetLength(1)));
        Assert.Equal(firstRow, Enumerable.Range(0, 8).Select(x => image[0, x]));
        Assert.Equal(lastRow, Enumerable.Range(0, 8).Select(x => image[7, x]));
        Assert.Equal(1797L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.digits WHERE array_dims(image) = '[1:8][1:8]'"));
        Assert.Equal("0..16, 0..9", PgCluster.Scalar<string>(c,
            "SELECT min(p) || '..' || max(p) || ', ' || (SELECT min(target) || '..' || max(target) FROM pgml.digits) " +
            "FROM pgml.digits, unnest(image) p"));

        Load(c, "'diabetes'");
        var d = Rows(c, "pgml.diabetes")[0];
        // scikit-learn's load_diabetes() (scaled) first row, and its raw target.
        Assert.Equal((float)0.038075906433423026, (float)d[0]);
        Assert.Equal((float)-0.01764612515980379, (float)d[9]);
        Assert.Equal(151f, (float)d[10]);
        // Scaled: every feature column is centred and has unit L2 norm.
        foreach (var col in new[] { "age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6" })
            Assert.Equal("0.000000/1.000000", PgCluster.Scalar<string>(c,
                $"SELECT to_char(abs(sum({col}::float8)), 'FM0.000000') || '/' || to_char(sum({col}::float8 * {col}), 'FM0.000000') FROM pgml.diabetes"));

        Load(c, "'wine'");
        Assert.Equal(new object[] { 14.23f, 1.71f, 2.43f, 15.6f, 127f, 2.8f, 3.06f, 0.28f, 2.29f, 5.64f, 1.04f, 3.92f, 1065f, 0 },
            Rows(c, "pgml.wine")[0]);
        Load(c, "'linnerud'");
        Assert.Equal(new object[] { 5f, 162f, 60f, 191f, 36f, 50f }, Rows(c, "pgml.linnerud")[0]);
    }

    /// <summary>
    /// Every value against the scikit-learn files pgml's data comes from (Debian's python3-sklearn, which scripts/deps.sh
    /// installs and CI always has: without it this test fails rather than passing unchecked). float4 values must be
    /// bit-equal to the source text read as float32.
    /// </summary>
    [Fact]
    public void AllValuesMatchScikitLearnsFiles()
    {
        Assert.True(Directory.Exists(SklearnData), $"{SklearnData} is missing: install python3-sklearn (scripts/deps.sh)");
        using var c = cluster.Open();

        void CompareCsv(string name, string file, int features, Func<string, object> label)
        {
            var source = File.ReadAllLines(Path.Combine(SklearnData, file)).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();
            Load(c, $"'{name}'");
            var rows = Rows(c, $"pgml.{name}");
            Assert.Equal(source.Count, rows.Count);
            for (int i = 0; i < rows.Count; i++)
            {
                for (int j = 0; j < features; j++)
                    Assert.True(F(source[i][j]) == (float)rows[i][j], $"{name} row {i} column {j}: {source[i][j]} vs {rows[i][j]}");
                Assert.Equal(label(source[i][features]), rows[i][features]);
            }
        }
        CompareCsv("iris", "iris.csv", 4, s => int.Parse(s));
        CompareCsv("wine", "wine_data.csv", 13, s => int.Parse(s));
        CompareCsv("breast_cancer", "breast_cancer.csv", 30, s => s == "0");

        using (var gz = new GZipStream(File.OpenRead(Path.Combine(SklearnData, "digits.csv.gz")), CompressionMode.Decompress))
        using (var reader = new StreamReader(gz))
        {
            Load(c, "'digits'");
            var rows = Rows(c, "pgml.digits");
            int i = 0;
            while (reader.ReadLine() is { Length: > 0 } line)
            {
                var v = line.Split(',').Select(s => (short)F(s)).ToArray();
                var image = (short[,])rows[i][0];
                for (int p = 0; p < 64; p++)
                    Assert.True(v[p] == image[p / 8, p % 8], $"digits row {i} pixel {p}");
                Assert.Equal(v[64], rows[i][1]);
                i++;
            }
            Assert.Equal(rows.Count, i);
        }

        var exercise = File.ReadAllLines(Path.Combine(SklearnData, "linnerud_exercise.csv")).Skip(1).Where(l => l.Trim().Length > 0).ToList();
        var physiological = File.ReadAllLines(Path.Combine(SklearnData, "linnerud_physiological.csv")).Skip(1).Where(l => l.Trim().Length > 0).ToList();
        Load(c, "'linnerud'");
        var linnerud = Rows(c, "pgml.linnerud");
        for (int i = 0; i < linnerud.Count; i++)
        {
            var v = (exercise[i] + " " + physiological[i]).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(F).ToArray();
            Assert.Equal(v.Cast<object>().ToArray(), linnerud[i]);
        }

        // diabetes: scikit-learn's scaling recomputed here from the raw file; float32 agrees within one unit in the
        // last place (the converter's output was checked bit-equal with scikit-learn's load_diabetes()).
        double[][] raw = ReadGzipLines(Path.Combine(SklearnData, "diabetes_data_raw.csv.gz"))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        double[] target = ReadGzipLines(Path.Combine(SklearnData, "diabetes_target.csv.gz")).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Load(c, "'diabetes'");
        var diabetes = Rows(c, "pgml.diabetes");
        Assert.Equal(raw.Length, diabetes.Count);
        int n = raw.Length;
        for (int j = 0; j < 10; j++)
        {
            double mean = raw.Sum(r => r[j]) / n;
            double std = Math.Sqrt(raw.Sum(r => (r[j] - mean) * (r[j] - mean)) / n);
            for (int i = 0; i < n; i++)
            {
                float expected = (float)((raw[i][j] - mean) / std / Math.Sqrt(n));
                float actual = (float)diabetes[i][j];
                Assert.True(Math.Abs(expected - actual) <= MathF.BitIncrement(MathF.Abs(expected)) - MathF.Abs(expected),
                    $"diabetes row {i} column {j}: expected {expected:R}, got {actual:R}");
            }
        }
        Assert.Equal(target.Select(t => (object)(float)t).ToArray(), diabetes.Select(r => r[10]).ToArray());
    }

    private static IEnumerable<string> ReadGzipLines(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        while (reader.ReadLine() is { } line)
            if (line.Trim().Length > 0) yield return line;
    }

    private static long Oid(NpgsqlConnection c, string relation) =>
        PgCluster.Scalar<long>(c, "SELECT $1::regclass::oid::int8", relation);

    [Fact]
    public void ReloadingReplacesTheRowsInPlace()
    {
        using var c = cluster.Open();
        Load(c, "'iris'");
        long oid = Oid(c, "pgml.iris");
        PgCluster.Exec(c, "INSERT INTO pgml.iris (target) VALUES (42); DELETE FROM pgml.iris WHERE ctid = '(0,1)'");
        Assert.Equal(150L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.iris"));
        Assert.Equal(("pgml.iris", 150L), Load(c, "'iris'"));
        Assert.Equal(150L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.iris"));
        Assert.Equal(0L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.iris WHERE target = 42"));
        // The same table (not a new one under the old name), its rows in load order as after a first load.
        Assert.Equal(oid, Oid(c, "pgml.iris"));
        Assert.Equal(new object[] { 5.1f, 3.5f, 1.4f, 0.2f, 0 }, Rows(c, "pgml.iris")[0]);
        Assert.Equal("(0,1)", PgCluster.Scalar<string>(c, "SELECT min(ctid)::text FROM pgml.iris"));
    }

    /// <summary>PostgresML's examples load digits, create a view on it, and load digits again: the view survives.</summary>
    [Fact]
    public void ReloadKeepsDependentViews()
    {
        using var c = cluster.Open();
        Load(c, "'digits'");
        PgCluster.Exec(c, "CREATE VIEW digit_vectors AS SELECT image::float4[] AS image, target FROM pgml.digits");
        try
        {
            long view = Oid(c, "digit_vectors");
            Assert.Equal(("pgml.digits", 1797L), Load(c, "'digits'"));
            Assert.Equal(view, Oid(c, "digit_vectors"));
            Assert.Equal(1797L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM digit_vectors"));
            Assert.Equal(PgCluster.Scalar<long>(c, "SELECT sum(hashtext(t::text)) FROM pgml.digits t"),
                PgCluster.Scalar<long>(c, "SELECT sum(hashtext((image::smallint[], target)::text)) FROM digit_vectors"));
            // A smaller reload: the view sees exactly the new rows.
            Assert.Equal(("pgml.digits", 100L), Load(c, "'digits', \"limit\" => 100"));
            Assert.Equal(100L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM digit_vectors"));
        }
        finally
        {
            PgCluster.Exec(c, "DROP VIEW digit_vectors");
        }
    }

    /// <summary>A table whose columns a user changed is refused with 42804 and left exactly as it is.</summary>
    [Theory]
    [InlineData("ALTER TABLE pgml.iris ADD COLUMN extra int", "its column 6 \"extra\" integer is not in the dataset")]
    [InlineData("ALTER TABLE pgml.iris DROP COLUMN target", "it lacks the column \"target\" integer (column 5)")]
    [InlineData("ALTER TABLE pgml.iris ALTER COLUMN target TYPE bigint", "its column 5 is \"target\" bigint, the dataset's is \"target\" integer")]
    [InlineData("ALTER TABLE pgml.iris RENAME COLUMN target TO label", "its column 5 is \"label\" integer, the dataset's is \"target\" integer")]
    [InlineData("ALTER TABLE pgml.iris DROP COLUMN sepal_length; ALTER TABLE pgml.iris ADD COLUMN sepal_length real",
        "its column 1 is \"sepal_width\" real, the dataset's is \"sepal_length\" real")]
    public void ChangedShapeIsRefusedAndLeftAsItIs(string alter, string difference)
    {
        using var c = cluster.Open();
        Load(c, "'iris', \"limit\" => 5");
        PgCluster.Exec(c, alter);
        string layout = Layout(c, "pgml.iris");
        string rows = PgCluster.Scalar<string>(c, "SELECT string_agg(t::text, ';' ORDER BY ctid) FROM pgml.iris t");
        long oid = Oid(c, "pgml.iris");
        try
        {
            var e = Assert.Throws<PostgresException>(() => Load(c, "'iris'"));
            Assert.Equal("42804", e.SqlState);
            Assert.Equal($"pgml.load_dataset: pgml.iris exists with other columns than the dataset iris: {difference}", e.MessageText);
            Assert.Contains("never drops it", e.Hint);
            Assert.Contains("ALTER TABLE pgml.iris RENAME TO my_iris", e.Hint);
            Assert.Equal("The dataset's columns: \"sepal_length\" real, \"sepal_width\" real, \"petal_length\" real, " +
                         "\"petal_width\" real, \"target\" integer.", e.Detail);
            Assert.Equal((oid, layout), (Oid(c, "pgml.iris"), Layout(c, "pgml.iris")));
            Assert.Equal(rows, PgCluster.Scalar<string>(c, "SELECT string_agg(t::text, ';' ORDER BY ctid) FROM pgml.iris t"));
        }
        finally
        {
            PgCluster.Exec(c, "DROP TABLE pgml.iris");
        }
    }

    /// <summary>A view or another kind of relation where the table belongs is refused with 42809 and left alone.</summary>
    [Theory]
    [InlineData("VIEW", "pgml.linnerud AS SELECT 1::real AS chins", "a view")]
    [InlineData("MATERIALIZED VIEW", "pgml.linnerud AS SELECT 1::real AS chins", "a materialized view")]
    [InlineData("SEQUENCE", "pgml.linnerud", "a sequence")]
    [InlineData("TABLE", "pgml.linnerud (chins real) PARTITION BY RANGE (chins)", "a partitioned table")]
    public void OtherRelationInItsPlaceIsRefused(string what, string definition, string kind)
    {
        using var c = cluster.Open();
        PgCluster.Exec(c, "DROP TABLE IF EXISTS pgml.linnerud");
        PgCluster.Exec(c, $"CREATE {what} {definition}");
        string relkind = PgCluster.Scalar<string>(c, "SELECT relkind::text FROM pg_class WHERE oid = 'pgml.linnerud'::regclass");
        try
        {
            var e = Assert.Throws<PostgresException>(() => Load(c, "'linnerud'"));
            Assert.Equal("42809", e.SqlState);
            Assert.Equal($"pgml.load_dataset: pgml.linnerud is {kind}, not an ordinary table", e.MessageText);
            Assert.Contains("never drops what stands there", e.Hint);
            Assert.Equal(relkind, PgCluster.Scalar<string>(c, "SELECT relkind::text FROM pg_class WHERE oid = 'pgml.linnerud'::regclass"));
        }
        finally
        {
            PgCluster.Exec(c, $"DROP {what} pgml.linnerud");
        }
    }

    /// <summary>A reload that fails half-way (a CHECK constraint of the user's rejects a row) leaves the earlier rows.</summary>
    [Fact]
    public void FailedReloadLeavesTheOldRows()
    {
        using var c = cluster.Open();
        Load(c, "'iris', \"limit\" => 7");
        PgCluster.Exec(c, "ALTER TABLE pgml.iris ADD CONSTRAINT short_sepals CHECK (sepal_length < 7)");
        try
        {
            var e = Assert.Throws<PostgresException>(() => Load(c, "'iris'"));
            Assert.Equal("23514", e.SqlState);   // PostgreSQL's own error, unchanged
            Assert.Equal(7L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.iris"));
            Assert.Equal(new object[] { 5.1f, 3.5f, 1.4f, 0.2f, 0 }, Rows(c, "pgml.iris")[0]);
        }
        finally
        {
            PgCluster.Exec(c, "ALTER TABLE pgml.iris DROP CONSTRAINT short_sepals");
        }
    }

    /// <summary>
    /// The reload holds TRUNCATE's ACCESS EXCLUSIVE lock to its commit: a concurrent reader waits (here: gives up
    /// after lock_timeout) instead of seeing an empty or half-loaded table, then sees all the new rows; and the reload
    /// waits for a transaction that has read the table, which meanwhile keeps seeing the old rows.
    /// </summary>
    [Fact]
    public async Task ConcurrentReadersSeeTheOldRowsOrTheNewOnes()
    {
        using var loader = cluster.Open();
        using var reader = cluster.Open();
        Load(loader, "'iris', \"limit\" => 7");
        PgCluster.Exec(reader, "SET lock_timeout = '200ms'");
        using (var tx = loader.BeginTransaction())
        {
            Load(loader, "'iris'");
            var e = Assert.Throws<PostgresException>(() => PgCluster.Scalar<long>(reader, "SELECT count(*) FROM pgml.iris"));
            Assert.Equal("55P03", e.SqlState);
            tx.Commit();
        }
        Assert.Equal(150L, PgCluster.Scalar<long>(reader, "SELECT count(*) FROM pgml.iris"));

        int loaderPid = loader.ProcessID;
        using (var tx = reader.BeginTransaction())
        {
            Assert.Equal(150L, PgCluster.Scalar<long>(reader, "SELECT count(*) FROM pgml.iris"));
            var reload = Task.Run(() => Load(loader, "'iris', \"limit\" => 3"));
            using var watcher = cluster.Open();
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!PgCluster.Scalar<bool>(watcher, "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = $1 AND NOT granted " +
                                                    "AND relation = 'pgml.iris'::regclass AND mode = 'AccessExclusiveLock')", loaderPid))
            {
                Assert.False(reload.IsCompleted, "the reload finished while a transaction that read the table was open");
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the reload never waited for the table's lock");
                Thread.Sleep(20);
            }
            Assert.Equal(150L, PgCluster.Scalar<long>(reader, "SELECT count(*) FROM pgml.iris"));
            tx.Commit();
            Assert.Equal(("pgml.iris", 3L), await reload.WaitAsync(TimeSpan.FromSeconds(60)));
        }
        Assert.Equal(3L, PgCluster.Scalar<long>(reader, "SELECT count(*) FROM pgml.iris"));
    }

    [Fact]
    public void LimitLoadsTheFirstRows()
    {
        using var c = cluster.Open();
        Assert.Equal(("pgml.iris", 10L), Load(c, "'iris', \"limit\" => 10"));
        Assert.Equal(10L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.iris"));
        Assert.Equal(new object[] { 5.1f, 3.5f, 1.4f, 0.2f, 0 }, Rows(c, "pgml.iris")[0]);
        Assert.Equal(new object[] { 4.9f, 3.1f, 1.5f, 0.1f, 0 }, Rows(c, "pgml.iris")[9]);
        Assert.Equal(("pgml.digits", 3L), Load(c, "'digits', NULL, 3"));
        Assert.Equal("0,1,2", PgCluster.Scalar<string>(c, "SELECT string_agg(target::text, ',' ORDER BY ctid) FROM pgml.digits"));
        // Zero rows: an empty table; more rows than there are: all of them.
        Assert.Equal(("pgml.wine", 0L), Load(c, "'wine', \"limit\" => 0"));
        Assert.Equal(0L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.wine"));
        Assert.Equal(("pgml.wine", 178L), Load(c, "'wine', \"limit\" => 1000000"));
        Assert.Equal(("pgml.iris", 150L), Load(c, "'iris', \"limit\" => NULL"));
        // Explicit defaults are accepted.
        Assert.Equal(("pgml.linnerud", 20L), Load(c, "'linnerud', NULL, NULL, '{}'"));
    }

    private PostgresException Fails(string args, string sqlState, string messagePart)
    {
        using var c = cluster.Open();
        Load(c, "'iris', \"limit\" => 5");
        var e = Assert.Throws<PostgresException>(() => PgCluster.Exec(c, $"SELECT * FROM pgml.load_dataset({args})"));
        Assert.True(e.SqlState == sqlState, $"expected {sqlState}, got {e.SqlState}: {e.MessageText}");
        Assert.Contains(messagePart, e.MessageText);
        Assert.False(string.IsNullOrEmpty(e.Hint), "no hint");
        Assert.Equal(5L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.iris"));   // nothing touched
        return e;
    }

    [Fact]
    public void NullSource() => Fails("NULL", "22004", "source must not be NULL");

    [Fact]
    public void UnknownSourceListsTheBuiltInDatasets()
    {
        var e = Fails("'imdb'", "42704", "unknown dataset \"imdb\"");
        Assert.Contains("breast_cancer, diabetes, digits, iris, linnerud, wine, jdxcosta/diamonds", e.MessageText);
        Assert.Contains("HuggingFace", e.Hint);
        // Names are exact, as in PostgresML, and never reach SQL.
        Fails("'IRIS'", "42704", "unknown dataset \"IRIS\"");
        Fails("'iris; DROP TABLE pgml.iris'", "42704", "unknown dataset");
    }

    [Fact]
    public void SubsetIsForHuggingFace()
    {
        var e = Fails("'iris', 'plain_text'", "22023", "subset is not supported");
        Assert.Contains("HuggingFace", e.Hint);
    }

    [Fact]
    public void KwargsAreForHuggingFace()
    {
        var e = Fails("'iris', kwargs => '{\"split\": \"train\"}'", "22023", "kwargs are not supported");
        Assert.Contains("HuggingFace", e.Hint);
    }

    [Fact]
    public void NegativeLimit() => Fails("'iris', \"limit\" => -1", "22023", "limit must not be negative");

    [Fact]
    public void RolledBackLoadLeavesNothing()
    {
        using var c = cluster.Open();
        PgCluster.Exec(c, "DROP TABLE IF EXISTS pgml.wine");
        using (var tx = c.BeginTransaction())
        {
            Assert.Equal(("pgml.wine", 178L), Load(c, "'wine'"));
            tx.Rollback();
        }
        Assert.Null(PgCluster.Scalar<string>(c, "SELECT to_regclass('pgml.wine')::text"));

        // A rolled-back reload keeps the earlier table as it was, and a view on it sees the earlier rows.
        Load(c, "'iris', \"limit\" => 7");
        PgCluster.Exec(c, "CREATE VIEW iris_targets AS SELECT target FROM pgml.iris");
        try
        {
            using (var tx = c.BeginTransaction())
            {
                Load(c, "'iris'");
                Assert.Equal(150L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.iris"));
                Assert.Equal(150L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM iris_targets"));
                tx.Rollback();
            }
            Assert.Equal(7L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM pgml.iris"));
            Assert.Equal(7L, PgCluster.Scalar<long>(c, "SELECT count(*) FROM iris_targets"));
            Assert.Equal(new object[] { 4.6f, 3.4f, 1.4f, 0.3f, 0 }, Rows(c, "pgml.iris")[6]);
        }
        finally
        {
            PgCluster.Exec(c, "DROP VIEW iris_targets");
        }
    }

    [Fact]
    public void LoadedDatasetsTrain()
    {
        using var c = cluster.Open();
        Load(c, "'breast_cancer'");
        // Column names with spaces, a boolean label.
        using (var cmd = new NpgsqlCommand("SELECT project, task, algorithm FROM pgml.train('ds breast cancer', 'classification', " +
                                           "'pgml.breast_cancer', 'malignant', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 10}')", c))
        using (var r = cmd.ExecuteReader())
        {
            Assert.True(r.Read());
            Assert.Equal(("ds breast cancer", "classification", "xgboost"), (r.GetString(0), r.GetString(1), r.GetString(2)));
        }
        Assert.True(PgCluster.Scalar<double>(c,
            "SELECT (m.metrics ->> 'accuracy')::float8 FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id " +
            "WHERE p.name = 'ds breast cancer' ORDER BY m.id DESC LIMIT 1") > 0.85);
    }
}
