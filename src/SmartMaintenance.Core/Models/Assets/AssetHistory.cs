using SmartMaintenance.Domain;

namespace SmartMaintenance.Models.Assets;

/// <summary>One sample of an asset's life: its features at a moment and the hours it still ran (at most the cap).</summary>
public sealed record AssetSample(float[] Row, double RulHours);

/// <summary>
/// An asset's recorded life: each sensor's minute and hour roll-ups, oldest first, and the moment it failed — or
/// null when it had not failed by the end of the record (its life is then only known to be longer than the record).
/// </summary>
public sealed record AssetHistory(
    string AssetId, IReadOnlyList<Sensor> Sensors, IReadOnlyList<RollupPoint[]> Minutes, IReadOnlyList<RollupPoint[]> Hours,
    long EndMicros, long? FailedAtMicros)
{
    /// <summary>
    /// No sample before this moment: a life that began with a repair starts there, though the week of readings before
    /// it still stands behind its first samples' drift features, as it does live.
    /// </summary>
    public long? SampleFromMicros { get; init; }

    /// <summary>The hours of history a sample needs behind it: the week the drift features compare with.</summary>
    public static readonly long HistoryMicros = 7 * 24 * UnixMicros.PerHour;

    private static readonly long MinutesMicros = 6 * UnixMicros.PerHour;

    /// <summary>
    /// Samples every <paramref name="step"/> once a week of history exists, and hourly over the last two days before
    /// a failure, each labelled min(RUL, cap). A sample of an unfailed history is kept only where at least the cap
    /// of record follows it: there the label (the cap) is known; nearer the end it is not.
    /// </summary>
    public IEnumerable<(long AtMicros, double RulHours)> SampleTimes(TimeSpan step, double capHours)
    {
        // The record starts at its first minute (an hour bucket starts at the top of the hour, before it).
        var first = Minutes.Where(m => m.Length > 0).Select(m => m[0].BucketStartMicros).DefaultIfEmpty(EndMicros).Min();
        var from = Math.Max(first + HistoryMicros, SampleFromMicros ?? long.MinValue);
        var end = FailedAtMicros ?? EndMicros;
        var capMicros = (long)(capHours * UnixMicros.PerHour);
        var stepMicros = step.Ticks / TimeSpan.TicksPerMicrosecond;
        var denseFrom = FailedAtMicros is { } failed ? failed - (48 * UnixMicros.PerHour) : long.MaxValue;
        for (var at = from; at < end; at = at >= denseFrom ? at + UnixMicros.PerHour : Math.Min(at + stepMicros, Math.Max(denseFrom, at + 1)))
        {
            var rul = (end - at) / (double)UnixMicros.PerHour;
            if (FailedAtMicros is not null)
            {
                yield return (at, Math.Min(rul, capHours));
            }
            else if (end - at >= capMicros)
            {
                yield return (at, capHours);
            }
        }
    }

    /// <summary>The sensors' roll-ups as the live path reads them at <paramref name="atMicros"/>: six hours of minutes, a week of hours.</summary>
    public IReadOnlyList<SensorWindow> WindowsAt(long atMicros) =>
        [.. Sensors.Select((s, i) => new SensorWindow(s,
            Slice(Minutes[i], atMicros - MinutesMicros, atMicros), Slice(Hours[i], atMicros - HistoryMicros, atMicros)))];

    public IEnumerable<AssetSample> Samples(AssetFeatures features, TimeSpan step, double capHours) =>
        SampleTimes(step, capHours).Select(s => new AssetSample(features.Row(WindowsAt(s.AtMicros)), s.RulHours));

    /// <summary>Hour roll-ups of minute roll-ups: counts added, means weighted, variances pooled.</summary>
    public static RollupPoint[] HoursOf(RollupPoint[] minutes)
    {
        var hours = new List<RollupPoint>();
        var i = 0;
        while (i < minutes.Length)
        {
            var hour = minutes[i].BucketStartMicros - (minutes[i].BucketStartMicros % UnixMicros.PerHour);
            long count = 0;
            double sum = 0, squares = 0, min = double.MaxValue, max = double.MinValue;
            for (; i < minutes.Length && minutes[i].BucketStartMicros < hour + UnixMicros.PerHour; i++)
            {
                var m = minutes[i];
                count += m.Count;
                sum += m.Mean * m.Count;
                squares += (m.Variance + (m.Mean * m.Mean)) * m.Count;
                min = Math.Min(min, m.Min);
                max = Math.Max(max, m.Max);
            }

            var mean = sum / count;
            hours.Add(new RollupPoint(hour, count, min, max, mean, Math.Max(0, (squares / count) - (mean * mean))));
        }

        return [.. hours];
    }

    // The points whose bucket starts in [from, to]: a view, not a copy.
    private static ArraySegment<RollupPoint> Slice(RollupPoint[] points, long from, long to)
    {
        var start = LowerBound(points, from);
        var end = LowerBound(points, to + 1);
        return new ArraySegment<RollupPoint>(points, start, end - start);
    }

    private static int LowerBound(RollupPoint[] points, long micros)
    {
        int low = 0, high = points.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (points[mid].BucketStartMicros < micros)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
