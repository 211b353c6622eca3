using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pgml.Engine.Search;

public enum SearchKind { None, Grid, Random }

/// <summary>
/// pgml.train's search, hyperparams, search_params and search_args, validated: which hyperparameter combinations to
/// try and how to score them. Algorithm-agnostic: values are kept as raw JSON and checked by the algorithm's
/// <see cref="ICandidateEvaluator.Validate"/>. Immutable.
/// </summary>
/// <remarks>
/// Semantics follow PostgresML: search_params is an object of arrays; a key may not be in both hyperparams and
/// search_params; search_args takes n_iter (random search only, default 10) and cv (default 5 with a search, else 1).
/// search_params without search runs a grid search, as PostgresML does (see <see cref="Notices"/>); unlike PostgresML
/// it then cross-validates (cv 5) instead of choosing on the test split, unless cv 1 is asked for.
/// </remarks>
public sealed class SearchSpec
{
    /// <summary>Most candidates one search may fit (each cv times): a grid larger than this is refused.</summary>
    public const int MaxCandidates = 1000;

    public const int DefaultNIter = 10;
    public const int DefaultCv = 5;

    private static readonly string[] SearchArgKeys = ["cv", "n_iter"];

    // Sorted by key (ordinal), so candidates do not depend on the order the JSON was written in.
    private readonly KeyValuePair<string, string>[] _fixed;      // hyperparams: key -> raw JSON value
    private readonly KeyValuePair<string, string[]>[] _axes;     // search_params: key -> raw JSON values

    private SearchSpec(SearchKind kind, bool gridImplied, int nIter, int cv,
        KeyValuePair<string, string>[] fixedParams, KeyValuePair<string, string[]>[] axes, long combinations, List<string> notices)
    {
        Kind = kind;
        GridImplied = gridImplied;
        NIter = nIter;
        Cv = cv;
        _fixed = fixedParams;
        _axes = axes;
        CombinationCount = combinations;
        Notices = notices;
        SearchParameterNames = axes.Select(a => a.Key).ToArray();
    }

    public SearchKind Kind { get; }

    /// <summary>True when search_params came without search and a grid search was chosen for them.</summary>
    public bool GridImplied { get; }

    /// <summary>Candidates a random search samples (ignored by grid search).</summary>
    public int NIter { get; }

    /// <summary>Folds of the training split (&gt;= 2), or 1: fit on the training split, score on the test split.</summary>
    public int Cv { get; }

    /// <summary>The keys of search_params, sorted.</summary>
    public IReadOnlyList<string> SearchParameterNames { get; }

    /// <summary>Combinations in the full grid of search_params (1 without search).</summary>
    public long CombinationCount { get; }

    /// <summary>How many candidates <see cref="Candidates"/> returns.</summary>
    public int CandidateCount => Kind switch
    {
        SearchKind.None => 1,
        SearchKind.Random => (int)Math.Min(NIter, CombinationCount),
        _ => (int)CombinationCount,
    };

    /// <summary>
    /// Whether a search run has anything to do: a search, or cross-validation of hyperparams alone (cv &gt;= 2 without
    /// search, which PostgresML also honours). When false, train once on the training split as usual.
    /// </summary>
    public bool RunsSearch => Kind != SearchKind.None || Cv >= 2;

    /// <summary>Things the user should be told (as NOTICEs): implied grid search, ignored arguments.</summary>
    public IReadOnlyList<string> Notices { get; }

