using Pgml.Engine.Data;
using Pgml.Engine.Preprocessing;
using Xunit;
using Pgml.Engine.Tests.TestData;

namespace Pgml.Engine.Tests.Preprocessing;

public class PipelineAllocationTests
{
    [Fact]
    public void EncodeTextAndTransformAllocateNothing()
    {
        using var t = FittedPipelineJsonTests.MixedTable();
        foreach (var p in new[]
                 {
                     t.Fit(FittedPipelineJsonTests.MixedSpec, FittedPipelineJsonTests.MixedTrain, FittedPipelineJsonTests.MixedLabels),
                     FittedPipeline.FromJson(t.Fit(FittedPipelineJsonTests.MixedSpec, FittedPipelineJsonTests.MixedTrain, FittedPipelineJsonTests.MixedLabels).ToJson()),
                 })
        {
            var texts = new[] { "a", "b", "é", "unseen", "", "x", "p", "lo", "top" }.Select(TestTable.Utf8).ToArray();
            var rows = Enumerable.Range(0, (int)t.Raw.Rows).Select(r => t.Raw.Row(r).ToArray()).ToArray();
            var encoded = new float[p.InputWidth];
            var output = new float[p.OutputWidth];

            float sum = 0;
            void Run()
            {
                for (int i = 0; i < 100; i++)
                    foreach (var row in rows)
                    {
                        row.CopyTo(encoded, 0);
                        for (int pos = 0; pos < p.InputWidth; pos++)
                            if (p.Features[pos].Kind == FeatureKind.Categorical)
                                encoded[pos] = p.EncodeText(pos, texts[(i + pos) % texts.Length]);
                        p.Transform(encoded, output);
                        sum += output[0];
                    }
            }
            Assert.Equal(0, Allocations.Fewest(Run));
            Assert.False(float.IsNaN(sum));
        }
    }

    [Fact]
    public void TransformRowsAllocationDoesNotGrowWithRows()
    {
        const int rows = 20_000;
        var rng = new Random(3);
        var x = Enumerable.Range(0, rows).Select(_ => rng.Next(10) == 0 ? float.NaN : (float)rng.NextDouble()).ToArray();
        var c = Enumerable.Range(0, rows).Select(_ => rng.Next(10) == 0 ? null : $"c{rng.Next(50)}").ToArray();
        using var t = new TestTable(("x", x), ("c", c), ("h", c));
        var p = t.Fit("""{"x": {"impute": "mean", "scale": "standard"}, "c": {"impute": "mode"}, "h": {"encode": "one_hot"}}""", rows / 2);
        using var output = new NativeMatrix(p.OutputWidth, rows);

        p.TransformRows(t.Raw, 0, 10, output); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        p.TransformRows(t.Raw, 0, 10, output);
        long small = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        p.TransformRows(t.Raw, 10, rows - 20, output);
        long large = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(small, large);
        Assert.Equal(rows, output.Rows);
    }

    [Fact]
    public void TransformRowsReusesTheFittedCodeMaps()
    {
        // 20000 distinct values: a rebuilt code map would cost 80 kB per call.
        var c = Enumerable.Range(0, 40_000).Select(i => $"v{i % 20_000}").ToArray();
        using var t = new TestTable(("c", c));
        var p = t.Fit(null, 20_000);
        using var output = new NativeMatrix(1, 100);
        p.TransformRows(t.Raw, 0, 10, output, t.Vocabularies); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        p.TransformRows(t.Raw, 0, 10, output, t.Vocabularies);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1000);

        // A vocabulary that grew since fitting gets a fresh map, and the new value is unseen.
        t.Vocabularies[0]!.GetOrAdd(TestTable.Utf8("later"));
        t.Raw[0, 0] = 20_000;
        p.TransformRows(t.Raw, 0, 1, output, t.Vocabularies);
        Assert.True(float.IsNaN(output[output.Rows - 1, 0]));
    }
}
