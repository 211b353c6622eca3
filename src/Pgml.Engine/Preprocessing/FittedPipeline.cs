using System.Runtime.CompilerServices;
using Pgml.Engine.Data;

namespace Pgml.Engine.Preprocessing;

/// <summary>A category of a categorical position: its text, the value it encodes to, and its training rows.</summary>
/// <param name="Value">The category id for native, ordinal and one-hot encoding; the mean label for target encoding.</param>
/// <param name="Members">Training rows with this category (0 for an ordinal value absent from training).</param>
public sealed record Category(string Name, double Value, long Members);

/// <summary>
/// A preprocessing pipeline fitted on training rows (<see cref="PipelineFitter.Fit"/>) or loaded from a stored model
/// (<see cref="FromJson"/>). Immutable; use from one thread at a time or concurrently, it keeps no per-call state.
/// <para>Two stages, both allocation-free per row:</para>
/// <list type="number">
/// <item>Encoding: a categorical raw value becomes a category id (a float holding 0, 1, ..; NaN when missing or
/// unseen in training), from a reader's vocabulary code (<see cref="CodeToCategory(int)"/>) or from UTF-8 text
/// (<see cref="EncodeText"/>).</item>
/// <item><see cref="Transform"/>: per position, category id to its value (target mean, or the id itself), then
/// impute, then one-hot or scale.</item>
/// </list>
/// </summary>
public sealed partial class FittedPipeline
{
    private struct Step
    {
        public bool Categorical, OneHot, Scaled;
        public ImputeKind Impute;
        public double ImputeValue, Center, Divisor;
        public int Offset, Width;
        public double[]? Values; // category id -> value (categorical positions only)
    }

    private readonly Step[] _steps;
    private readonly Utf8Vocabulary?[] _vocabularies; // category text -> id, per categorical position
    private readonly Category[]?[] _categories;
    private readonly float[]?[] _codeMaps;              // reader code -> category id; only when fitted in this process
    private readonly Utf8Vocabulary?[] _readerVocabularies; // what _codeMaps were built from (to reuse them)
    private readonly string[] _outputNames;

    internal FittedPipeline(PreprocessSpec spec, long trainRows, FeatureStatistics[] statistics,
        Utf8Vocabulary?[] vocabularies, Category[]?[] categories, float[]?[] codeMaps, Utf8Vocabulary?[] readerVocabularies)
    {
        _readerVocabularies = readerVocabularies;
        Spec = spec;
        TrainRows = trainRows;
        Statistics = statistics;
        _vocabularies = vocabularies;
        _categories = categories;
        _codeMaps = codeMaps;

        var features = spec.Features;
        _steps = new Step[features.Count];
        var names = new List<string>();
        bool identity = true;
        for (int p = 0; p < _steps.Length; p++)
        {
            var c = spec.Positions[p];
            var s = statistics[p];
            ref Step step = ref _steps[p];
            step.Categorical = features[p].Kind == FeatureKind.Categorical;
            step.OneHot = c.Encode == EncodeKind.OneHot;
            step.Impute = c.Impute;
            step.ImputeValue = c.Impute switch
            {
                ImputeKind.Mean => s.Mean,
                ImputeKind.Median => s.Median,
                ImputeKind.Mode => s.Mode,
                ImputeKind.Min => s.Min,
                ImputeKind.Max => s.Max,
                _ => 0,
            };
            (step.Center, step.Divisor) = c.Scale switch
            {
                ScaleKind.Standard => (s.Mean, s.StdDev),
                ScaleKind.MinMax => (s.Min, s.Max - s.Min),
                ScaleKind.MaxAbs => (0, s.MaxAbs),
                ScaleKind.Robust => (s.Median, s.P75 - s.P25),
                _ => (0, 1),
            };
            // Constant (or all-missing) training values: centre without dividing, like scikit-learn, so the
            // training values become 0 and nothing is divided by zero.
            if (!double.IsFinite(step.Divisor) || step.Divisor == 0) step.Divisor = 1;
            if (!double.IsFinite(step.Center)) step.Center = 0;
            step.Scaled = c.Scale != ScaleKind.Preserve;
            step.Offset = names.Count;
            if (step.Categorical)
            {
                var cats = categories[p]!;
                step.Values = new double[cats.Length];
                for (int i = 0; i < cats.Length; i++) step.Values[i] = step.OneHot ? i : cats[i].Value;
            }
            if (step.OneHot)
            {
                foreach (var cat in categories[p]!) names.Add($"{features[p].Name}={cat.Name}");
                step.Width = categories[p]!.Length;
            }
            else
            {
                names.Add(features[p].Name);
                step.Width = 1;
            }
            identity &= !step.Categorical && !step.Scaled && step.Impute == ImputeKind.None;
            HasCategorical |= step.Categorical;
        }
        _outputNames = [.. names];
        IsIdentity = identity;
    }

