using System.Text.Json;

namespace Pgml.Engine.Models;

/// <summary>The header every JSON file pgml stores with a model begins with: a format_version this pgml must know.</summary>
internal static class VersionedJson
{
    /// <summary>
    /// Parses <paramref name="json"/>, refusing a version newer than
    /// <paramref name="readsUpTo"/> (a later pgml wrote it) or below 1. <paramref name="what"/> names the file in
    /// messages, e.g. "the model's preprocessing pipeline". The caller disposes the document.
    /// </summary>
    public static JsonDocument Open(ReadOnlySpan<byte> json, int readsUpTo, string what)
    {
        var doc = JsonDocument.Parse(json.ToArray());
        try
        {
            int version = doc.RootElement.GetProperty("format_version").GetInt32();
            if (version > readsUpTo)
                throw new ModelFormatException(
                    $"{what} was stored by a newer pgml (format {version}; this pgml reads up to {readsUpTo})",
                    "Upgrade pgml, or retrain the model with this version.");
            if (version < 1)
                throw new ModelFormatException($"{what} has an invalid format_version {version}", "Retrain the model: its stored files are damaged.");
            return doc;
        }
        catch
        {
            doc.Dispose();
            throw;
        }
    }
}
