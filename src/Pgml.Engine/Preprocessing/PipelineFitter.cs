using Pgml.Engine.Data;

namespace Pgml.Engine.Preprocessing;

/// <summary>Fits a <see cref="FittedPipeline"/> on the training rows of a raw matrix.</summary>
public static class PipelineFitter
{
    /// <summary>Category ids and reader codes travel as float32, which holds integers exactly up to 2^24.</summary>
    public const int MaxCategories = 1 << 24;

    /// <summary>
    /// Fits the pipeline on the first <paramref name="trainRows"/> rows of <paramref name="raw"/> (the caller puts the
    /// training rows first; later rows are never read, so test rows cannot leak into the statistics).
    /// <para><paramref name="raw"/> has one column per feature: numbers, or at categorical positions the code of the
    /// value in that position's vocabulary (the reader's, holding every value of all rows); NaN = NULL.</para>
    /// <para>Categories are the values seen in the training rows, with ids in ascending order of their UTF-8 bytes
    /// (i.e. Unicode code point order), so they do not depend on row order or sampling; an ordinal encoding uses the
    /// user's order and must list every training value. Target encoding needs <paramref name="labels"/> (the training
    /// rows' labels; class index for classification).</para>
    /// </summary>
    /// <exception cref="InvalidDataException">Missing values where impute is "error"; a training value not in an
    /// ordinal list; nothing to impute from; infinite values where scaling is asked; too many categories.</exception>
    /// <exception cref="InvalidParameterException">Target encoding without labels.</exception>
    /// <param name="checkInterrupts">Called before each position (one pass and one sort of its training rows).</param>
    public static FittedPipeline Fit(IReadOnlyList<RawFeature> features, PreprocessSpec spec, NativeMatrix raw, long trainRows,
        ReadOnlySpan<float> labels, IReadOnlyList<Utf8Vocabulary?> vocabularies, Action? checkInterrupts = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(vocabularies);
        int n = features.Count;
        if (spec.Features.Count != n || !features.SequenceEqual(spec.Features))
            throw new ArgumentException("the spec was parsed for other features", nameof(spec));
        if (raw.Columns != n) throw new ArgumentException($"expected {n} raw columns, got {raw.Columns}", nameof(raw));
        if (trainRows < 0 || trainRows > raw.Rows) throw new ArgumentOutOfRangeException(nameof(trainRows), $"{trainRows} training rows of {raw.Rows}");
        if (!labels.IsEmpty && labels.Length != trainRows) throw new ArgumentException($"expected {trainRows} labels (one per training row), got {labels.Length}", nameof(labels));
        if (trainRows > Array.MaxLength) throw new InvalidDataException($"{trainRows} training rows are more than pgml can preprocess ({Array.MaxLength})", "Train on a sample of the rows, e.g. a VIEW with TABLESAMPLE.");
        if (vocabularies.Count != n) throw new ArgumentException($"expected {n} vocabularies (one per raw position), got {vocabularies.Count}", nameof(vocabularies));

        var statistics = new FeatureStatistics[n];
        var categoryVocabularies = new Utf8Vocabulary?[n];
        var categories = new Category[]?[n];
        var codeMaps = new float[]?[n];
        float[]? buffer = null;
        for (int p = 0; p < n; p++)
        {
            checkInterrupts?.Invoke();
            var c = spec.Positions[p];
            if (features[p].Kind == FeatureKind.Numeric)
            {
                buffer ??= GC.AllocateUninitializedArray<float>((int)Math.Min(trainRows, Array.MaxLength));
                statistics[p] = NumericStatistics(raw, p, trainRows, buffer);
                continue;
            }
            var reader = vocabularies[p] ?? throw new ArgumentException($"position {p} ({features[p].Name}) is categorical and needs a vocabulary", nameof(vocabularies));
            if (c.Encode == EncodeKind.Target && labels.IsEmpty)
                throw new InvalidParameterException(
                    $"encode \"target\" for column \"{features[p].Column}\" needs labels, and this task has none",
                    "Target encoding replaces each category by its mean label, so it works for supervised tasks only: use encode \"one_hot\" or \"native\".");
            FitCategorical(features[p], c, raw, p, trainRows, labels, reader,
                out categoryVocabularies[p], out categories[p], out codeMaps[p], out statistics[p]);
        }

        CheckImputeAndScale(features, spec, statistics, trainRows);
        return new FittedPipeline(spec, trainRows, statistics, categoryVocabularies, categories, codeMaps, [.. vocabularies]);
    }

