using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Components.Ui;

/// <summary>How finely a chart's window is drawn.</summary>
public enum SeriesResolution
{
    Raw,
    Minute,
    Hour,
}

/// <summary>
/// One chart's worth of a sensor: times in Unix milliseconds (what the chart's date axis takes), the line and,
/// from roll-ups, the min–max band of each bucket; the anomalies detected in the window.
/// </summary>
public sealed record SeriesWindow(
    DateTimeOffset From, DateTimeOffset To, SeriesResolution Resolution,
    double[] TimesMs, double[] Values, double[]? Min, double[]? Max, IReadOnlyList<Anomaly> Anomalies)
{
    public int PointCount => TimesMs.Length;
}

/// <summary>
/// Picks what to draw for a time window: raw readings while the window is short enough to hold them, per-minute
/// roll-ups for days, per-hour roll-ups beyond — a chart never carries more than <see cref="MaxRawPoints"/>
/// points, and zooming in asks again at a finer resolution.
/// </summary>
public sealed class SensorSeries(IReadingStore readings, IAnomalyStore anomalies)
{
    public const int MaxRawPoints = 50_000;
    public const int MaxAnomalies = 2_000;
    public static readonly TimeSpan RawUpTo = TimeSpan.FromHours(6);
    public static readonly TimeSpan MinutesUpTo = TimeSpan.FromDays(4);

    public static SeriesResolution ResolutionFor(TimeSpan span) =>
        span <= RawUpTo ? SeriesResolution.Raw : span <= MinutesUpTo ? SeriesResolution.Minute : SeriesResolution.Hour;

    public async Task<SeriesWindow> LoadAsync(
        long tenantId, Sensor sensor, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var found = await anomalies.ListAsync(
            tenantId, new AnomalyQuery(SensorId: sensor.SensorId, Limit: MaxAnomalies, OccurredFrom: from, OccurredBefore: to), cancellationToken);
        var fromMicros = UnixMicros.From(from);
        var toMicros = UnixMicros.From(to);
        var resolution = ResolutionFor(to - from);
        if (resolution == SeriesResolution.Raw)
        {
            var rows = await readings.QueryOldestFirstAsync(tenantId, sensor.Key, fromMicros, toMicros, MaxRawPoints + 1, cancellationToken);
            if (rows.Count <= MaxRawPoints)
            {
                return Raw(from, to, rows, found);
            }

            // A sensor sampled faster than the window allows: fall back to minutes rather than cut the window short.
            resolution = SeriesResolution.Minute;
        }

        var buckets = await readings.SeriesAsync(
            tenantId, sensor.Key, resolution == SeriesResolution.Minute ? RollupResolution.Minute : RollupResolution.Hour,
            fromMicros, toMicros, cancellationToken);
        var times = new double[buckets.Count];
        var mean = new double[buckets.Count];
        var min = new double[buckets.Count];
        var max = new double[buckets.Count];
        for (var i = 0; i < buckets.Count; i++)
        {
            times[i] = buckets[i].BucketStartMicros / 1000.0;
            mean[i] = buckets[i].Mean;
            min[i] = buckets[i].Min;
            max[i] = buckets[i].Max;
        }

        return new SeriesWindow(from, to, resolution, times, mean, min, max, found);
    }

    private static SeriesWindow Raw(DateTimeOffset from, DateTimeOffset to, IReadOnlyList<Reading> rows, IReadOnlyList<Anomaly> found)
    {
        var times = new double[rows.Count];
        var values = new double[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            times[i] = rows[i].TimestampMicros / 1000.0;
            values[i] = rows[i].Value;
        }

        return new SeriesWindow(from, to, SeriesResolution.Raw, times, values, null, null, found);
    }
}
