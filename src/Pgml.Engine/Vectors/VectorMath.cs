using System.Numerics;
using System.Numerics.Tensors;

namespace Pgml.Engine.Vectors;

/// <summary>
/// PostgresML's vector functions over float32 (real[]) or float64 (double precision[]) spans, read in place: SIMD
/// through TensorPrimitives, no allocation. Defined answers where the arithmetic has none, documented in
/// docs/sql-reference.md: a zero vector normalizes to itself and has cosine similarity 0 with anything (as
/// scikit-learn's normalize and cosine_similarity do), so a similarity search never sorts a NaN first; an empty
/// vector has norm, distance and dot product 0; dividing by 0 is an error, as it is for PostgreSQL's own numbers.
/// </summary>
public static class VectorMath
{
    /// <summary>An operation that gives one number (VectorOps.GivesNumber), widened to double.</summary>
    public static double Number<T>(VectorOp op, ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (VectorOps.TakesTwoVectors(op)) SameLength(a, b);
        T result = op switch
        {
            VectorOp.NormL0 => T.CreateTruncating(a.Length - Zeros(a)),
            VectorOp.NormL1 => TensorPrimitives.SumOfMagnitudes(a),
            VectorOp.NormL2 => TensorPrimitives.Norm(a),
            VectorOp.NormMax => NormMax(a),
            VectorOp.DistanceL1 => DistanceL1(a, b),
            VectorOp.DistanceL2 => a.IsEmpty ? T.Zero : TensorPrimitives.Distance(a, b),
            VectorOp.DotProduct => TensorPrimitives.Dot(a, b),
            VectorOp.CosineSimilarity => Cosine(a, b),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not an operation that gives a number"),
        };
        return double.CreateTruncating(result);
    }