    private static unsafe FeatureStatistics NumericStatistics(NativeMatrix raw, int p, long trainRows, float[] buffer)
    {
        float* data = raw.Data;
        int width = raw.Columns;
        int count = 0;
        for (long r = 0; r < trainRows; r++)
        {
            float v = data[r * width + p];
            if (float.IsNaN(v)) continue;
            // -0 and 0 compare equal, so which one a run would keep depended on the sort: keep +0 only.
            buffer[count++] = v == 0 ? 0f : v;
        }
        var values = buffer.AsSpan(0, count);
        values.Sort();
        return RunStatistics(values, trainRows - count);
    }

    private static FeatureStatistics RunStatistics(ReadOnlySpan<float> sorted, long missing)
    {
        int runs = 0;
        for (int i = 0; i < sorted.Length; i++)
            if (i == 0 || sorted[i] != sorted[i - 1]) runs++;
        var values = new double[runs];
        var counts = new long[runs];
        int k = -1;
        for (int i = 0; i < sorted.Length; i++)
        {
            if (i == 0 || sorted[i] != sorted[i - 1]) values[++k] = sorted[i];
            counts[k]++;
        }
        return FeatureStatistics.FromRuns(values, counts, missing);
    }

    private static unsafe void FitCategorical(RawFeature feature, ColumnPreprocess c, NativeMatrix raw, int p, long trainRows,
        ReadOnlySpan<float> labels, Utf8Vocabulary reader,
        out Utf8Vocabulary? vocabulary, out Category[]? categories, out float[]? codeMap, out FeatureStatistics statistics)
    {
        if (reader.Count > MaxCategories) throw TooManyCategories(feature, reader.Count);
        bool target = c.Encode == EncodeKind.Target;
        var codeRows = new long[reader.Count];
        var labelSums = target ? new double[reader.Count] : null;
        var labelRows = target ? new long[reader.Count] : null;
        long missing = 0;
        float* data = raw.Data;
        int width = raw.Columns;
        for (long r = 0; r < trainRows; r++)
        {
            float v = data[r * width + p];
            if (float.IsNaN(v)) { missing++; continue; }
            if (!(v >= 0 && v < reader.Count && v == MathF.Floor(v)))
                throw new ArgumentException($"raw row {r}, position {feature.Name}: {v} is not a code of the position's vocabulary ({reader.Count} values)");
            int code = (int)v;
            codeRows[code]++;
            if (target && !float.IsNaN(labels[(int)r]))
            {
                labelSums![code] += labels[(int)r];
                labelRows![code]++;
            }
        }

        vocabulary = new Utf8Vocabulary();
        if (c.Encode == EncodeKind.Ordinal)
        {
            foreach (var s in c.Ordinal!) vocabulary.GetOrAdd(System.Text.Encoding.UTF8.GetBytes(s));
            for (int code = 0; code < codeRows.Length; code++)
                if (codeRows[code] > 0 && !vocabulary.TryGet(reader.GetUtf8(code), out _))
                    throw new InvalidDataException(
                        $"the training rows of column \"{feature.Column}\" contain \"{reader[code]}\" ({codeRows[code]} rows), which its ordinal list does not name: expected one of {PreprocessSpec.JoinQuoted(c.Ordinal!, "or")}",
                        $"Add \"{reader[code]}\" to the ordinal list in its place, or filter those rows out in a VIEW.");
        }
        else
        {
            var seen = new List<int>();
            for (int code = 0; code < codeRows.Length; code++)
                if (codeRows[code] > 0) seen.Add(code);
            seen.Sort((a, b) => reader.GetUtf8(a).SequenceCompareTo(reader.GetUtf8(b)));
            foreach (int code in seen) vocabulary.GetOrAdd(reader.GetUtf8(code));
        }
        if (vocabulary.Count > MaxCategories) throw TooManyCategories(feature, vocabulary.Count);

        codeMap = new float[reader.Count];
        var members = new long[vocabulary.Count];
        var values = new double[vocabulary.Count];
        for (int id = 0; id < values.Length; id++) values[id] = id;
        for (int code = 0; code < codeMap.Length; code++)
        {
            if (!vocabulary.TryGet(reader.GetUtf8(code), out int id))
            {
                codeMap[code] = float.NaN;
                continue;
            }
            codeMap[code] = id;
            members[id] = codeRows[code];
            if (target) values[id] = labelRows![code] > 0 ? labelSums![code] / labelRows[code] : double.NaN;
        }

        categories = new Category[vocabulary.Count];
        for (int id = 0; id < categories.Length; id++) categories[id] = new Category(vocabulary[id], values[id], members[id]);

        // Statistics in value space: each category's value weighted by its training rows.
        var order = new List<int>();
        for (int id = 0; id < members.Length; id++)
            if (members[id] > 0 && !double.IsNaN(values[id])) order.Add(id);
        order.Sort((a, b) => values[a].CompareTo(values[b]));
        var runValues = new List<double>();
        var runCounts = new List<long>();
        foreach (int id in order)
        {
            if (runValues.Count > 0 && runValues[^1] == values[id]) runCounts[^1] += members[id];
            else
            {
                runValues.Add(values[id]);
                runCounts.Add(members[id]);
            }
        }
        // Missing counts NULLs only; rows whose target mean is undefined (all their labels NaN) are in neither count.
        statistics = FeatureStatistics.FromRuns([.. runValues], [.. runCounts], missing);
    }

