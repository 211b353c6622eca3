using Pgml.Extension.Interop;

namespace Pgml.Extension.Training;

/// <summary>
/// Checks that a user's relation name is a (possibly schema-qualified, possibly quoted) identifier before the catalog
/// resolves it, so text such as 't; DROP TABLE t' gets pgml's own clear error instead of PostgreSQL's bare
/// "invalid name syntax" with pgml's internal query as context.
/// </summary>
internal static class RelationName
{
    public static void Validate(string name)
    {
        int i = 0, parts = 0;
        while (true)
        {
            SkipSpaces(name, ref i);
            if (i < name.Length && name[i] == '"')
            {
                i++;
                int start = i;
                while (true)
                {
                    if (i >= name.Length) Fail(name);
                    if (name[i] == '"')
                    {
                        if (i + 1 < name.Length && name[i + 1] == '"') { i += 2; continue; }
                        break;
                    }
                    i++;
                }
                if (i == start) Fail(name);   // "" is not an identifier
                i++;
            }
            else
            {
                if (i >= name.Length || !(char.IsLetter(name[i]) || name[i] == '_' || name[i] > 127)) Fail(name);
                while (i < name.Length && (char.IsLetterOrDigit(name[i]) || name[i] is '_' or '$' || name[i] > 127)) i++;
            }
            parts++;
            SkipSpaces(name, ref i);
            if (i == name.Length) break;
            if (name[i] != '.' || parts == 3) Fail(name);
            i++;
        }
    }

    private static void SkipSpaces(string s, ref int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
    }

    private static void Fail(string name) =>
        throw new PgmlException(SqlState.InvalidName, $"\"{name}\" is not a valid relation name",
            "Pass a table or view name, optionally schema-qualified (schema.table); quote names with capitals or spaces: '\"My Table\"'.");
}