    public PreprocessSpec Spec { get; }
    public IReadOnlyList<RawFeature> Features => Spec.Features;

    /// <summary>Training rows the statistics come from.</summary>
    public long TrainRows { get; }

    /// <summary>Per raw position.</summary>
    public IReadOnlyList<FeatureStatistics> Statistics { get; }

    /// <summary>Raw positions.</summary>
    public int InputWidth => _steps.Length;

    /// <summary>Model inputs: one per position, K per one-hot position with K categories.</summary>
    public int OutputWidth => _outputNames.Length;

    public bool HasCategorical { get; }

    /// <summary>Every position is numeric, without impute and scale: <see cref="Transform"/> copies its input.</summary>
    public bool IsIdentity { get; }

    /// <summary>The model's feature names: the position's name, or "name=category" for one-hot outputs.</summary>
    public IReadOnlyList<string> OutputNames => _outputNames;

    /// <summary>The first output of <paramref name="position"/>.</summary>
    public int OutputOffset(int position) => _steps[position].Offset;

    /// <summary>The categories of a categorical position, indexed by category id; empty for a numeric position.</summary>
    public IReadOnlyList<Category> GetCategories(int position) => _categories[position] ?? [];

    /// <summary>
    /// The category id (as a float) of each code of the vocabulary the pipeline was fitted with, NaN for codes not
    /// seen in the training rows. Only for a pipeline fitted in this process; see the overload for any vocabulary.
    /// </summary>
    public ReadOnlySpan<float> CodeToCategory(int position)
    {
        if (_steps[position].Categorical && _codeMaps[position] is null)
            throw new InvalidOperationException("a loaded pipeline has no reader vocabulary: use CodeToCategory(position, vocabulary)");
        return _codeMaps[position] ?? throw new ArgumentException($"position {position} ({Features[position].Name}) is numeric", nameof(position));
    }

    /// <summary>The category id of each code of <paramref name="readerVocabulary"/>, NaN for unknown values.</summary>
    public float[] CodeToCategory(int position, Utf8Vocabulary readerVocabulary)
    {
        var vocabulary = CategoryVocabulary(position);
        var map = new float[readerVocabulary.Count];
        for (int code = 0; code < map.Length; code++)
            map[code] = vocabulary.TryGet(readerVocabulary.GetUtf8(code), out int id) ? id : float.NaN;
        return map;
    }

    /// <summary>The category id of a text value (UTF-8) at a categorical position; NaN when training never saw it.</summary>
    public float EncodeText(int position, ReadOnlySpan<byte> utf8) =>
        CategoryVocabulary(position).TryGet(utf8, out int id) ? id : float.NaN;

    private Utf8Vocabulary CategoryVocabulary(int position) =>
        _vocabularies[position] ?? throw new ArgumentException($"position {position} ({Features[position].Name}) is numeric", nameof(position));

