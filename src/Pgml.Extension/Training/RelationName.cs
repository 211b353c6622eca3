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
        if (!IsIdentifier(name)) Fail(name);
    }

    /// <summary>
    /// PostgresML's reading of a name that is not an SQL identifier: split at the first dot, each side taken as it
    /// is (its examples train on 'pgml.jdxcosta/diamonds', the table "jdxcosta/diamonds" in schema pgml). pgml tries
    /// it only when the name is not an identifier, and only for a relation that exists under that literal name.
    /// </summary>
    public static (string Schema, string Table)? PostgresMLLiteral(string name)
    {
        if (IsIdentifier(name)) return null;
        int dot = name.IndexOf('.');
        return dot > 0 && dot < name.Length - 1 ? (name[..dot], name[(dot + 1)..]) : null;
    }

    public static PgmlException Invalid(string name) =>
        new(SqlState.InvalidName, $"\"{name}\" is not a valid relation name",
            "Pass a table or view name, optionally schema-qualified (schema.table); quote names with capitals or spaces: '\"My Table\"'.");

    private static bool IsIdentifier(string name)
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
                    if (i >= name.Length) return false;
                    if (name[i] == '"')
                    {
                        if (i + 1 < name.Length && name[i + 1] == '"') { i += 2; continue; }
                        break;
                    }
                    i++;
                }
                if (i == start) return false;   // "" is not an identifier
                i++;
            }
            else
            {
                if (i >= name.Length || !(char.IsLetter(name[i]) || name[i] == '_' || name[i] > 127)) return false;
                while (i < name.Length && (char.IsLetterOrDigit(name[i]) || name[i] is '_' or '$' || name[i] > 127)) i++;
            }
            parts++;
            SkipSpaces(name, ref i);
            if (i == name.Length) return true;
            if (name[i] != '.' || parts == 3) return false;
            i++;
        }
    }

    private static void SkipSpaces(string s, ref int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
    }

    private static void Fail(string name) => throw Invalid(name);
}
