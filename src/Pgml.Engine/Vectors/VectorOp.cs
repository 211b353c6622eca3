namespace Pgml.Engine.Vectors;

/// <summary>
/// PostgresML's vector functions and the steps of its vector aggregates. The numbers are part of the ABI between the
/// C shim and the engine (extension/src/pgml_abi.h, enum PgmlVectorOp): append, never renumber.
/// </summary>
public enum VectorOp
{
    // element-wise with a scalar: a vector out
    AddScalar = 0, SubtractScalar = 1, MultiplyScalar = 2, DivideScalar = 3,
    // element-wise with a vector of the same length: a vector out
    Add = 4, Subtract = 5, Multiply = 6, Divide = 7,
    // one vector: a number out
    NormL0 = 8, NormL1 = 9, NormL2 = 10, NormMax = 11,
    // one vector: a vector out
    NormalizeL1 = 12, NormalizeL2 = 13, NormalizeMax = 14,
    // two vectors: a number out
    DistanceL1 = 15, DistanceL2 = 16, DotProduct = 17, CosineSimilarity = 18,
    // aggregate steps, state and row of the same length (the first row: the row itself, or its absolute values)
    SumStep = 19, MinStep = 20, MaxStep = 21, MinAbsStep = 22, MaxAbsStep = 23,
}

public static class VectorOps
{
    /// <summary>Whether the operation gives one number rather than a vector.</summary>
    public static bool GivesNumber(VectorOp op) => op is >= VectorOp.NormL0 and <= VectorOp.NormMax or >= VectorOp.DistanceL1 and <= VectorOp.CosineSimilarity;

    /// <summary>Whether the operation reads a second vector.</summary>
    public static bool TakesTwoVectors(VectorOp op) => op is >= VectorOp.Add and <= VectorOp.Divide or >= VectorOp.DistanceL1;

    public static bool IsDefined(int op) => op is >= (int)VectorOp.AddScalar and <= (int)VectorOp.MaxAbsStep;
}
