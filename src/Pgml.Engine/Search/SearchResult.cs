using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Pgml.Engine.Search;

/// <summary>One candidate's validation scores and fit times, one per split, with their mean and population std.</summary>
public sealed class CandidateResult
{
    /// <param name="params">The candidate's hyperparameters as a JSON object.</param>
    /// <param name="splitScores">The metric on each split's validation rows.</param>
    /// <param name="fitTimes">Seconds each split's fit (and scoring) took.</param>
    public CandidateResult(string @params, IReadOnlyList<double> splitScores, IReadOnlyList<double> fitTimes)
    {
        if (splitScores.Count == 0 || splitScores.Count != fitTimes.Count)
            throw new ArgumentException($"{splitScores.Count} scores and {fitTimes.Count} fit times: need one of each per split");
        Params = @params;
        SplitScores = splitScores.ToArray();
        FitTimes = fitTimes.ToArray();
        (MeanScore, StdScore) = MeanStd(SplitScores);
        (MeanFitTime, StdFitTime) = MeanStd(FitTimes);
    }

    public string Params { get; }
    public IReadOnlyList<double> SplitScores { get; }
    public IReadOnlyList<double> FitTimes { get; }
    public double MeanScore { get; }

    /// <summary>Population standard deviation (divides by the number of splits), as scikit-learn's cv_results_.</summary>
    public double StdScore { get; }

    public double MeanFitTime { get; }
    public double StdFitTime { get; }

    internal static (double Mean, double Std) MeanStd(IReadOnlyList<double> values)
    {
        double sum = 0;
        foreach (double v in values) sum += v;
        double mean = sum / values.Count;
        double squares = 0;
        foreach (double v in values) squares += (v - mean) * (v - mean);
        return (mean, Math.Sqrt(squares / values.Count));
    }
}

/// <summary>The outcome of a hyperparameter search: every candidate's scores and the best one.</summary>
public sealed class SearchResult
{
    public SearchResult(string metric, int splits, IReadOnlyList<string> searchParameterNames, IReadOnlyList<CandidateResult> candidates)
    {
        if (candidates.Count == 0) throw new ArgumentException("a search needs at least one candidate", nameof(candidates));
        Metric = metric;
        Splits = splits;
        SearchParameterNames = searchParameterNames.ToArray();
        Candidates = candidates.ToArray();
        BestIndex = Best(Candidates);
    }

    /// <summary>The metric scored (higher is better), e.g. "r2".</summary>
    public string Metric { get; }

    /// <summary>Cross-validation folds, or 1 when candidates were scored on the test split.</summary>
    public int Splits { get; }

    public IReadOnlyList<string> SearchParameterNames { get; }
    public IReadOnlyList<CandidateResult> Candidates { get; }

    /// <summary>The candidate with the highest mean score; the first on ties. NaN means never win (unless all are NaN: 0).</summary>
    public int BestIndex { get; }

    public CandidateResult BestCandidate => Candidates[BestIndex];

    /// <summary>The best candidate's hyperparameters as a JSON object: what the final model is refit with.</summary>
    public string BestParams => BestCandidate.Params;

    private static int Best(IReadOnlyList<CandidateResult> candidates)
    {
        int best = 0;
        for (int i = 1; i < candidates.Count; i++)
            if (candidates[i].MeanScore > candidates[best].MeanScore || (double.IsNaN(candidates[best].MeanScore) && !double.IsNaN(candidates[i].MeanScore)))
                best = i;
        return best;
    }

    /// <summary>
    /// scikit-learn's cv_results_ in the shape PostgresML stores as metrics.search_results: one array per field, one
    /// entry per candidate ("params", "param_&lt;name&gt;", "mean_test_score", "std_test_score", "rank_test_score",
    /// "split&lt;k&gt;_test_score", "mean_fit_time", "std_fit_time"), then "best_index", "best_params", "best_score",
    /// "n_splits" and "metric". Times are in seconds; NaN scores are written as null.
    /// </summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("params");
            foreach (var c in Candidates) w.WriteRawValue(c.Params);
            w.WriteEndArray();

            foreach (string name in SearchParameterNames)
            {
                w.WriteStartArray("param_" + name);
                foreach (var c in Candidates)
                {
                    using var doc = JsonDocument.Parse(c.Params);
                    if (doc.RootElement.TryGetProperty(name, out var value)) value.WriteTo(w);
                    else w.WriteNullValue();
                }
                w.WriteEndArray();
            }

            WriteArray(w, "mean_test_score", c => c.MeanScore);
            WriteArray(w, "std_test_score", c => c.StdScore);
            w.WriteStartArray("rank_test_score");
            foreach (int rank in Ranks()) w.WriteNumberValue(rank);
            w.WriteEndArray();
            for (int s = 0; s < Splits; s++)
                WriteArray(w, $"split{s}_test_score", c => c.SplitScores[s]);
            WriteArray(w, "mean_fit_time", c => c.MeanFitTime);
            WriteArray(w, "std_fit_time", c => c.StdFitTime);

            w.WriteNumber("best_index", BestIndex);
            w.WritePropertyName("best_params");
            w.WriteRawValue(BestParams);
            w.WritePropertyName("best_score");
            WriteNumber(w, BestCandidate.MeanScore);
            w.WriteNumber("n_splits", Splits);
            w.WriteString("metric", Metric);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>scikit-learn's rank_test_score: 1 = best, ties share the lowest rank; NaN ranks last.</summary>
    private int[] Ranks()
    {
        var ranks = new int[Candidates.Count];
        for (int i = 0; i < ranks.Length; i++)
        {
            double mine = Candidates[i].MeanScore;
            int better = 0;
            foreach (var other in Candidates)
                if (double.IsNaN(mine) ? !double.IsNaN(other.MeanScore) : other.MeanScore > mine) better++;
            ranks[i] = better + 1;
        }
        return ranks;
    }

    private void WriteArray(Utf8JsonWriter w, string name, Func<CandidateResult, double> value)
    {
        w.WriteStartArray(name);
        foreach (var c in Candidates) WriteNumber(w, value(c));
        w.WriteEndArray();
    }

    // JSON has no NaN or infinity.
    private static void WriteNumber(Utf8JsonWriter w, double v)
    {
        if (double.IsFinite(v)) w.WriteNumberValue(v);
        else w.WriteNullValue();
    }
}
