using System.Globalization;
using System.Text;

namespace Pgml.Bench.Service;

/// <summary>
/// Parses the Redis value: a flat JSON array of numbers as Python's <c>json.dumps</c> writes it, including the
/// <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> that Python writes (and <c>json.loads</c> reads) but standard
/// JSON parsers reject; <c>null</c> is a missing value too (numpy turns None into nan). Each number is parsed as a
/// double and then rounded to float, as Python (float) then XGBoost (float32) do.
/// </summary>
public static class FeatureList
{
    /// <summary>Fills <paramref name="into"/> and returns the number of values, or throws <see cref="FormatException"/>.</summary>
    public static int Parse(ReadOnlySpan<byte> json, Span<float> into)
    {
        int i = SkipSpace(json, 0);
        if (i >= json.Length || json[i] != (byte)'[') throw new FormatException("the stored features are not a JSON array");
        i = SkipSpace(json, i + 1);
        int n = 0;
        if (i < json.Length && json[i] == (byte)']')
            return End(json, i + 1, n);
        while (true)
        {
            int start = i;
            while (i < json.Length && json[i] != (byte)',' && json[i] != (byte)']' && !IsSpace(json[i])) i++;
            ReadOnlySpan<byte> token = json[start..i];
            if (n == into.Length) throw new FormatException($"more than {into.Length} stored features");
            into[n++] = ParseNumber(token);
            i = SkipSpace(json, i);
            if (i >= json.Length) throw new FormatException("the stored features' array is not closed");
            if (json[i] == (byte)']') return End(json, i + 1, n);
            if (json[i] != (byte)',') throw new FormatException("bad separator in the stored features");
            i = SkipSpace(json, i + 1);
        }
    }

    private static int End(ReadOnlySpan<byte> json, int i, int n)
    {
        if (SkipSpace(json, i) != json.Length) throw new FormatException("text after the stored features' array");
        return n;
    }

    private static float ParseNumber(ReadOnlySpan<byte> token)
    {
        if (token.SequenceEqual("NaN"u8) || token.SequenceEqual("null"u8)) return float.NaN;
        if (token.SequenceEqual("Infinity"u8)) return float.PositiveInfinity;
        if (token.SequenceEqual("-Infinity"u8)) return float.NegativeInfinity;
        if (token.IsEmpty || !double.TryParse(token, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out double d))
            throw new FormatException($"'{Encoding.UTF8.GetString(token)}' is not a number");
        return (float)d;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    private static int SkipSpace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && IsSpace(json[i])) i++;
        return i;
    }
}
