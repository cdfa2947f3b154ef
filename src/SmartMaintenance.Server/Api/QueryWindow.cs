namespace SmartMaintenance.Server.Api;

/// <summary>
/// A request's time window: up to <c>to</c> (or now), from <c>from</c> (or a default span before the end). A span
/// reaching back past the calendar's first day starts on that day, so no end date makes the arithmetic fail.
/// </summary>
internal static class QueryWindow
{
    public static (DateTimeOffset Start, DateTimeOffset End) Resolve(DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset now, TimeSpan span)
    {
        var end = to ?? now;
        var start = from ?? (end - DateTimeOffset.MinValue < span ? DateTimeOffset.MinValue : end - span);
        return (start, end);
    }
}
