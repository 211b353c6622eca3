using System.Text.Json;

namespace Pgml.Engine;

/// <summary>
/// The wording every parameter parser (XGBoost, LightGBM, search) uses in its errors: a JSON value described for a
/// message, and the valid key closest to a misspelt one.
/// </summary>
internal static class ParameterText
{
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string {Shorten(value.GetRawText())}",
        JsonValueKind.Number => $"the number {Shorten(value.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => $"the array {Shorten(value.GetRawText())}",
        JsonValueKind.Object => $"the object {Shorten(value.GetRawText())}",
        _ => Shorten(value.GetRawText()),
    };

    public static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";

    /// <summary>The valid key within two edits of <paramref name="key"/>, if any ("did you mean").</summary>
    public static string? Closest(string key, IEnumerable<string> validKeys) =>
        validKeys.Select(k => (Key: k, Distance: EditDistance(key, k)))
            .Where(c => c.Distance <= 2).OrderBy(c => c.Distance).Select(c => c.Key).FirstOrDefault();

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
