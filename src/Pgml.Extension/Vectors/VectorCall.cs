using Pgml.Engine.Vectors;
using Pgml.Extension.Interop;

namespace Pgml.Extension.Vectors;

/// <summary>One call of a vector function: spans over the shim's arrays, the engine's kernel, no managed allocation.</summary>
internal static unsafe class VectorCall
{
    public static void Run(int opNumber, PgmlVector* a, PgmlVector* b, double scalar, void* output, double* number)
    {
        if (!VectorOps.IsDefined(opNumber))
            throw new PgmlException(SqlState.ExternalRoutineException, $"pgml.so asked for the vector operation {opNumber}, which this engine lacks",
                "pgml.so and pgml_engine.so come from different builds; reinstall both.");
        var op = (VectorOp)opNumber;
        var type = (a != null ? a : b)->ElemType;
        if (type == ElemType.Float4) Run<float>(op, a, b, scalar, output, number);
        else Run<double>(op, a, b, scalar, output, number);
    }

    private static void Run<T>(VectorOp op, PgmlVector* a, PgmlVector* b, double scalar, void* output, double* number)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var first = Span<T>(a);
        var second = Span<T>(b);
        if (VectorOps.GivesNumber(op))
            *number = VectorMath.Number(op, first, second);
        else
            VectorMath.Vector(op, first, second, scalar, hasState: a != null, new Span<T>(output, a != null ? a->N : b->N));
    }

    private static ReadOnlySpan<T> Span<T>(PgmlVector* v) where T : unmanaged =>
        v == null ? default : new ReadOnlySpan<T>(v->Data, v->N);
}
