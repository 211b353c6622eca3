namespace Pgml.Engine.Tests.LinearFamily;

/// <summary>Held-out metrics for the randomized fits' comparisons, computed the same way for both sides' predictions.</summary>
internal static class Metrics
{
    public static double R2(float[] y, double[] predicted)
    {
        double mean = y.Average(v => (double)v), total = 0, residual = 0;
        for (int i = 0; i < y.Length; i++)
        {
            total += (y[i] - mean) * (y[i] - mean);
            residual += (y[i] - predicted[i]) * (y[i] - predicted[i]);
        }
        return 1 - residual / total;
    }

    public static double Accuracy(float[] y, double[] predicted) => y.Where((v, i) => v == predicted[i]).Count() / (double)y.Length;
}
