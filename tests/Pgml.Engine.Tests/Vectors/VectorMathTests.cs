using Pgml.Engine.Vectors;
using Xunit;

namespace Pgml.Engine.Tests.Vectors;

/// <summary>
/// The vector functions against the plain definitions, computed element by element in double on the same numbers,
/// for float32 and float64 vectors of lengths that cross the SIMD widths (0, 1, 7, 8, 9, 31, 384, 1000); the defined
/// answers for zero and empty vectors; the errors; and no allocation.
/// </summary>
public sealed class VectorMathTests
{
    private static readonly int[] Lengths = [0, 1, 7, 8, 9, 31, 384, 1000];

    private static (double[] A, double[] B) Pair(int n, int seed)
    {
        var rng = new Random(seed);
        double[] a = new double[n], b = new double[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = Math.Round(rng.NextDouble() * 8 - 4, 3);
            b[i] = Math.Round(rng.NextDouble() * 8 - 4, 3);
        }
        if (n > 3) a[2] = 0;   // norm_l0 counts only the others
        return (a, b);
    }

    private static double Reference(VectorOp op, double[] a, double[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return op switch
        {
            VectorOp.NormL0 => a.Count(x => x != 0),
            VectorOp.NormL1 => a.Sum(Math.Abs),
            VectorOp.NormL2 => Math.Sqrt(na),
            VectorOp.NormMax => a.Length == 0 ? 0 : a.Max(Math.Abs),
            VectorOp.DistanceL1 => a.Zip(b, (x, y) => Math.Abs(x - y)).Sum(),
            VectorOp.DistanceL2 => Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum()),
            VectorOp.DotProduct => dot,
            VectorOp.CosineSimilarity => na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb),
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };
    }

    private static double[] Reference(VectorOp op, double[] a, double[] b, double s)
    {
        double l1 = a.Sum(Math.Abs), l2 = Math.Sqrt(a.Sum(x => x * x)), max = a.Length == 0 ? 0 : a.Max(Math.Abs);
        return op switch
        {
            VectorOp.AddScalar => a.Select(x => x + s).ToArray(),
            VectorOp.SubtractScalar => a.Select(x => x - s).ToArray(),
            VectorOp.MultiplyScalar => a.Select(x => x * s).ToArray(),
            VectorOp.DivideScalar => a.Select(x => x / s).ToArray(),
            VectorOp.Add or VectorOp.SumStep => a.Zip(b, (x, y) => x + y).ToArray(),
            VectorOp.Subtract => a.Zip(b, (x, y) => x - y).ToArray(),
            VectorOp.Multiply => a.Zip(b, (x, y) => x * y).ToArray(),
            VectorOp.Divide => a.Zip(b, (x, y) => x / y).ToArray(),
            VectorOp.NormalizeL1 => a.Select(x => l1 == 0 ? x : x / l1).ToArray(),
            VectorOp.NormalizeL2 => a.Select(x => l2 == 0 ? x : x / l2).ToArray(),
            VectorOp.NormalizeMax => a.Select(x => max == 0 ? x : x / max).ToArray(),
            VectorOp.MinStep => a.Zip(b, Math.Min).ToArray(),
            VectorOp.MaxStep => a.Zip(b, Math.Max).ToArray(),
            VectorOp.MinAbsStep => a.Zip(b, (x, y) => Math.Min(Math.Abs(x), Math.Abs(y))).ToArray(),
            VectorOp.MaxAbsStep => a.Zip(b, (x, y) => Math.Max(Math.Abs(x), Math.Abs(y))).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };
    }

    public static TheoryData<VectorOp> NumberOps => new(Enum.GetValues<VectorOp>().Where(VectorOps.GivesNumber));

    public static TheoryData<VectorOp> VectorOpsList => new(Enum.GetValues<VectorOp>().Where(o => !VectorOps.GivesNumber(o)));

    [Theory, MemberData(nameof(NumberOps))]
    public void NumbersAreTheDefinitions(VectorOp op)
    {
        foreach (int n in Lengths)
        {
            var (a, b) = Pair(n, n + 7);
            double expected = Reference(op, a, b);
            double asDouble = VectorMath.Number<double>(op, a, b);
            Assert.True(Math.Abs(asDouble - expected) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{op} n={n}: {asDouble} vs {expected}");
            // float32: the inputs rounded to float, accumulated in float (about 1e-6 relative per element)
            float[] fa = a.Select(x => (float)x).ToArray(), fb = b.Select(x => (float)x).ToArray();
            double asFloat = VectorMath.Number<float>(op, fa, fb);
            double floatExpected = Reference(op, fa.Select(x => (double)x).ToArray(), fb.Select(x => (double)x).ToArray());
            Assert.True(Math.Abs(asFloat - floatExpected) <= 1e-5 * Math.Max(1, Math.Abs(floatExpected)) * Math.Max(1, Math.Sqrt(n)),
                $"{op} float n={n}: {asFloat} vs {floatExpected}");
        }
    }

    [Theory, MemberData(nameof(VectorOpsList))]
    public void VectorsAreTheDefinitions(VectorOp op)
    {
        foreach (int n in Lengths)
        {
            var (a, b) = Pair(n, n + 11);
            if (op == VectorOp.Divide) b = b.Select(x => x == 0 ? 0.5 : x).ToArray();
            double[] expected = Reference(op, a, b, 2.5);
            double[] output = new double[n];
            VectorMath.Vector<double>(op, a, b, 2.5, hasState: true, output);
            for (int i = 0; i < n; i++)
                Assert.True(Math.Abs(output[i] - expected[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])), $"{op} n={n} [{i}]: {output[i]} vs {expected[i]}");
            float[] fa = a.Select(x => (float)x).ToArray(), fb = b.Select(x => (float)x).ToArray();
            double[] fExpected = Reference(op, fa.Select(x => (double)x).ToArray(), fb.Select(x => (double)x).ToArray(), 2.5);
            float[] fOutput = new float[n];
            VectorMath.Vector<float>(op, fa, fb, 2.5, hasState: true, fOutput);
            for (int i = 0; i < n; i++)
                Assert.True(Math.Abs(fOutput[i] - fExpected[i]) <= 1e-5 * Math.Max(1, Math.Abs(fExpected[i])), $"{op} float n={n} [{i}]");
        }
    }

    [Theory]
    [InlineData(VectorOp.SumStep, new[] { 1.0, -5, 3 })]
    [InlineData(VectorOp.MinStep, new[] { 1.0, -5, 3 })]
    [InlineData(VectorOp.MaxStep, new[] { 1.0, -5, 3 })]
    [InlineData(VectorOp.MinAbsStep, new[] { 1.0, 5, 3 })]
    [InlineData(VectorOp.MaxAbsStep, new[] { 1.0, 5, 3 })]
    public void AnAggregatesFirstRowBecomesItsState(VectorOp op, double[] expected)
    {
        double[] output = new double[3];
        VectorMath.Vector<double>(op, default, [1, -5, 3], 0, hasState: false, output);
        Assert.Equal(expected, output);
    }

    [Fact]
    public void ZeroAndEmptyVectorsHaveDefinedAnswers()
    {
        double[] zero = [0, 0, 0], one = [1, 2, 3];
        Assert.Equal(0, VectorMath.Number<double>(VectorOp.CosineSimilarity, zero, one));
        Assert.Equal(0, VectorMath.Number<double>(VectorOp.CosineSimilarity, zero, zero));
        Assert.True(double.IsNaN(VectorMath.Number<double>(VectorOp.CosineSimilarity, [double.NaN, 1, 1], one)));
        var normalized = new double[3];
        VectorMath.Vector<double>(VectorOp.NormalizeL2, zero, default, 0, true, normalized);
        Assert.Equal(zero, normalized);
        foreach (var op in Enum.GetValues<VectorOp>().Where(VectorOps.GivesNumber))
            Assert.Equal(0, VectorMath.Number<float>(op, [], []));
    }

    [Fact]
    public void MismatchesAndZeroDivisorsAreErrors()
    {
        double[] output = new double[3];
        var e = Assert.Throws<DimensionMismatchException>(() => VectorMath.Number<double>(VectorOp.DotProduct, [1, 2, 3], [1, 2]));
        Assert.Contains("3 and 2", e.Message);
        Assert.Throws<DimensionMismatchException>(() => VectorMath.Vector<double>(VectorOp.SumStep, [1, 2, 3], [1, 2], 0, true, output));
        Assert.Throws<DivisionByZeroException>(() => VectorMath.Vector<double>(VectorOp.DivideScalar, [1, 2, 3], default, 0, true, output));
        var z = Assert.Throws<DivisionByZeroException>(() => VectorMath.Vector<float>(VectorOp.Divide, [1, 2, 3], [1, -0f, 2], 0, true, new float[3]));
        Assert.Contains("element 2", z.Message);
        // a NaN in the divisor does not hide a zero after it
        Assert.Throws<DivisionByZeroException>(() => VectorMath.Vector<float>(VectorOp.Divide, [1, 2, 3], [float.NaN, 2, 0], 0, true, new float[3]));
    }

    [Fact]
    public void NothingIsAllocated()
    {
        float[] a = new float[384], b = new float[384], output = new float[384];
        for (int i = 0; i < a.Length; i++) { a[i] = i % 7 - 3; b[i] = i % 5 - 2; }
        VectorOp[] ops = Enum.GetValues<VectorOp>();
        long bytes = Allocations.Fewest(() =>
        {
            foreach (var op in ops)
            {
                if (VectorOps.GivesNumber(op)) VectorMath.Number<float>(op, a, b);
                else if (op is not VectorOp.Divide) VectorMath.Vector<float>(op, a, b, 2, true, output);
            }
        });
        Assert.Equal(0, bytes);
    }
}
