using Pgml.Engine.Data;
using Pgml.Engine.Training;
using Xunit;

namespace Pgml.Engine.Tests.Training;

public class DataChecksTests
{
    private static NativeMatrix Matrix(int columns, params float[][] rows)
    {
        var m = new NativeMatrix(columns, rows.Length);
        foreach (var r in rows) m.AppendRow(r);
        return m;
    }

    private static readonly string[] Columns = ["age", "income", "income", "city"];
    private static string ColumnOf(int i) => Columns[i];

    [Fact]
    public void NullLabelsAreCountedPerTarget()
    {
        using var y = Matrix(2, [1, float.NaN], [float.NaN, float.NaN], [3, 4]);
        var e = Assert.Throws<MissingValueException>(() => DataChecks.NoNullLabels(y, 0, "price"));
        Assert.Equal("the label column \"price\" has 1 NULL value (out of 3 rows)", e.Message);
        Assert.Contains("WHERE \"price\" IS NOT NULL", e.Hint);
        e = Assert.Throws<MissingValueException>(() => DataChecks.NoNullLabels(y, 1, "rooms"));
        Assert.StartsWith("the label column \"rooms\" has 2 NULL values", e.Message);
    }

    [Fact]
    public void CompleteLabelsPass()
    {
        using var y = Matrix(1, [0], [1]);
        DataChecks.NoNullLabels(y, 0, "y");
    }

    [Fact]
    public void InfiniteFeatureNamesItsColumnAndRow()
    {
        using var x = Matrix(4, [1, 2, 3, 4], [1, 2, float.NegativeInfinity, 4]);
        var e = Assert.Throws<InvalidDataException>(() => DataChecks.NoInfiniteFeatures(x, ColumnOf));
        Assert.Equal("feature column \"income\" has an infinite value (row 2 as read)", e.Message);
        Assert.Contains("NULLIF(NULLIF(\"income\", 'Infinity'), '-Infinity')", e.Hint);
    }

    [Fact]
    public void MissingFeaturesAreAllowedByTheInfinityCheck()
    {
        using var x = Matrix(4, [float.NaN, 2, 3, 4]);
        DataChecks.NoInfiniteFeatures(x, ColumnOf);
    }

    [Fact]
    public void MissingFeatureIsDescribedByTheCaller()
    {
        using var x = Matrix(4, [1, 2, 3, 4], [1, 2, 3, float.NaN]);
        var e = Assert.Throws<MissingValueException>(() => DataChecks.NoMissingFeatures(x, i => $"feature {i + 1} after preprocessing"));
        Assert.Equal("feature 4 after preprocessing has a missing value (NULL or NaN), which this algorithm cannot train on", e.Message);
        Assert.Contains("impute", e.Hint);
    }

    [Fact]
    public void LongScansPollForInterrupts()
    {
        using var x = new NativeMatrix(1, 200_000);
        for (int r = 0; r < 200_000; r++) x.AppendRow([r]);
        int polls = 0;
        DataChecks.NoMissingFeatures(x, ColumnOf, () => polls++);
        Assert.Equal(3, polls);   // every 65,536 rows
        var cancelled = Assert.Throws<OperationCanceledException>(() =>
            DataChecks.NoInfiniteFeatures(x, ColumnOf, () => throw new OperationCanceledException()));
        Assert.NotNull(cancelled);
    }
}
