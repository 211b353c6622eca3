using System.Runtime.InteropServices;

namespace Pgml.Engine.Boosting;

/// <summary>
/// The per-row state of a boosting fit, in native memory: R raw scores and what they predict (R doubles each), the
/// gradient and hessian being fitted (float32, the tree growers' input) and the leaf each row reached in the last tree.
/// About 16 R + 12 bytes a row.
/// </summary>
internal sealed unsafe class BoostingScratch : IDisposable
{
    public double* Raw { get; private set; }
    public double* Prob { get; private set; }
    public float* Gradient { get; private set; }
    public float* Hessian { get; private set; }
    public int* LeafOf { get; private set; }

    /// <summary>Every row's raw scores start at <paramref name="init"/>.</summary>
    public BoostingScratch(int rows, double[] init)
    {
        int scores = init.Length;
        Raw = (double*)NativeMemory.Alloc((nuint)rows * (nuint)scores, sizeof(double));
        Prob = (double*)NativeMemory.Alloc((nuint)rows * (nuint)scores, sizeof(double));
        Gradient = (float*)NativeMemory.Alloc((nuint)rows, sizeof(float));
        Hessian = (float*)NativeMemory.Alloc((nuint)rows, sizeof(float));
        LeafOf = (int*)NativeMemory.Alloc((nuint)rows, sizeof(int));
        for (long r = 0; r < rows; r++)
            for (int k = 0; k < scores; k++) Raw[r * scores + k] = init[k];
    }

    public void Dispose()
    {
        NativeMemory.Free(Raw);
        NativeMemory.Free(Prob);
        NativeMemory.Free(Gradient);
        NativeMemory.Free(Hessian);
        NativeMemory.Free(LeafOf);
        Raw = Prob = null;
        Gradient = Hessian = null;
        LeafOf = null;
    }
}
