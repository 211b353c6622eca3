using Pgml.Engine.Algorithms;
using Pgml.Engine.Forest;
using Pgml.Engine.Models;
using Xunit;

namespace Pgml.Engine.Tests.Forest;

/// <summary>Bytes with a valid checksum but an inconsistent forest (as a buggy or hostile writer could produce) are refused on load.</summary>
public class ForestFormatTests
{
    // One regression tree: node 0 splits feature 1 at 0.5 into leaves 1 (value 10) and 2 (value 20).
    private static byte[] Write(int[]? starts = null, int[]? feature = null, int[]? left = null, int[]? right = null, int[]? offset = null,
        float[]? values = null, float threshold = 0.5f, int features = 2, int outputs = 1, TaskKind task = TaskKind.Regression) =>
        new ModelWriter(ForestPredictor.Format, ForestPredictor.Version)
            .Int32((int)task).Int32(features).Int32(outputs)
            .Ints(starts ?? [0, 3]).Ints(feature ?? [1, -1, -1]).Floats([threshold, 0, 0])
            .Ints(left ?? [1, -1, -1]).Ints(right ?? [2, -1, -1]).Ints(offset ?? [-1, 0, 1]).Floats(values ?? [10f, 20f])
            .ToBytes();

    [Fact]
    public void A_consistent_handwritten_forest_loads_and_predicts()
    {
        var p = ModelFormats.Load(Write(), TaskKind.Regression);
        var o = new float[1];
        p.Predict([9f, 0.5f], o);
        Assert.Equal(10f, o[0]);   // <= goes left
        p.Predict([9f, 0.50001f], o);
        Assert.Equal(20f, o[0]);
        p.Predict([9f, float.NaN], o);   // never thrown on; NaN fails the <= test
        Assert.Equal(20f, o[0]);
    }

    public static TheoryData<string, byte[]> Broken() => new()
    {
        { "child before its parent (a cycle)", Write(left: [1, -1, -1], right: [0, -1, -1]) },
        { "child outside the tree", Write(right: [3, -1, -1]) },
        { "two parents", Write(left: [2, -1, -1]) },
        { "feature out of range", Write(feature: [2, -1, -1]) },
        { "leaf offset out of range", Write(offset: [-1, 0, 2]) },
        { "internal node with a leaf offset", Write(offset: [0, 0, 1]) },
        { "leaf with a child", Write(feature: [1, -1, -1], left: [1, 2, -1], right: [2, -1, -1]) },
        { "NaN threshold", Write(threshold: float.NaN) },
        { "tree table not covering the nodes", Write(starts: [0, 2]) },
        { "no tree", Write(starts: [0]) },
        { "regression with two outputs", Write(outputs: 2, values: [1, 2, 3, 4], offset: [-1, 0, 2]) },
        { "probability above 1", Write(task: TaskKind.Classification, outputs: 2, values: [0.5f, 0.5f, 1.5f, -0.5f], offset: [-1, 0, 2]) },
        { "infinite leaf value", Write(values: [float.PositiveInfinity, 1]) },
        { "no features", Write(features: 0) },
    };

    [Theory, MemberData(nameof(Broken))]
    public void Inconsistent_forests_are_format_errors(string what, byte[] bytes)
    {
        Assert.False(string.IsNullOrEmpty(what));
        var task = (TaskKind)BitConverter.ToInt32(bytes, ModelWriter.HeaderSize);
        Assert.Throws<ModelFormatException>(() => ModelFormats.Load(bytes, task));
    }
}
