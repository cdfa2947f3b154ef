namespace SmartMaintenance.Ingestion;

/// <summary>How a field of an incoming item was found by a parser.</summary>
public enum FieldState : byte
{
    Missing,
    /// <summary>Present but of the wrong type or not parseable.</summary>
    Invalid,
    /// <summary>A string that is not text: it holds half of a UTF-16 surrogate pair (e.g. <c>"\ud800"</c> alone).</summary>
    NotText,
    Present,
}

/// <summary>
/// One item as a parser found it, before validation. Text fields are spans over the parser's buffers, so an
/// item costs no allocation; it lives only for the call that validates it.
/// </summary>
internal ref struct RawReading
{
    public ReadOnlySpan<char> SensorId;
    public FieldState SensorIdState;
    public DateTimeOffset Timestamp;
    public FieldState TimestampState;
    /// <summary>Set when the timestamp parsed but carried no UTC offset.</summary>
    public bool TimestampWithoutOffset;
    public double Value;
    public FieldState ValueState;
    public ReadOnlySpan<char> Unit;
    public FieldState UnitState;
    public ReadOnlySpan<char> Quality;
    public FieldState QualityState;
}

/// <summary>The whole body is unreadable (not JSON, no CSV header...): nothing in it is stored.</summary>
public sealed class BatchFormatException(string message, string? location = null) : Exception(message)
{
    /// <summary>Where the problem is, e.g. "line 3, byte 17".</summary>
    public string? Location { get; } = location;
}

/// <summary>The batch holds more items than the configured limit: nothing in it is stored.</summary>
public sealed class BatchTooLargeException(int limit) : Exception($"The batch holds more than {limit} readings, the limit per request.")
{
    public int Limit { get; } = limit;
}