    /// <summary>
    /// Preprocesses one row. <paramref name="encoded"/> holds <see cref="InputWidth"/> values: numbers, or category
    /// ids at categorical positions (an id that is not one of the position's categories counts as unseen); NaN =
    /// missing. Writes <see cref="OutputWidth"/> values. A missing one-hot value (NULL or unseen, not imputed) writes
    /// all zeros; any other missing value that is not imputed stays NaN.
    /// </summary>
    /// <exception cref="InvalidDataException">A value is missing at a position whose impute is "error".</exception>
    public void Transform(ReadOnlySpan<float> encoded, Span<float> output)
    {
        if (encoded.Length != _steps.Length) throw new ArgumentException($"expected {_steps.Length} raw values, got {encoded.Length}", nameof(encoded));
        if (output.Length != _outputNames.Length) throw new ArgumentException($"expected room for {_outputNames.Length} outputs, got {output.Length}", nameof(output));
        var steps = _steps;
        for (int p = 0; p < steps.Length; p++)
        {
            ref readonly Step s = ref steps[p];
            double v = encoded[p];
            if (s.Values is { } values)
                v = v >= 0 && v < values.Length && v == Math.Floor(v) ? values[(int)v] : double.NaN;
            if (double.IsNaN(v))
            {
                if (s.Impute == ImputeKind.Error) ThrowMissing(p);
                if (s.Impute != ImputeKind.None) v = s.ImputeValue;
            }
            if (s.OneHot)
            {
                var dst = output.Slice(s.Offset, s.Width);
                dst.Clear();
                if (v >= 0 && v < s.Width) dst[(int)v] = 1;
            }
            else
            {
                output[s.Offset] = s.Scaled ? (float)((v - s.Center) / s.Divisor) : (float)v;
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowMissing(int position)
    {
        var f = Features[position];
        bool categorical = f.Kind == FeatureKind.Categorical;
        throw new InvalidDataException(
            $"{f.Name} is missing a value ({(categorical ? "NULL, or a category not seen in training" : "NULL")}), and the preprocessor of column \"{f.Column}\" says impute: \"error\"",
            $"Provide a value for {f.Column}, or retrain with an impute strategy, e.g. preprocess => '{{\"{f.Column}\": {{\"impute\": \"{(categorical ? "mode" : "mean")}\"}}}}'.");
    }

    /// <summary>
    /// Appends <paramref name="rows"/> preprocessed rows of <paramref name="raw"/> (reader codes at categorical
    /// positions, mapped with the vocabularies the pipeline was fitted with), starting at <paramref name="fromRow"/>,
    /// to <paramref name="output"/> (<see cref="OutputWidth"/> columns). On an error nothing is appended.
    /// </summary>
    public void TransformRows(NativeMatrix raw, long fromRow, long rows, NativeMatrix output)
    {
        for (int p = 0; p < _steps.Length; p++)
            if (_steps[p].Categorical && _codeMaps[p] is null)
                throw new InvalidOperationException("a loaded pipeline has no reader vocabulary: pass the vocabularies the rows were read with");
        TransformRowsCore(raw, fromRow, rows, output, _codeMaps);
    }

    /// <summary>
    /// As the other overload, with the vocabularies (per raw position; null for numeric) the rows were read with.
    /// The fitted code maps are reused when these are the vocabularies the pipeline was fitted with and have not
    /// grown since; otherwise the maps are rebuilt, once per call.
    /// </summary>
    public void TransformRows(NativeMatrix raw, long fromRow, long rows, NativeMatrix output, IReadOnlyList<Utf8Vocabulary?> vocabularies)
    {
        if (vocabularies.Count != _steps.Length) throw new ArgumentException($"expected {_steps.Length} vocabularies, got {vocabularies.Count}", nameof(vocabularies));
        var maps = new float[]?[_steps.Length];
        for (int p = 0; p < maps.Length; p++)
        {
            if (!_steps[p].Categorical) continue;
            var v = vocabularies[p] ?? throw new ArgumentException($"position {p} ({Features[p].Name}) is categorical and needs a vocabulary", nameof(vocabularies));
            // A vocabulary only grows, so the same object with the same count has the same codes.
            maps[p] = ReferenceEquals(v, _readerVocabularies[p]) && _codeMaps[p] is { } fitted && fitted.Length == v.Count
                ? fitted
                : CodeToCategory(p, v);
        }
        TransformRowsCore(raw, fromRow, rows, output, maps);
    }

    private unsafe void TransformRowsCore(NativeMatrix raw, long fromRow, long rows, NativeMatrix output, float[]?[] maps)
    {
        if (raw.Columns != InputWidth) throw new ArgumentException($"expected {InputWidth} raw columns, got {raw.Columns}", nameof(raw));
        if (output.Columns != OutputWidth) throw new ArgumentException($"expected {OutputWidth} output columns, got {output.Columns}", nameof(output));
        if (ReferenceEquals(raw, output)) throw new ArgumentException("raw and output must be different matrices", nameof(output));
        if (fromRow < 0 || rows < 0 || fromRow > raw.Rows - rows) throw new ArgumentOutOfRangeException(nameof(rows), $"rows [{fromRow}, {fromRow + rows}) are outside the {raw.Rows} raw rows");

        int inWidth = InputWidth, outWidth = OutputWidth;
        float* dst = output.Reserve(rows); // reserve first: it may move output's memory, never raw's
        float* src = raw.Data + fromRow * inWidth;
        if (IsIdentity)
        {
            long bytes = rows * inWidth * sizeof(float);
            Buffer.MemoryCopy(src, dst, bytes, bytes);
            output.Commit(rows);
            return;
        }

        var scratch = new float[inWidth]; // once per call, not per row
        for (long r = 0; r < rows; r++)
        {
            new ReadOnlySpan<float>(src + r * inWidth, inWidth).CopyTo(scratch);
            for (int p = 0; p < maps.Length; p++)
            {
                if (maps[p] is not { } map) continue;
                float code = scratch[p];
                if (float.IsNaN(code)) continue;
                if (!(code >= 0 && code < map.Length && code == MathF.Floor(code))) ThrowBadCode(fromRow + r, p, code);
                scratch[p] = map[(int)code];
            }
            Transform(scratch, new Span<float>(dst + r * outWidth, outWidth));
        }
        output.Commit(rows);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowBadCode(long row, int position, float code) =>
        throw new ArgumentException($"raw row {row}, position {Features[position].Name}: {code} is not a code of the reader's vocabulary");
}
