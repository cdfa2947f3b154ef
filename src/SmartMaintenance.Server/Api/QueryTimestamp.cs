using SmartMaintenance.Ingestion;

namespace SmartMaintenance.Server.Api;

/// <summary>
/// A point in time in a query string (<c>from</c>, <c>to</c>, <c>since</c>): strict ISO 8601 with an offset, read by
/// <see cref="TimestampText.TryParseInstant"/> — the same rule the ingest bodies follow. Anything else fails binding,
/// which answers 400 naming the parameter.
/// </summary>
public readonly record struct QueryTimestamp(DateTimeOffset Value)
{
    public static bool TryParse(string? text, IFormatProvider? provider, out QueryTimestamp result)
    {
        var parsed = TimestampText.TryParseInstant(text, out var value);
        result = new QueryTimestamp(value);
        return parsed;
    }

    public override string ToString() => Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}
