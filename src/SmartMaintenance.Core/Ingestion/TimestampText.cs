using System.Globalization;

namespace SmartMaintenance.Ingestion;

/// <summary>ISO-8601 timestamp checks shared by the parsers.</summary>
public static class TimestampText
{
    /// <summary>True when the text ends in <c>Z</c> or a <c>±hh:mm</c> / <c>±hhmm</c> / <c>±hh</c> offset after the time.</summary>
    public static bool HasOffset<T>(ReadOnlySpan<T> text)
        where T : unmanaged, IEquatable<T>
    {
        var length = text.Length;
        if (length == 0)
        {
            return false;
        }

        var last = ToChar(text[length - 1]);
        if (last is 'Z' or 'z')
        {
            return true;
        }

        // Walk back over the offset's digits and an optional colon to find its sign; the sign must follow the 'T' part.
        var i = length - 1;
        var digits = 0;
        while (i >= 0 && (char.IsAsciiDigit(ToChar(text[i])) || ToChar(text[i]) == ':'))
        {
            digits += ToChar(text[i]) == ':' ? 0 : 1;
            i--;
        }

        if (i < 0 || digits is not (2 or 4) || ToChar(text[i]) is not ('+' or '-'))
        {
            return false;
        }

        return text[..i].IndexOfAny(FromChar<T>('T'), FromChar<T>('t')) >= 0;
    }

    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value, out bool hasOffset)
    {
        hasOffset = HasOffset(text);
        return DateTimeOffset.TryParse(
            text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    /// <summary>
    /// Strict ISO 8601 for query strings and the like: a date, a time (seconds and fractions optional) and an offset,
    /// e.g. <c>2026-01-31T12:00:00Z</c>. Loose forms that a culture parser would take ("1.5", a date alone, no
    /// offset) are refused, so a window never means something other than what was written.
    /// </summary>
    public static bool TryParseInstant(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        return HasOffset(text) &&
            DateTimeOffset.TryParseExact(text, IsoForms, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    /// <summary>What <see cref="TryParseInstant"/> expects, worded for error messages.</summary>
    public const string InstantForm = "an ISO 8601 date and time with a UTC offset, e.g. 2026-01-31T12:00:00Z or 2026-01-31T13:00:00+01:00";

    private static readonly string[] IsoForms = ["yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    private static char ToChar<T>(T unit)
        where T : unmanaged => unit switch
        {
            char c => c,
            byte b => (char)b,
            _ => '\0',
        };

    private static T FromChar<T>(char c)
        where T : unmanaged => typeof(T) == typeof(byte) ? (T)(object)(byte)c : (T)(object)c;
}
