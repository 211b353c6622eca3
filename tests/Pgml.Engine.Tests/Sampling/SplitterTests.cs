using Pgml.Engine.Data;
using Pgml.Engine.Sampling;
using Xunit;

namespace Pgml.Engine.Tests.Sampling;

public class SplitterTests
{
    private static void AssertPermutation(long[] order, long rows)
    {
        Assert.Equal(rows, order.LongLength);
        Assert.Equal(Enumerable.Range(0, (int)rows).Select(i => (long)i), order.Order());
    }

    [Theory]
    [InlineData(100, 0.25, 25)]
    [InlineData(10, 0.25, 3)] // 2.5 rounds away from zero
    [InlineData(10, 0.24, 2)]
    [InlineData(10, 7.0, 7)]
    [InlineData(10, 1.0, 1)] // exactly 1 is one row, not the whole relation
    [InlineData(2, 0.5, 1)]
    public void TestRowCount(long rows, double testSize, long expectedTest)
    {
        foreach (var sampling in Enum.GetValues<TestSampling>())
        {
            var plan = Splitter.Plan(rows, testSize, sampling, [], seed: 1);
            Assert.Equal(rows - expectedTest, plan.TrainRows);
            Assert.Equal(expectedTest, plan.TestRows);
            AssertPermutation(plan.Order, rows);
        }
    }

    [Fact]
    public void LastKeepsReadOrderAndTestsOnTheTail()
    {
        var plan = Splitter.Plan(8, 0.25, TestSampling.Last, [], seed: 42);
        Assert.Equal([0L, 1, 2, 3, 4, 5, 6, 7], plan.Order);
        Assert.Equal(6, plan.TrainRows);
    }

    [Fact]
    public void RandomIsDeterministicForASeed()
    {
        var a = Splitter.Plan(1000, 0.2, TestSampling.Random, [], seed: 7);
        var b = Splitter.Plan(1000, 0.2, TestSampling.Random, [], seed: 7);
        var c = Splitter.Plan(1000, 0.2, TestSampling.Random, [], seed: 8);
        Assert.Equal(a.Order, b.Order);
        Assert.NotEqual(a.Order, c.Order);
        AssertPermutation(a.Order, 1000);
        // A shuffle, not read order.
        Assert.NotEqual(Enumerable.Range(0, 1000).Select(i => (long)i), a.Order);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(1.5)]
    [InlineData(-3.0)]
    public void BadTestSizeIsAnInvalidParameter(double testSize)
    {
        var e = Assert.Throws<InvalidParameterException>(() => Splitter.Plan(100, testSize, TestSampling.Random, [], 0));
        Assert.Contains("test_size", e.Message);
        Assert.False(string.IsNullOrEmpty(e.Hint));
    }

    [Theory]
    [InlineData(1, 0.25)]  // rounds to 0 test rows
    [InlineData(1, 0.5)]   // rounds to 1 test row, 0 training rows
    [InlineData(3, 0.1)]   // 0.3 rounds to 0 test rows
    [InlineData(4, 4.0)]   // the whole relation
    [InlineData(4, 10.0)]  // more than the relation
    [InlineData(0, 0.25)]
    public void SplitLeavingAnEmptySideIsInvalidData(long rows, double testSize)
    {
        foreach (var sampling in Enum.GetValues<TestSampling>())
        {
            var labels = new float[rows];
            var e = Assert.Throws<InvalidDataException>(() => Splitter.Plan(rows, testSize, sampling, labels, 0));
            Assert.Contains("leaves no rows", e.Message);
            Assert.Contains($"{rows} row", e.Message);
            Assert.False(string.IsNullOrEmpty(e.Hint));
        }
    }

    [Fact]
    public void NoTrainingRowsMessageNamesTheRelationSize()
    {
        var e = Assert.Throws<InvalidDataException>(() => Splitter.Plan(1, 0.5, TestSampling.Random, [], 0));
        Assert.Equal("test_size = 0.5 leaves no rows for training: the relation has 1 row", e.Message);
    }

