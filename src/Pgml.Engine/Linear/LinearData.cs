using Pgml.Engine.Algorithms;

namespace Pgml.Engine.Linear;

/// <summary>Checks on training data shared by the linear family.</summary>
internal static unsafe class LinearData
{
    public static InvalidDataException NotFinite() => new(
        "linear models cannot train on NaN or infinite values (a feature or the label)",
        "Impute missing values (preprocess => '{\"column\": {\"impute\": \"mean\"}}') or filter the rows out.");

    /// <summary>One pass over the training rows and labels; the iterative solvers would otherwise just return NaN.</summary>
    public static void RequireFinite(TrainingSet data)
    {
        float* x = data.Features.Data;
        long count = data.TrainRows * data.NumFeatures;
        const long chunk = 1 << 20;
        for (long start = 0; start < count; start += chunk)
        {
            var span = new ReadOnlySpan<float>(x + start, (int)Math.Min(chunk, count - start));
            foreach (float v in span)
                if (!float.IsFinite(v)) throw NotFinite();
            data.CheckInterrupts();
        }
        foreach (float v in data.TrainLabels)
            if (!float.IsFinite(v)) throw NotFinite();
    }

    /// <summary>The class of each training row as an int, checked to be within 0 .. K - 1.</summary>
    public static int ClassOf(float label, int classes)
    {
        int c = (int)label;
        if (c != label || c < 0 || c >= classes)
            throw new InvalidDataException($"class label {label} is outside 0..{classes - 1}", "This is a bug in the caller of the linear models.");
        return c;
    }
}
