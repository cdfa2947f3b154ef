using System.Buffers;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Ingestion;

/// <summary>
/// Validates the items a parser finds, one at a time, and collects the valid ones as <see cref="Reading"/>s
/// with the item index each came from. Invalid items land in the report with their field and reason.
/// </summary>
internal sealed class ReadingBatchBuilder : IDisposable
{
    /// <summary>
    /// The largest magnitude a reading may have. No instrument measures beyond it, and it keeps the roll-ups' squared
    /// deviations finite: two readings of ±1e160 in one minute once made a variance of infinity that no answer could carry.
    /// </summary>
    public const double MaxMagnitude = 1e100;

    private readonly TenantSensors _sensors;
    private readonly bool _autoRegister;
    private readonly long _latestMicros;
    private readonly int _maxItems;
    private Reading[] _readings;
    private int[] _indices;
    private List<PendingReading>? _pending;

    public ReadingBatchBuilder(TenantSensors sensors, bool autoRegister, DateTimeOffset now, IngestionOptions options, int capacityHint = 256)
    {
        _sensors = sensors;
        _autoRegister = autoRegister;
        _latestMicros = UnixMicros.From(now + options.MaxClockSkew);
        _maxItems = options.MaxBatchItems;
        MaxClockSkew = options.MaxClockSkew;
        _readings = ArrayPool<Reading>.Shared.Rent(Math.Max(16, capacityHint));
        _indices = ArrayPool<int>.Shared.Rent(_readings.Length);
    }

    public IngestReport Report { get; } = new();

    public int Count { get; private set; }

    public ReadOnlyMemory<Reading> Readings => _readings.AsMemory(0, Count);

    /// <summary>The batch item index of each collected reading.</summary>
    public ReadOnlySpan<int> Indices => _indices.AsSpan(0, Count);

    /// <summary>Items of sensors not registered yet, held until the ingestor registers them.</summary>
    public IReadOnlyList<PendingReading> Pending => (IReadOnlyList<PendingReading>?)_pending ?? [];

    private TimeSpan MaxClockSkew { get; }

    public void Add(ref RawReading item)
    {
        var index = NextIndex();
        if (Validate(ref item) is { } error)
        {
            Reject(index, error.Field, error.Reason);
            return;
        }

        var quality = ParseQuality(item.Quality) ?? ReadingQuality.Good;
        var micros = UnixMicros.From(item.Timestamp);
        var sensor = _sensors.Find(item.SensorId);
        if (sensor is null)
        {
            if (!_autoRegister)
            {
                Reject(index, "sensor_id", $"unknown sensor '{item.SensorId}'; register it first (POST /api/v1/sensors)");
                return;
            }

            if (!CatalogText.IsId(item.SensorId))
            {
                Reject(index, "sensor_id", "a sensor registered by its first reading needs an id of a letter or digit, then letters, digits and . _ : - (at most 128)");
                return;
            }

            (_pending ??= []).Add(new PendingReading(index, item.SensorId.ToString(), item.Unit.Trim().ToString(), micros, item.Value, quality));
            return;
        }

        AddResolved(index, sensor, item.Unit, micros, item.Value, quality);
    }

    /// <summary>Records an item that is not a reading at all (e.g. a JSON number where an object belongs).</summary>
    public void Reject(string field, string reason) => Reject(NextIndex(), field, reason);

    /// <summary>Adds the pending items once their sensors exist.</summary>
    public void ResolvePending(Func<string, Sensor?> findSensor)
    {
        foreach (var p in Pending)
        {
            if (findSensor(p.SensorId) is { } sensor)
            {
                AddResolved(p.Index, sensor, p.Unit, p.TimestampMicros, p.Value, p.Quality);
            }
            else
            {
                Reject(p.Index, "sensor_id", $"sensor '{p.SensorId}' could not be registered");
            }
        }

        _pending?.Clear();
    }

    public void Dispose()
    {
        ArrayPool<Reading>.Shared.Return(_readings);
        ArrayPool<int>.Shared.Return(_indices);
        _readings = [];
        _indices = [];
    }

    private void AddResolved(int index, Sensor sensor, ReadOnlySpan<char> unit, long micros, double value, ReadingQuality quality)
    {
        if (sensor.RetiredAt is not null)
        {
            Reject(index, "sensor_id", $"sensor '{sensor.SensorId}' is retired and takes no readings; reinstate it first (POST /api/v1/sensors/{sensor.SensorId}/reinstate)");
            return;
        }

        if (!UnitNames.Match(unit, sensor.Unit))
        {
            Reject(index, "unit", $"unit '{unit.Trim()}' does not match the unit of sensor '{sensor.SensorId}' ('{sensor.Unit}')");
            return;
        }

        if (quality == ReadingQuality.Good && sensor.IsOutsideExpectedRange(value))
        {
            quality = ReadingQuality.Uncertain;
            Report.Flagged++;
        }

        if (Count == _readings.Length)
        {
            Grow();
        }

        _readings[Count] = new Reading(sensor.Key, micros, value, quality);
        _indices[Count] = index;
        Count++;
    }