    [Fact]
    public void StratifiedKeepsEachClassShareWithinOneRow()
    {
        // Three unevenly sized classes (50, 27, 23 rows), interleaved.
        var labels = new float[100];
        for (int i = 0; i < 100; i++) labels[i] = i % 10 < 5 ? 0 : i % 10 < 8 && i < 95 ? 1 : 2;
        var counts = labels.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());

        foreach (double testSize in new[] { 0.25, 0.1, 0.5, 17.0 })
        {
            var plan = Splitter.Plan(100, testSize, TestSampling.Stratified, labels, seed: 3);
            AssertPermutation(plan.Order, 100);
            long testRows = testSize < 1 ? (long)Math.Round(100 * testSize, MidpointRounding.AwayFromZero) : (long)testSize;
            Assert.Equal(100 - testRows, plan.TrainRows);
            double fraction = testRows / 100.0;
            foreach (var (label, count) in counts)
            {
                int inTest = plan.Order.Skip((int)plan.TrainRows).Count(r => labels[r] == label);
                Assert.InRange(inTest, Math.Floor(count * fraction), Math.Ceiling(count * fraction));
            }
        }
    }

    [Fact]
    public void StratifiedIsDeterministicAndShuffled()
    {
        var labels = Enumerable.Range(0, 300).Select(i => (float)(i % 3)).ToArray();
        var a = Splitter.Plan(300, 0.2, TestSampling.Stratified, labels, seed: 11);
        var b = Splitter.Plan(300, 0.2, TestSampling.Stratified, labels, seed: 11);
        var c = Splitter.Plan(300, 0.2, TestSampling.Stratified, labels, seed: 12);
        Assert.Equal(a.Order, b.Order);
        Assert.NotEqual(a.Order, c.Order);
        Assert.Equal(240, a.TrainRows);
        // Each class gets exactly 20 test rows, and the rows are not grouped by class.
        foreach (float k in new[] { 0f, 1f, 2f })
            Assert.Equal(20, a.Order.Skip(240).Count(r => labels[r] == k));
        Assert.Contains(a.Order.Take(10), r => labels[r] != labels[a.Order[0]]);
    }

    [Fact]
    public void StratifiedWithUniqueLabelsStillHasTestRows()
    {
        // A continuous target: every label is its own class.
        var labels = Enumerable.Range(0, 20).Select(i => i * 0.37f).ToArray();
        var plan = Splitter.Plan(20, 0.25, TestSampling.Stratified, labels, seed: 5);
        Assert.Equal(15, plan.TrainRows);
        AssertPermutation(plan.Order, 20);
    }

    [Fact]
    public void StratifiedWithoutLabelsIsRandom()
    {
        var stratified = Splitter.Plan(50, 0.3, TestSampling.Stratified, [], seed: 9);
        var random = Splitter.Plan(50, 0.3, TestSampling.Random, [], seed: 9);
        Assert.Equal(random.Order, stratified.Order);
        Assert.Equal(random.TrainRows, stratified.TrainRows);
    }

    [Fact]
    public void StratifiedTreatsNegativeZeroAsZero()
    {
        var labels = new float[] { 0f, -0f, 0f, -0f, 1f, 1f, 1f, 1f };
        var plan = Splitter.Plan(8, 0.5, TestSampling.Stratified, labels, seed: 1);
        Assert.Equal(2, plan.Order.Skip(4).Count(r => labels[r] == 1f));
    }

    [Fact]
    public void StratifiedNeedsOneLabelPerRow()
    {
        Assert.Throws<ArgumentException>(() => Splitter.Plan(10, 0.2, TestSampling.Stratified, new float[9], 0));
    }

    [Fact]
    public void PlanAppliesToAMatrixWithPermute()
    {
        using var m = new NativeMatrix(2);
        var labels = new float[10];
        for (int i = 0; i < 10; i++)
        {
            m.AppendRow([i, 10 * i]);
            labels[i] = i % 2;
        }
        var plan = Splitter.Plan(10, 0.3, TestSampling.Stratified, labels, seed: 4);
        m.Permute(plan.Order);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(plan.Order[i], (long)m[i, 0]);
            Assert.Equal(10 * plan.Order[i], (long)m[i, 1]);
        }
    }
}