    /// <summary>
    /// Parses and validates the four arguments. <paramref name="search"/> is "grid", "random" or null; the JSON
    /// arguments may be null (or JSON null) for none.
    /// </summary>
    /// <exception cref="InvalidParameterException">Any invalid argument; the message says what was expected.</exception>
    public static SearchSpec Parse(string? search, string? hyperparamsJson, string? searchParamsJson, string? searchArgsJson)
    {
        SearchKind kind = search switch
        {
            null => SearchKind.None,
            "grid" => SearchKind.Grid,
            "random" => SearchKind.Random,
            _ => throw new InvalidParameterException(
                $"invalid search \"{search}\": expected \"grid\", \"random\" or NULL",
                "Use search => 'grid' to try every combination of search_params, or search => 'random' to try n_iter of them."),
        };

        var fixedParams = ParseHyperparams(hyperparamsJson);
        var axes = ParseSearchParams(searchParamsJson);
        var (nIter, cv, nIterGiven) = ParseSearchArgs(searchArgsJson);
        var notices = new List<string>();

        foreach (var axis in axes)
            if (fixedParams.Any(f => f.Key == axis.Key))
                throw new InvalidParameterException(
                    $"\"{axis.Key}\" cannot be present in both hyperparams and search_params",
                    $"Please choose one or the other: remove \"{axis.Key}\" from hyperparams to search it, or from search_params to fix it.");

        if (kind != SearchKind.None && axes.Length == 0)
            throw new InvalidParameterException(
                $"search => '{search}' needs search_params, the hyperparameter values to try; none were given",
                "Pass e.g. search_params => '{\"max_depth\": [2, 4, 6], \"eta\": [0.1, 0.3]}', or remove search to train once.");

        bool gridImplied = false;
        if (kind == SearchKind.None && axes.Length > 0)
        {
            kind = SearchKind.Grid;
            gridImplied = true;
        }

        if (cv is null) cv = kind == SearchKind.None ? 1 : DefaultCv;

        long combinations = 1;
        foreach (var axis in axes)
        {
            // Saturate rather than overflow: any count this large is refused or sampled anyway.
            combinations = combinations > long.MaxValue / axis.Value.Length ? long.MaxValue : combinations * axis.Value.Length;
        }

        if (kind == SearchKind.Grid && combinations > MaxCandidates)
            throw new InvalidParameterException(
                $"grid search over {DescribeCount(combinations)} combinations of search_params is too large: at most {MaxCandidates} are allowed",
                $"Use search => 'random' with search_args => '{{\"n_iter\": 50}}' to try a sample of them, or list fewer values.");

        if (gridImplied)
            notices.Add(string.Create(CultureInfo.InvariantCulture,
                $"search_params given without search: running a grid search over all {combinations} combinations, as PostgresML does, scored by {(cv == 1 ? "the test split (cv = 1)" : $"{cv}-fold cross-validation of the training split")}."));
        if (kind == SearchKind.Grid && nIterGiven)
            notices.Add("search_args n_iter is ignored by grid search, which tries every combination; use search => 'random' to sample n_iter of them.");
        if (kind == SearchKind.Random && nIter > combinations)
            notices.Add(string.Create(CultureInfo.InvariantCulture,
                $"n_iter = {nIter} but search_params have only {combinations} combinations: trying all of them."));

        return new SearchSpec(kind, gridImplied, nIter, cv.Value, fixedParams, axes, combinations, notices);
    }

    /// <summary>
    /// Each candidate's full hyperparameters as a compact JSON object: hyperparams plus one value of each search
    /// parameter, keys sorted. Grid: every combination, the last key varying fastest (scikit-learn's ParameterGrid
    /// order). Random: <see cref="NIter"/> distinct combinations drawn without replacement by a System.Random seeded
    /// with <paramref name="seed"/> (all of them when there are fewer), listed in grid order. Without a search: the
    /// hyperparams alone.
    /// </summary>
    public IReadOnlyList<string> Candidates(int seed)
    {
        if (Kind == SearchKind.None || _axes.Length == 0) return [Render(0)];
        if (Kind == SearchKind.Grid) return Enumerable.Range(0, (int)CombinationCount).Select(i => Render(i)).ToArray();

        long[] picked = Sample(CombinationCount, CandidateCount, new Random(seed));
        Array.Sort(picked);
        return picked.Select(Render).ToArray();
    }