    private (string Field, string Reason)? Validate(ref RawReading item)
    {
        if (NotText(ref item) is { } field)
        {
            return (field, "holds half of a UTF-16 surrogate pair (e.g. \\ud800 alone), which is not text");
        }

        switch (item.SensorIdState)
        {
            case FieldState.Missing:
                return ("sensor_id", "is required");
            case FieldState.Invalid:
                return ("sensor_id", "must be a string");
        }

        if (item.SensorId.IsWhiteSpace() || item.SensorId.Length > IngestionOptions.MaxSensorIdLength)
        {
            return ("sensor_id", $"must be 1 to {IngestionOptions.MaxSensorIdLength} characters");
        }

        switch (item.TimestampState)
        {
            case FieldState.Missing:
                return ("timestamp", "is required");
            case FieldState.Invalid:
                return ("timestamp", "is not an ISO-8601 date and time");
        }

        if (item.TimestampWithoutOffset)
        {
            return ("timestamp", "needs a UTC offset, e.g. 2026-01-31T12:00:00Z or 2026-01-31T13:00:00+01:00");
        }

        if (item.Timestamp < DateTimeOffset.UnixEpoch)
        {
            return ("timestamp", "is before 1970-01-01");
        }

        if (UnixMicros.From(item.Timestamp) > _latestMicros)
        {
            return ("timestamp", $"is in the future beyond the allowed clock skew of {MaxClockSkew.TotalSeconds:0} s");
        }

        switch (item.ValueState)
        {
            case FieldState.Missing:
                return ("value", "is required");
            case FieldState.Invalid:
                return ("value", "must be a number");
        }

        if (!double.IsFinite(item.Value))
        {
            return ("value", "must be a finite number");
        }

        if (Math.Abs(item.Value) > MaxMagnitude)
        {
            return ("value", $"must lie within ±{MaxMagnitude:0e0}");
        }

        if (item.UnitState == FieldState.Invalid)
        {
            return ("unit", "must be a string");
        }

        if (item.Unit.Trim().Length > CatalogText.MaxUnitLength || CatalogText.HasControlCharacters(item.Unit))
        {
            return ("unit", $"must be at most {CatalogText.MaxUnitLength} characters without control characters");
        }

        if (item.QualityState == FieldState.Invalid || (item.QualityState == FieldState.Present && ParseQuality(item.Quality) is null))
        {
            return ("quality", "must be one of good, uncertain, bad");
        }

        return null;
    }

    private static string? NotText(ref RawReading item) =>
        item.SensorIdState == FieldState.NotText ? "sensor_id"
        : item.TimestampState == FieldState.NotText ? "timestamp"
        : item.UnitState == FieldState.NotText ? "unit"
        : item.QualityState == FieldState.NotText ? "quality"
        : null;

    private static ReadingQuality? ParseQuality(ReadOnlySpan<char> text)
    {
        text = text.Trim();
        if (text.IsEmpty || text.Equals("good", StringComparison.OrdinalIgnoreCase))
        {
            return ReadingQuality.Good;
        }

        if (text.Equals("uncertain", StringComparison.OrdinalIgnoreCase))
        {
            return ReadingQuality.Uncertain;
        }

        return text.Equals("bad", StringComparison.OrdinalIgnoreCase) ? ReadingQuality.Bad : null;
    }

    private int NextIndex()
    {
        var index = Report.Received;
        if (index >= _maxItems)
        {
            throw new BatchTooLargeException(_maxItems);
        }

        Report.Received++;
        return index;
    }

    private void Reject(int index, string field, string reason) => Report.Rejected.Add(new IngestError(index, field, reason));

    private void Grow()
    {
        var readings = ArrayPool<Reading>.Shared.Rent(_readings.Length * 2);
        var indices = ArrayPool<int>.Shared.Rent(readings.Length);
        _readings.AsSpan(0, Count).CopyTo(readings);
        _indices.AsSpan(0, Count).CopyTo(indices);
        ArrayPool<Reading>.Shared.Return(_readings);
        ArrayPool<int>.Shared.Return(_indices);
        _readings = readings;
        _indices = indices;
    }
}

/// <summary>A valid item whose sensor does not exist yet and will be auto-registered.</summary>
public sealed record PendingReading(int Index, string SensorId, string Unit, long TimestampMicros, double Value, ReadingQuality Quality);
