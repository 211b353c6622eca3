using System.Globalization;

namespace Pgml.Engine.Sampling;

/// <summary>
/// A train/test split as a row permutation: <see cref="Order"/>[i] is the source row placed at position i;
/// positions [0, <see cref="TrainRows"/>) train and [<see cref="TrainRows"/>, rows) test. Apply it to features and
/// labels with <c>NativeMatrix.Permute</c> so both stay aligned.
/// </summary>
public sealed record SplitPlan(long[] Order, long TrainRows)
{
    public long TestRows => Order.LongLength - TrainRows;
}

/// <summary>Plans train/test splits.</summary>
public static class Splitter
{
    /// <summary>
    /// Plans the split of <paramref name="rows"/> rows.
    /// <paramref name="testSize"/> in (0, 1) is a fraction and the test set gets round(rows × testSize) rows
    /// (midpoints round away from zero); testSize ≥ 1 is an absolute, integral row count.
    /// Random and Stratified are deterministic for a given seed, row count and label sequence (System.Random with
    /// a seed, whose sequence .NET has kept stable across versions).
    /// Stratified needs one label per row (classes are the distinct label values, never NaN); with no labels it
    /// behaves as Random.
    /// </summary>
    /// <exception cref="InvalidParameterException">testSize is not a fraction in (0, 1) or a whole row count ≥ 1.</exception>
    /// <exception cref="InvalidDataException">The split would leave no training row or no test row.</exception>
    public static SplitPlan Plan(long rows, double testSize, TestSampling sampling, ReadOnlySpan<float> labels, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        long testRows = TestRowCount(rows, testSize);
        long trainRows = rows - testRows;

        switch (sampling)
        {
            case TestSampling.Last:
                return new SplitPlan(Identity(rows), trainRows);
            case TestSampling.Random:
            case TestSampling.Stratified when labels.IsEmpty:
            {
                long[] order = Identity(rows);
                Shuffle(order, new Random(seed));
                return new SplitPlan(order, trainRows);
            }
            case TestSampling.Stratified:
                if (labels.Length != rows)
                    throw new ArgumentException($"stratified sampling needs one label per row: {labels.Length} labels for {rows} rows", nameof(labels));
                return new SplitPlan(Stratify(labels, testRows, new Random(seed)), trainRows);
            default:
                throw new ArgumentOutOfRangeException(nameof(sampling), sampling, null);
        }
    }

    /// <summary>Checks test_size before any data is read: a fraction in (0, 1) or a whole row count of at least 1.</summary>
    public static void ValidateTestSize(double testSize)
    {
        bool fraction = testSize > 0 && testSize < 1;
        bool count = testSize >= 1 && double.IsFinite(testSize) && Math.Floor(testSize) == testSize;
        if (!fraction && !count)
            throw new InvalidParameterException(
                $"invalid test_size {testSize.ToString("R", CultureInfo.InvariantCulture)}: expected a fraction between 0 and 1 (exclusive) or a whole number of rows of at least 1",
                "Use e.g. test_size => 0.25 to test on a quarter of the rows, or test_size => 100 for 100 rows.");
    }

    private static long TestRowCount(long rows, double testSize)
    {
        ValidateTestSize(testSize);
        string shown = testSize.ToString("R", CultureInfo.InvariantCulture);
        // Beyond 2^63 the cast would overflow; any such count is larger than the relation anyway.
        long testRows = testSize < 1
            ? (long)Math.Round(rows * testSize, MidpointRounding.AwayFromZero)
            : testSize >= long.MaxValue ? long.MaxValue : (long)testSize;

        string relation = rows == 1 ? "1 row" : $"{rows} rows";
        if (rows - testRows < 1)
            throw new InvalidDataException(
                $"test_size = {shown} leaves no rows for training: the relation has {relation}",
                rows < 2
                    ? "Add rows to the relation: a train/test split needs at least 2 rows."
                    : "Lower test_size, or add rows to the relation.");
        if (testRows < 1)
            throw new InvalidDataException(
                $"test_size = {shown} leaves no rows for testing: the relation has {relation}",
                rows < 2
                    ? "Add rows to the relation: a train/test split needs at least 2 rows."
                    : "Raise test_size (e.g. to an absolute count such as test_size => 1), or add rows to the relation.");
        return testRows;
    }

    private static long[] Identity(long rows)
    {
        var order = new long[rows];
        for (long i = 0; i < rows; i++) order[i] = i;
        return order;
    }

    private static void Shuffle(Span<long> items, Random rng)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>
    /// Gives each class floor(count × fraction) test rows, then hands the rows still missing to the classes with the
    /// largest remainders (ties in seeded random order). Each class is within one row of its exact share, like
    /// round(count × fraction) per class, but the test set has exactly the size Random would give; rounding every
    /// class on its own can leave no test row at all when labels are nearly unique (e.g. a continuous target).
    /// </summary>
    private static long[] Stratify(ReadOnlySpan<float> labels, long testRows, Random rng)
    {
        int rows = labels.Length;
        double fraction = (double)testRows / rows;

        // Classes keyed by label value; -0 is folded into 0 so both land in the same class.
        var classOf = new Dictionary<float, int>();
        var classRows = new List<List<int>>();
        var classValue = new List<float>();
        for (int r = 0; r < rows; r++)
        {
            float label = labels[r];
            if (float.IsNaN(label))
                throw new ArgumentException($"label of row {r} is NaN: NULL labels must be rejected before splitting", nameof(labels));
            if (label == 0) label = 0;
            if (!classOf.TryGetValue(label, out int c))
            {
                c = classRows.Count;
                classOf.Add(label, c);
                classRows.Add([]);
                classValue.Add(label);
            }
            classRows[c].Add(r);
        }

        int k = classRows.Count;
        // Visit classes by label value, not first appearance, so the remainder tie-break depends only on the seed.
        int[] byValue = Enumerable.Range(0, k).OrderBy(c => classValue[c]).ToArray();
        var take = new long[k];
        var remainder = new double[k];
        long assigned = 0;
        foreach (int c in byValue)
        {
            double exact = classRows[c].Count * fraction;
            take[c] = (long)Math.Floor(exact);
            remainder[c] = exact - take[c];
            assigned += take[c];
        }

        long missing = testRows - assigned;
        if (missing > 0)
        {
            var tieBreak = new double[k];
            foreach (int c in byValue) tieBreak[c] = rng.NextDouble();
            var candidates = byValue.Where(c => take[c] < classRows[c].Count)
                .OrderByDescending(c => remainder[c]).ThenBy(c => tieBreak[c]).ToArray();
            for (int i = 0; i < candidates.Length && missing > 0; i++, missing--)
                take[candidates[i]]++;
        }

        var order = new long[rows];
        int trainCount = rows - (int)testRows;
        int trainPos = 0, testPos = trainCount;
        foreach (int c in byValue)
        {
            var members = classRows[c];
            // Partial Fisher-Yates: the first take[c] members after shuffling are a uniform random test sample.
            for (int i = 0; i < take[c]; i++)
            {
                int j = i + rng.Next(members.Count - i);
                (members[i], members[j]) = (members[j], members[i]);
            }
            for (int i = 0; i < members.Count; i++)
            {
                if (i < take[c]) order[testPos++] = members[i];
                else order[trainPos++] = members[i];
            }
        }

        // Without this the rows would come grouped by class, which hurts anything sensitive to row order.
        Shuffle(order.AsSpan(0, trainCount), rng);
        Shuffle(order.AsSpan(trainCount), rng);
        return order;
    }
}
