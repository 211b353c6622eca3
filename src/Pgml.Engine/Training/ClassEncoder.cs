using System.Globalization;
using Pgml.Engine.Data;
using Pgml.Engine.Preprocessing;

namespace Pgml.Engine.Training;

/// <summary>The classes of a classification label, in class-index order: their values and, for text, their labels.</summary>
public sealed record ClassEncoding(double[] Classes, string[]? Labels);

/// <summary>
/// Replaces each classification label by its class index, so the same labels always give the same indices: numbers
/// and booleans sorted by value, text sorted by its UTF-8 bytes (the order text features' categories use).
/// </summary>
public static class ClassEncoder
{
    /// <summary>Labels are float32: integers at or beyond 2^24 would silently merge into one class.</summary>
    public const float ExactIntegerLimit = 16_777_216f;

    /// <param name="labels">The label matrix; column 0 holds the label (for text, the vocabulary's codes), rewritten in place.</param>
    /// <param name="vocabulary">The text label's values by code, or null for a numeric or boolean label.</param>
    /// <param name="labelName">The label column's name, for messages.</param>
    public static ClassEncoding Encode(NativeMatrix labels, Utf8Vocabulary? vocabulary, string labelName) =>
        vocabulary is null ? EncodeNumbers(labels, labelName) : EncodeText(labels, vocabulary, labelName);

    private static ClassEncoding EncodeText(NativeMatrix y, Utf8Vocabulary vocabulary, string name)
    {
        var texts = Enumerable.Range(0, vocabulary.Count).Select(i => vocabulary[i]).ToArray();
        var order = Enumerable.Range(0, texts.Length)
            .OrderBy(i => vocabulary.GetUtf8(i).ToArray(), Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).ToArray();
        var indexOfCode = new int[texts.Length];
        for (int k = 0; k < order.Length; k++) indexOfCode[order[k]] = k;
        RequireTwoClasses(texts.Length, name, texts.FirstOrDefault() ?? "");
        for (long r = 0; r < y.Rows; r++) y[r, 0] = indexOfCode[(int)y[r, 0]];
        return new ClassEncoding(Enumerable.Range(0, texts.Length).Select(i => (double)i).ToArray(), order.Select(i => texts[i]).ToArray());
    }

    private static ClassEncoding EncodeNumbers(NativeMatrix y, string name)
    {
        var distinct = new SortedSet<float>();
        for (long r = 0; r < y.Rows; r++)
        {
            if (Math.Abs(y[r, 0]) >= ExactIntegerLimit)
                throw new ValueOutOfRangeException(
                    $"the label column \"{name}\" has values at or beyond ±16,777,216, which pgml cannot tell apart exactly (it reads labels as float32)",
                    $"Map the labels to small integers or text in a VIEW, e.g. dense_rank() OVER (ORDER BY \"{name}\"), or cast them to text.");
            distinct.Add(y[r, 0]);
        }
        RequireTwoClasses(distinct.Count, name, distinct.Count > 0 ? distinct.Min.ToString(CultureInfo.InvariantCulture) : "");
        var classes = distinct.ToArray();
        var index = new Dictionary<float, int>(classes.Length);
        for (int i = 0; i < classes.Length; i++) index[classes[i]] = i;
        for (long r = 0; r < y.Rows; r++) y[r, 0] = index[y[r, 0]];
        return new ClassEncoding(classes.Select(c => (double)c).ToArray(), null);
    }

    private static void RequireTwoClasses(int count, string name, string value)
    {
        if (count < 2)
            throw new InvalidDataException(
                $"the label column \"{name}\" has a single value ({value}); classification needs at least two classes",
                "Train on rows with more than one label value, or use the regression task.");
    }
}