    /// <summary>Floyd's algorithm: <paramref name="count"/> distinct values of 0..total-1, in count draws, without an array of total.</summary>
    private static long[] Sample(long total, int count, Random rng)
    {
        var chosen = new HashSet<long>();
        var order = new long[count];
        int n = 0;
        for (long j = total - count; j < total; j++)
        {
            long t = rng.NextInt64(j + 1);
            long pick = chosen.Contains(t) ? j : t;
            chosen.Add(pick);
            order[n++] = pick;
        }
        return order;
    }

    /// <summary>The candidate whose search-parameter choices are the mixed-radix digits of <paramref name="index"/>.</summary>
    private string Render(long index)
    {
        var choice = new int[_axes.Length];
        for (int a = _axes.Length - 1; a >= 0; a--)
        {
            int radix = _axes[a].Value.Length;
            choice[a] = (int)(index % radix);
            index /= radix;
        }

        // Merge the two sorted lists so the result is sorted as a whole.
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            int f = 0, s = 0;
            while (f < _fixed.Length || s < _axes.Length)
            {
                bool takeFixed = s == _axes.Length || (f < _fixed.Length && string.CompareOrdinal(_fixed[f].Key, _axes[s].Key) < 0);
                if (takeFixed)
                {
                    writer.WritePropertyName(_fixed[f].Key);
                    writer.WriteRawValue(_fixed[f].Value, skipInputValidation: true);
                    f++;
                }
                else
                {
                    writer.WritePropertyName(_axes[s].Key);
                    writer.WriteRawValue(_axes[s].Value[choice[s]], skipInputValidation: true);
                    s++;
                }
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static KeyValuePair<string, string>[] ParseHyperparams(string? json)
    {
        using var doc = ParseObject(json, "hyperparams", "'{\"max_depth\": 6, \"eta\": 0.3}'");
        if (doc is null) return [];
        var result = new List<KeyValuePair<string, string>>();
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            if (result.Any(r => r.Key == property.Name))
                throw new InvalidParameterException($"hyperparams give \"{property.Name}\" twice", "Keep only one of them.");
            result.Add(new(property.Name, Compact(property.Value)));
        }
        return [.. result.OrderBy(r => r.Key, StringComparer.Ordinal)];
    }

    private static KeyValuePair<string, string[]>[] ParseSearchParams(string? json)
    {
        using var doc = ParseObject(json, "search_params", "'{\"max_depth\": [2, 4, 6], \"eta\": [0.1, 0.3]}'");
        if (doc is null) return [];
        var result = new List<KeyValuePair<string, string[]>>();
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            string key = property.Name;
            if (result.Any(r => r.Key == key))
                throw new InvalidParameterException($"search_params give \"{key}\" twice", "Keep only one of them, with all the values to try in its array.");
            var value = property.Value;
            if (value.ValueKind != JsonValueKind.Array)
                throw new InvalidParameterException(
                    $"search_params \"{key}\" must be an array of the values to try, got {ParameterText.Describe(value)}",
                    $"Write e.g. {{\"{key}\": [{ParameterText.Shorten(value.GetRawText())}]}}, or move a single value to hyperparams.");
            int length = value.GetArrayLength();
            if (length == 0)
                throw new InvalidParameterException(
                    $"search_params \"{key}\" is an empty array: there is no value to try",
                    $"List at least one value, or remove \"{key}\" from search_params.");
            var values = new List<JsonElement>(length);
            // Values bucketed by a key that equal values share, then compared exactly within their bucket: linear in
            // the number of values (a list of 25,000 took 20 s when each value was compared with all before it).
            var seen = new Dictionary<string, List<JsonElement>>(length, StringComparer.Ordinal);
            foreach (var item in value.EnumerateArray())
            {
                string bucketKey = DuplicateBucket(item);
                if (!seen.TryGetValue(bucketKey, out var bucket)) seen[bucketKey] = bucket = [];
                // A repeated value would fit the same candidate twice (and bias a random search towards it).
                if (bucket.Any(v => JsonElement.DeepEquals(v, item)))
                    throw new InvalidParameterException(
                        $"search_params \"{key}\" lists the value {ParameterText.Shorten(item.GetRawText())} twice",
                        "List each value once.");
                bucket.Add(item);
                values.Add(item);
            }
            result.Add(new(key, values.Select(Compact).ToArray()));
        }
        return [.. result.OrderBy(r => r.Key, StringComparer.Ordinal)];
    }

