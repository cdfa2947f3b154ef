namespace SmartMaintenance.Domain;

/// <summary>OPC-UA style quality of one reading, as sent by the device or set by ingestion.</summary>
public enum ReadingQuality : byte
{
    Good = 0,
    /// <summary>Accepted but suspicious, e.g. outside the sensor's expected range.</summary>
    Uncertain = 1,
    Bad = 2,
}

/// <summary>One stored reading. Timestamps are UTC microseconds since the Unix epoch.</summary>
[Orleans.GenerateSerializer, Orleans.Immutable]
public readonly record struct Reading(long SensorKey, long TimestampMicros, double Value, ReadingQuality Quality)
{
    public DateTimeOffset Timestamp => UnixMicros.ToDateTimeOffset(TimestampMicros);
}

/// <summary>Conversions between <see cref="DateTimeOffset"/> and the store's microsecond clock.</summary>
public static class UnixMicros
{
    private const long TicksPerMicro = TimeSpan.TicksPerMillisecond / 1000;

    public static long From(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.Ticks) / TicksPerMicro;

    public static DateTimeOffset ToDateTimeOffset(long micros) =>
        new(DateTimeOffset.UnixEpoch.Ticks + (micros * TicksPerMicro), TimeSpan.Zero);

    public const long PerMinute = 60_000_000;
    public const long PerHour = 60 * PerMinute;
}

/// <summary>Aggregate of a sensor's readings over one bucket (a minute or an hour).</summary>
public readonly record struct RollupPoint(
    long BucketStartMicros, long Count, double Min, double Max, double Mean, double Variance)
{
    public DateTimeOffset BucketStart => UnixMicros.ToDateTimeOffset(BucketStartMicros);
}

public enum RollupResolution
{
    Minute,
    Hour,
}
