using SmartMaintenance.Detection.Multivariate;
using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.Predictions;

/// <summary>A sensor's share of an asset's departure from its normal behaviour (0–1).</summary>
[GenerateSerializer, Immutable]
public sealed record SensorShare([property: Id(0)] string SensorId, [property: Id(1)] double Share);

/// <summary>
/// An asset's health from all its sensors together (<see cref="AssetHealthDetector"/>): 0–100, whether it is judged
/// abnormal, and the sensors that drive the departure. While the detector still learns, <see cref="Learning"/> is
/// true and <see cref="Health"/> is null.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AssetHealthReport(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] int? Health,
    [property: Id(2)] bool Abnormal,
    [property: Id(3)] bool Learning,
    [property: Id(4)] int RowsLearned,
    [property: Id(5)] int RowsToLearn,
    [property: Id(6)] IReadOnlyList<SensorShare> Drivers);

/// <summary>What the asset agent keeps of its health detector across restarts: the model and how far it has read.</summary>
[GenerateSerializer, Immutable]
public sealed record AssetHealthState(
    [property: Id(0)] long[] SensorKeys,
    [property: Id(1)] AssetHealthModel? Model,
    [property: Id(2)] long WatermarkMicros);

/// <summary>
/// Feeds an asset's health detector one row a minute: each sensor's per-minute mean from the roll-ups the store keeps
/// (a missing minute is a missing value), learning from the first <see cref="TrainingMinutes"/> minutes it sees — on a
/// new asset or after its sensors change — and judging every complete minute after. Assets with fewer than two sensors
/// have no relationship to learn and get no report.
/// </summary>
public sealed class AssetHealthTracker
{
    /// <summary>Twelve hours of minutes: the period the model takes as normal.</summary>
    public const int TrainingMinutes = 720;

    /// <summary>How far back a new asset's first rows are read (the demo fleet back-fills a day).</summary>
    public static readonly TimeSpan FirstLookBack = TimeSpan.FromHours(24);

    private const double DriverShare = 0.2;

    private long[] _sensorKeys = [];
    private AssetHealthDetector? _detector;
    private long _watermark;
    private AssetHealthReport? _latest;

    /// <summary>The latest report (null before the first refresh, or for an asset with fewer than two sensors).</summary>
    public AssetHealthReport? Latest => _latest;

    /// <summary>
    /// The minutes the last refresh judged, oldest first, for the asset's health history (the newest carries its
    /// drivers; the others, judged in one go after a pause, none).
    /// </summary>
    public IReadOnlyList<AssetHealthPoint> Judged { get; private set; } = [];

    /// <summary>
    /// Restores the model and the read position persisted by <see cref="Snapshot"/>; a model an earlier version wrote
    /// (without the sensors' residual models) is learned again from the look-back.
    /// </summary>
    public void Restore(AssetHealthState state)
    {
        _sensorKeys = state.SensorKeys;
        _watermark = state.WatermarkMicros;
        _detector = state.Model is { Residuals: not null } ? new AssetHealthDetector(state.Model) : null;
    }

    /// <summary>What to persist; the rows of an unfinished training are read again from the store after a restart.</summary>
    public AssetHealthState Snapshot() => new(_sensorKeys, _detector?.Model, _detector?.Model is null ? 0 : _watermark);

    /// <summary>Reads the complete minutes since the last refresh and judges them; returns whether the model was fitted now.</summary>
    public async Task<bool> RefreshAsync(IReadingStore readings, IReadOnlyList<Sensor> sensors, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Judged = [];
        var ordered = sensors.OrderBy(s => s.SensorId, StringComparer.Ordinal).ToList();
        if (ordered.Count < 2)
        {
            _latest = null;
            return false;
        }

        var nowMicros = UnixMicros.From(now);
        var keys = ordered.Select(s => s.Key).ToArray();
        if (_detector is null || !keys.AsSpan().SequenceEqual(_sensorKeys))
        {
            // A new asset, changed sensors, or an unfinished training after a restart: learn again from the look-back.
            _sensorKeys = keys;
            _detector = new AssetHealthDetector(keys.Length, TrainingMinutes);
            _watermark = UnixMicros.From(now - FirstLookBack);
        }

        var lastComplete = nowMicros / UnixMicros.PerMinute * UnixMicros.PerMinute;
        var from = (_watermark + UnixMicros.PerMinute - 1) / UnixMicros.PerMinute * UnixMicros.PerMinute;
        if (lastComplete <= from)
        {
            return false;
        }

        var series = new Dictionary<long, double>[keys.Length];
        var minutes = new SortedSet<long>();
        var read = await readings.SeriesOfSensorsAsync(ordered[0].TenantId, keys, RollupResolution.Minute, from, lastComplete, cancellationToken);
        for (var s = 0; s < keys.Length; s++)
        {
            series[s] = read[s].ToDictionary(p => p.BucketStartMicros, p => p.Mean);
            minutes.UnionWith(series[s].Keys);
        }

        var fitted = false;
        var judged = new List<AssetHealthPoint>();
        var row = new double[keys.Length];
        var shares = new double[keys.Length];
        AssetHealthVerdict verdict = default;
        foreach (var minute in minutes)
        {
            for (var s = 0; s < keys.Length; s++)
            {
                row[s] = series[s].TryGetValue(minute, out var mean) ? mean : double.NaN;
            }

            var wasFitted = _detector.Model is not null;
            if (!wasFitted && Array.Exists(row, double.IsNaN))
            {
                // The normal period is learned from complete minutes only; a judged minute may miss a sensor.
                continue;
            }

            verdict = _detector.Update(row);
            fitted |= !wasFitted && _detector.Model is not null;
            if (verdict.Judged)
            {
                judged.Add(new AssetHealthPoint(UnixMicros.ToDateTimeOffset(minute), (int)Math.Round(verdict.Health), verdict.Abnormal, []));
            }
        }

        _watermark = lastComplete;
        if (verdict.Judged)
        {
            _detector.Contributions(shares);
        }

        var drivers = verdict.Judged
            ? ordered.Select((sensor, s) => new SensorShare(sensor.SensorId, Math.Round(shares[s], 3)))
                .Where(d => d.Share >= DriverShare).OrderByDescending(d => d.Share).Take(3).ToList()
            : [];
        if (judged.Count > 0)
        {
            judged[^1] = judged[^1] with { Drivers = [.. drivers.Select(d => d.SensorId)] };
        }

        Judged = judged;
        _latest = new AssetHealthReport(now, verdict.Judged ? (int)Math.Round(verdict.Health) : _latest?.Health,
            verdict.Judged ? verdict.Abnormal : _latest?.Abnormal ?? false, _detector.Model is null, _detector.RowsLearned, TrainingMinutes,
            verdict.Judged ? drivers : _latest?.Drivers ?? []);
        return fitted;
    }
}