    private static (int NIter, int? Cv, bool NIterGiven) ParseSearchArgs(string? json)
    {
        using var doc = ParseObject(json, "search_args", "'{\"n_iter\": 20, \"cv\": 5}'");
        int nIter = DefaultNIter;
        int? cv = null;
        bool nIterGiven = false;
        if (doc is null) return (nIter, cv, nIterGiven);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            string key = property.Name;
            if (!SearchArgKeys.Contains(key))
                throw new InvalidParameterException(
                    $"unknown search_args key \"{key}\"",
                    $"Valid keys: {string.Join(", ", SearchArgKeys)} (n_iter: candidates a random search tries; cv: cross-validation folds).");
            if (!seen.Add(key))
                throw new InvalidParameterException($"search_args give \"{key}\" twice", "Keep only one of them.");
            if (key == "n_iter")
            {
                nIter = Integer(key, property.Value, 1, MaxCandidates,
                    $"Set n_iter between 1 and {MaxCandidates}: the number of random candidates to try.");
                nIterGiven = true;
            }
            else
            {
                cv = Integer(key, property.Value, 1, int.MaxValue,
                    "Set cv to the number of cross-validation folds (at least 2; 5 is usual), or to 1 to score each candidate on the test split.");
            }
        }
        return (nIter, cv, nIterGiven);
    }

    private static int Integer(string key, JsonElement value, int min, int max, string hint)
    {
        // jsonb keeps 5.0 as written, so integral numbers in any notation are accepted.
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double d) && Math.Floor(d) == d)
        {
            if (d >= min && d <= max) return (int)d;
            string range = max == int.MaxValue ? $"at least {min}" : $"between {min} and {max}";
            throw new InvalidParameterException($"search_args \"{key}\" must be an integer {range}; got {ParameterText.Shorten(value.GetRawText())}", hint);
        }
        throw new InvalidParameterException($"search_args \"{key}\" must be an integer; got {ParameterText.Describe(value)}", hint);
    }

    /// <summary>Null for SQL NULL or JSON null; otherwise the document, which must hold an object.</summary>
    private static JsonDocument? ParseObject(string? json, string what, string example)
    {
        if (json is null) return null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidParameterException($"{what} is not valid JSON: {e.Message}", $"Pass a JSON object such as {example}.");
        }
        if (doc.RootElement.ValueKind == JsonValueKind.Null)
        {
            doc.Dispose();
            return null;
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            string got = ParameterText.Describe(doc.RootElement);
            doc.Dispose();
            throw new InvalidParameterException($"{what} must be a JSON object, got {got}", $"Pass a JSON object such as {example}.");
        }
        return doc;
    }

    /// <summary>The value without insignificant whitespace; numbers keep their text (jsonb keeps 4.0 as 4.0).</summary>
    private static string Compact(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
            value.WriteTo(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// A key that <see cref="JsonElement.DeepEquals"/>-equal values share: numbers by their double value (1 and 1.0
    /// meet), strings by their text, objects and arrays only by their size (rare as search values).
    /// </summary>
    private static string DuplicateBucket(JsonElement item) => item.ValueKind switch
    {
        JsonValueKind.Number => item.TryGetDouble(out double d) ? "n" + d.ToString("R", CultureInfo.InvariantCulture) : "n",
        JsonValueKind.String => "s" + item.GetString(),
        JsonValueKind.Array => "a" + item.GetArrayLength().ToString(CultureInfo.InvariantCulture),
        JsonValueKind.Object => "o" + item.EnumerateObject().Count().ToString(CultureInfo.InvariantCulture),
        _ => item.ValueKind.ToString(),
    };

    private static string DescribeCount(long n) => n == long.MaxValue ? "more than 9.2e18" : n.ToString(CultureInfo.InvariantCulture);


}
