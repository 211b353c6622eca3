using System.Runtime.InteropServices;
using Pgml.Extension.Api;
using Pgml.Extension.Interop;
using Pgml.Extension.Prediction;

namespace Pgml.Extension;

/// <summary>
/// The entry points the C shim looks up with dlsym. Rule: no exception may leave an [UnmanagedCallersOnly] method
/// (the runtime would abort the backend and PostgreSQL would restart every connection), so each body is one
/// try/catch that turns the exception into a status code (see Pg.Fail).
/// </summary>
internal static unsafe class Exports
{
    [UnmanagedCallersOnly(EntryPoint = "pgml_cs_init")]
    public static int Init(PgmlCallbacks* callbacks)
    {
        try
        {
            Pg.Init(callbacks);
            return 0;
        }
        catch (Exception e)
        {
            return Pg.Fail(e);
        }
    }

    /// <summary>Every cold SQL function: arguments in text form, keyed by the SQL function's name.</summary>
    [UnmanagedCallersOnly(EntryPoint = "pgml_cs_invoke")]
    public static int Invoke(byte* function, int nargs, byte** args)
    {
        try
        {
            string name = Pg.ReadUtf8(function) ?? "";
            var values = new string?[nargs];
            for (int i = 0; i < nargs; i++) values[i] = Pg.ReadUtf8(args[i]);
            Functions.Invoke(name, values);
            return 0;
        }
        catch (Exception e)
        {
            return Pg.Fail(e);
        }
    }

    /// <summary>
    /// Every predict function (predict, predict_proba, predict_batch, predict_joint, predict_label): the hot path.
    /// Warm calls run no query and allocate nothing on the managed heap.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "pgml_cs_predict")]
    public static int Predict(int mode, byte* project, int projectLength, long modelId, PgmlInput* input,
        float** output, int* outputCount, byte** label, int* labelLength)
    {
        try
        {
            var model = project != null
                ? ModelCache.ForProject(new ReadOnlySpan<byte>(project, projectLength))
                : ModelCache.ForModel(modelId);
            int n = model.Predict((PredictMode)mode, input, out float* result, out byte* l, out int ll);
            if (output != null) *output = result;
            if (outputCount != null) *outputCount = n;
            if (label != null) *label = l;
            if (labelLength != null) *labelLength = ll;
            return 0;
        }
        catch (Exception e)
        {
            return Pg.Fail(e);
        }
    }

    /// <summary>
    /// The vector functions (pgml.add ... pgml.cosine_similarity) and the vector aggregates' steps: the engine's SIMD
    /// kernels over the arrays as PostgreSQL holds them, the result written into the array the shim allocated.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "pgml_cs_vector")]
    public static int Vector(int op, PgmlVector* a, PgmlVector* b, double scalar, void* output, double* number)
    {
        try
        {
            Vectors.VectorCall.Run(op, a, b, scalar, output, number);
            return 0;
        }
        catch (Exception e)
        {
            return Pg.Fail(e);
        }
    }
}