    private static InvalidDataException TooManyCategories(RawFeature f, int count) => new(
        $"column \"{f.Column}\" has {count} distinct values; pgml handles at most {MaxCategories} per column",
        "Group rare values in a VIEW, or leave the column out.");

    private static void CheckImputeAndScale(IReadOnlyList<RawFeature> features, PreprocessSpec spec, FeatureStatistics[] statistics, long trainRows)
    {
        // impute "error": one message per column, counting all its positions.
        foreach (string column in spec.Columns)
        {
            var c = spec.ForColumn(column);
            if (c.Impute != ImputeKind.Error) continue;
            long missing = 0;
            bool categorical = false;
            for (int p = 0; p < features.Count; p++)
                if (features[p].Column == column)
                {
                    missing += statistics[p].Missing;
                    categorical = features[p].Kind == FeatureKind.Categorical;
                }
            if (missing > 0)
                throw new InvalidDataException(
                    $"{missing} missing values for column \"{column}\" in the training rows, and its preprocessor says impute: \"error\"",
                    $"You may provide a preprocessor to impute a value, e.g. preprocess => '{{\"{column}\": {{\"impute\": \"{(categorical ? "mode" : "mean")}\"}}}}', or filter the rows in a VIEW (WHERE {column} IS NOT NULL).");
        }

        for (int p = 0; p < features.Count; p++)
        {
            var c = spec.Positions[p];
            var s = statistics[p];
            if (c.Impute is ImputeKind.Mean or ImputeKind.Median or ImputeKind.Mode or ImputeKind.Min or ImputeKind.Max && s.Count == 0)
                throw new InvalidDataException(
                    $"cannot impute the {PreprocessSpec.Name(c.Impute)} of {features[p].Name}: {(trainRows == 0 ? "there are no training rows" : $"all {trainRows} training rows are missing it")}",
                    "Use {\"impute\": \"zero\"}, or fill the column in a VIEW.");
            if (c.Scale != ScaleKind.Preserve && s.Count > 0 && (double.IsInfinity(s.Min) || double.IsInfinity(s.Max)))
                throw new InvalidDataException(
                    $"cannot scale {features[p].Name} ({PreprocessSpec.Name(c.Scale)}): its training rows contain an infinite value (min {s.Min}, max {s.Max})",
                    $"Filter infinite values in a VIEW (WHERE {features[p].Column} <> 'Infinity' AND {features[p].Column} <> '-Infinity'), or use {{\"scale\": \"preserve\"}}.");
        }
    }
}
