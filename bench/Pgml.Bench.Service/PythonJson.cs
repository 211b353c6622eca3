using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pgml.Bench.Service;

/// <summary>
/// Python's <c>json.dumps</c> with its defaults (separators ", " and ": ", ensure_ascii, floats as <c>repr</c>), for a
/// document parsed the way Python's <c>json.loads</c> parses it: a number without '.', 'e' or 'E' is an int, any other
/// number a float. The original service builds its Redis key with <c>json.dumps(request.json)</c>, and the loader
/// stores keys with <c>json.dumps</c>, so the key is these exact bytes: <c>[14869,2021,1,22]</c> becomes
/// <c>[14869, 2021, 1, 22]</c> and <c>[14869.0,2021,1,22]</c> becomes <c>[14869.0, 2021, 1, 22]</c>.
/// </summary>
public static class PythonJson
{
    public static string Dumps(JsonElement element)
    {
        var sb = new StringBuilder(64);
        Write(sb, element);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Array:
                sb.Append('[');
                bool first = true;
                foreach (JsonElement item in e.EnumerateArray())
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    Write(sb, item);
                }
                sb.Append(']');
                break;
            case JsonValueKind.Object:
                // A Python dict keeps a repeated key at its first position with its last value.
                var keys = new List<string>();
                var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (JsonProperty p in e.EnumerateObject())
                {
                    if (!values.ContainsKey(p.Name)) keys.Add(p.Name);
                    values[p.Name] = p.Value;
                }
                sb.Append('{');
                for (int i = 0; i < keys.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    WriteString(sb, keys[i]);
                    sb.Append(": ");
                    Write(sb, values[keys[i]]);
                }
                sb.Append('}');
                break;
            case JsonValueKind.String:
                WriteString(sb, e.GetString()!);
                break;
            case JsonValueKind.Number:
                string raw = e.GetRawText();
                if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
                    sb.Append(raw == "-0" ? "0" : raw); // a Python int: arbitrary precision, printed as written
                else
                    sb.Append(FloatRepr(double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture)));
                break;
            case JsonValueKind.True: sb.Append("true"); break;
            case JsonValueKind.False: sb.Append("false"); break;
            case JsonValueKind.Null: sb.Append("null"); break;
            default: throw new InvalidOperationException($"unexpected JSON value kind {e.ValueKind}");
        }
    }

    /// <summary>A JSON string as <c>json.dumps</c> writes it with ensure_ascii: everything outside ' '..'~' escaped.</summary>
    public static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < ' ' || c > '~')
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>
    /// Python's <c>repr(float)</c>, which <c>json.dumps</c> and Flask's <c>jsonify</c> use: the shortest digits that
    /// round-trip, positional when the decimal exponent is in [-4, 16), with ".0" on integral values, otherwise
    /// <c>1.5e-05</c> / <c>1e+16</c> style; <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c> as <c>json.dumps</c> writes them.
    /// </summary>
    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsPositiveInfinity(d)) return "Infinity";
        if (double.IsNegativeInfinity(d)) return "-Infinity";
        bool negative = double.IsNegative(d);
        // .NET's "R" is the shortest round-trip string too; only its layout differs from Python's.
        string s = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        string mantissa = s;
        int exponent = 0;
        int ePos = s.IndexOfAny(['E', 'e']);
        if (ePos >= 0)
        {
            mantissa = s[..ePos];
            exponent = int.Parse(s.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
        int dot = mantissa.IndexOf('.');
        string digits = dot >= 0 ? mantissa.Remove(dot, 1) : mantissa;
        int decpt = (dot >= 0 ? dot : mantissa.Length) + exponent; // digits d1d2... mean 0.d1d2... × 10^decpt
        int lead = 0;
        while (lead < digits.Length && digits[lead] == '0') lead++;
        digits = digits[lead..];
        decpt -= lead;
        digits = digits.TrimEnd('0');

        var sb = new StringBuilder(32);
        if (negative) sb.Append('-');
        if (digits.Length == 0)
            return sb.Append("0.0").ToString();
        if (decpt <= -4 || decpt > 16)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            int exp = decpt - 1;
            sb.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (decpt <= 0)
            sb.Append("0.").Append('0', -decpt).Append(digits);
        else if (decpt >= digits.Length)
            sb.Append(digits).Append('0', decpt - digits.Length).Append(".0");
        else
            sb.Append(digits, 0, decpt).Append('.').Append(digits, decpt, digits.Length - decpt);
        return sb.ToString();
    }
}