    /// <summary>
    /// An operation that gives a vector of a's length into <paramref name="output"/>. For an aggregate step, a is the
    /// state and b the row; <paramref name="hasState"/> false means the first row (a is unused).
    /// </summary>
    public static void Vector<T>(VectorOp op, ReadOnlySpan<T> a, ReadOnlySpan<T> b, double scalar, bool hasState, Span<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T s = T.CreateTruncating(scalar);
        if (op is >= VectorOp.SumStep && !hasState)
        {
            if (op is VectorOp.MinAbsStep or VectorOp.MaxAbsStep) TensorPrimitives.Abs(b, output);
            else b.CopyTo(output);
            return;
        }
        if (VectorOps.TakesTwoVectors(op)) SameLength(a, b);
        switch (op)
        {
            case VectorOp.AddScalar: TensorPrimitives.Add(a, s, output); break;
            case VectorOp.SubtractScalar: TensorPrimitives.Subtract(a, s, output); break;
            case VectorOp.MultiplyScalar: TensorPrimitives.Multiply(a, s, output); break;
            case VectorOp.DivideScalar:
                if (s == T.Zero) throw new DivisionByZeroException("division by zero: the divisor is 0",
                    "Leave such rows out, or turn the divisor into NULL (NULLIF(d, 0)) so that the result is NULL.");
                TensorPrimitives.Divide(a, s, output);
                break;
            case VectorOp.Add or VectorOp.SumStep: TensorPrimitives.Add(a, b, output); break;
            case VectorOp.Subtract: TensorPrimitives.Subtract(a, b, output); break;
            case VectorOp.Multiply: TensorPrimitives.Multiply(a, b, output); break;
            case VectorOp.Divide:
                if (IndexOfZero(b) is int zero and >= 0)
                    throw new DivisionByZeroException($"division by zero: element {zero + 1} of the divisor is 0",
                        "Replace the zeros first, or leave such rows out.");
                TensorPrimitives.Divide(a, b, output);
                break;
            case VectorOp.NormalizeL1: Normalize(a, TensorPrimitives.SumOfMagnitudes(a), output); break;
            case VectorOp.NormalizeL2: Normalize(a, TensorPrimitives.Norm(a), output); break;
            case VectorOp.NormalizeMax: Normalize(a, NormMax(a), output); break;
            case VectorOp.MinStep: TensorPrimitives.Min(a, b, output); break;
            case VectorOp.MaxStep: TensorPrimitives.Max(a, b, output); break;
            // min(|a|, |b|) = |the one of smaller magnitude|; the state is already absolute, the row is not
            case VectorOp.MinAbsStep: TensorPrimitives.MinMagnitude(a, b, output); TensorPrimitives.Abs(output, output); break;
            case VectorOp.MaxAbsStep: TensorPrimitives.MaxMagnitude(a, b, output); TensorPrimitives.Abs(output, output); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, "not an operation that gives a vector");
        }
    }

    private static void SameLength<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
    {
        if (a.Length != b.Length)
            throw new DimensionMismatchException($"the vectors have different lengths: {a.Length} and {b.Length}",
                "Both arrays must have the same number of elements.");
    }

    private static T NormMax<T>(ReadOnlySpan<T> a) where T : unmanaged, IFloatingPointIeee754<T> =>
        a.IsEmpty ? T.Zero : T.Abs(TensorPrimitives.MaxMagnitude(a));

    private static void Normalize<T>(ReadOnlySpan<T> a, T norm, Span<T> output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (norm == T.Zero) a.CopyTo(output);
        else TensorPrimitives.Divide(a, norm, output);
    }

    /// <summary>
    /// a·b / sqrt(|a|² |b|²): the three sums in one SIMD pass (written here: TensorPrimitives has them only as three
    /// passes, 1.3x slower in a similarity search), the division in double. TensorPrimitives.CosineSimilarity divides
    /// by |a| |b| in T, which makes a float32 vector 0.99999994 similar to itself; this gives it 1.
    /// </summary>
    private static T Cosine<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var dots = System.Numerics.Vector<T>.Zero;
        var aas = System.Numerics.Vector<T>.Zero;
        var bbs = System.Numerics.Vector<T>.Zero;
        int i = 0;
        for (; i <= a.Length - System.Numerics.Vector<T>.Count; i += System.Numerics.Vector<T>.Count)
        {
            var x = new System.Numerics.Vector<T>(a[i..]);
            var y = new System.Numerics.Vector<T>(b[i..]);
            dots += x * y;
            aas += x * x;
            bbs += y * y;
        }
        T dot = System.Numerics.Vector.Sum(dots), aa = System.Numerics.Vector.Sum(aas), bb = System.Numerics.Vector.Sum(bbs);
        for (; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        // a zero vector (0/0) gives 0, so it never sorts first; NaN elements stay NaN
        if (aa == T.Zero || bb == T.Zero) return T.IsNaN(dot) ? T.NaN : T.Zero;
        return T.CreateTruncating(double.CreateTruncating(dot) / Math.Sqrt(double.CreateTruncating(aa) * double.CreateTruncating(bb)));
    }

    /// <summary>Sum of |a - b|, through a small stack buffer so that nothing is allocated.</summary>
    private static T DistanceL1<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int Chunk = 256;
        Span<T> difference = stackalloc T[Chunk];
        T sum = T.Zero;
        for (int i = 0; i < a.Length; i += Chunk)
        {
            int n = Math.Min(Chunk, a.Length - i);
            TensorPrimitives.Subtract(a.Slice(i, n), b.Slice(i, n), difference[..n]);
            sum += TensorPrimitives.SumOfMagnitudes<T>(difference[..n]);
        }
        return sum;
    }

    private static int Zeros<T>(ReadOnlySpan<T> a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int zeros = 0;
        foreach (T x in a)
            if (x == T.Zero) zeros++;
        return zeros;
    }

    /// <summary>The first element equal to 0 (either sign), or -1.</summary>
    private static int IndexOfZero<T>(ReadOnlySpan<T> a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.IsEmpty) return -1;
        int smallest = TensorPrimitives.IndexOfMinMagnitude(a);
        if (a[smallest] == T.Zero) return smallest;
        if (!T.IsNaN(a[smallest])) return -1;
        for (int i = 0; i < a.Length; i++)   // a NaN hides the minimum: look at every element
            if (a[i] == T.Zero) return i;
        return -1;
    }
}
