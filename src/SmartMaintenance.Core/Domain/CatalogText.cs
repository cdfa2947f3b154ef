namespace SmartMaintenance.Domain;

/// <summary>
/// What the catalog's ids and texts may hold, one rule for every way in (the REST bodies, auto-registering ingest):
/// ids are a letter or digit, then letters, digits and <c>. _ : -</c>; texts hold no control characters but tab
/// and line breaks (a NUL or an escape sequence in a name or unit breaks exports, logs and terminals).
/// </summary>
public static class CatalogText
{
    /// <summary>The id rule as a regular expression, for request validation and the API documentation.</summary>
    public const string IdPattern = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$";

    public const int MaxIdLength = 128;

    public const int MaxUnitLength = 32;

    public static bool IsId(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty || text.Length > MaxIdLength || !char.IsAsciiLetterOrDigit(text[0]))
        {
            return false;
        }

        foreach (var c in text[1..])
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or ':' or '-'))
            {
                return false;
            }
        }

        return true;
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
}
