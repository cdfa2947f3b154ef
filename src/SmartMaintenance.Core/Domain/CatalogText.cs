namespace SmartMaintenance.Domain;

/// <summary>
/// What the catalog's ids and texts may hold, one rule for every way in (the REST bodies, auto-registering ingest):
/// ids are a letter or digit, then letters, digits and <c>. _ : -</c>; texts hold no control characters but tab
/// and line breaks (a NUL or an escape sequence in a name or unit breaks exports, logs and terminals).
/// </summary>
public static partial class CatalogText
{
    /// <summary>The id rule as a regular expression, for request validation and the API documentation.</summary>
    public const string IdPattern = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$";

    public const int MaxUnitLength = 32;

    /// <summary>
    /// The id rule itself, for ids that do not pass through request validation (auto-registering ingest), matched as
    /// <c>[RegularExpression]</c> matches it: the whole text, so a trailing line break (which <c>$</c> lets by) is refused.
    /// </summary>
    public static bool IsId(ReadOnlySpan<char> text)
    {
        foreach (var match in Id().EnumerateMatches(text))
        {
            return match.Index == 0 && match.Length == text.Length;
        }

        return false;
    }

    /// <summary>True when the text holds a C0 control character other than tab, line feed and carriage return, or DEL.</summary>
    public static bool HasControlCharacters(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if ((c < ' ' && c is not ('\t' or '\n' or '\r')) || c == '\u007f')
            {
                return true;
            }
        }

        return false;
    }

    [System.Text.RegularExpressions.GeneratedRegex(IdPattern)]
    private static partial System.Text.RegularExpressions.Regex Id();
}
