using System.Buffers;
using System.Text.Json;

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using SmartMaintenance.Domain;
using SmartMaintenance.Ingestion;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Simulation;

/// <summary>What an injected fault does to every sensor of its asset.</summary>
public enum SimulatedFault
{
    /// <summary>A sudden lasting shift.</summary>
    Step,
    /// <summary>A shift growing steadily over the episode.</summary>
    Drift,
    /// <summary>One reading far off at the start.</summary>
    Spike,
    /// <summary>The asset's sensors stop sending.</summary>
    Outage,
    /// <summary>Accelerating wear: a growing offset and roughness.</summary>
    Degrading,
}

/// <summary>A fault episode as the simulation console shows it.</summary>
public sealed record SimulatedFaultEpisode(string AssetId, SimulatedFault Kind, DateTimeOffset Start, DateTimeOffset End, double Magnitude, bool Injected);

/// <summary>
/// Streams the demo fleet's readings through <see cref="ReadingIngestor"/>, the same path HTTP clients use.
/// At start it back-fills the last day at one reading a minute so charts have history; timestamps are aligned
/// so a restart's back-fill is reported as duplicates rather than stored twice.
/// </summary>
public sealed class DemoFleetSimulator(
    bool enabled, ReadingIngestor ingestor, ICatalogStore catalog, SensorDirectory directory, TimeProvider time,
    ILogger<DemoFleetSimulator> logger) : BackgroundService
{
    private const long TenantId = Tenant.DefaultId;
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Backfill = TimeSpan.FromHours(24);

    private readonly Random _random = new(20261125);
    private readonly Dictionary<string, DateTimeOffset> _nextSample = [];
    private DateTimeOffset _started;
    // Faults by asset: the random episodes and injected ones run side by side, one per asset at most.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, FaultEpisode> _faults = new(StringComparer.Ordinal);
    // The spike episode each sensor has already sent its spiked reading for.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, FaultEpisode> _spiked = new(StringComparer.Ordinal);

    private volatile bool _paused;

    public bool Enabled => enabled;

    /// <summary>While paused the fleet sends nothing (its sensors go silent, as in a network outage); faults keep their clocks.</summary>
    public bool Paused => _paused;

    public void Pause()
    {
        _paused = true;
        logger.LogInformation("Demo fleet paused");
    }

    public void Resume()
    {
        _paused = false;
        logger.LogInformation("Demo fleet resumed");
    }

    /// <summary>The fault episodes running now, random and injected.</summary>
    public IReadOnlyList<SimulatedFaultEpisode> ActiveFaults(DateTimeOffset now) =>
        [.. _faults.Values.Where(f => now < f.End).OrderBy(f => f.Start).Select(f => new SimulatedFaultEpisode(f.AssetId, f.Kind, f.Start, f.End, f.Magnitude, f.Injected))];

    /// <summary>
    /// Starts a fault episode on an asset now (replacing one running on that asset; other assets' faults go on): every
    /// sensor of the asset moves away from its normal behaviour by <paramref name="magnitude"/> for <paramref name="duration"/>.
    /// </summary>
    public void InjectFault(string assetId, TimeSpan duration, double magnitude, SimulatedFault kind = SimulatedFault.Step)
    {
        var now = time.GetUtcNow();
        _faults[assetId] = new FaultEpisode(assetId, now, now + duration, magnitude, Injected: true, kind);
        logger.LogInformation("Demo fleet: injected {Kind} fault on {Asset} until {End:O}", kind, assetId, now + duration);
    }

    /// <summary>Produces one sensor's value at a time; deterministic apart from the seeded noise.</summary>
    internal double ValueAt(SimulatedSensor sensor, DateTimeOffset at)
    {
        var hour = at.UtcDateTime.TimeOfDay.TotalHours;
        var daily = sensor.DailyAmplitude * Math.Sin(2 * Math.PI * (hour - 9) / 24);
        var days = Math.Max(0, (at - _started + Backfill).TotalDays);
        var noise = sensor.Noise * Gaussian();
        var value = sensor.Baseline + daily + (sensor.WearPerDay * days) + noise;
        if (_faults.TryGetValue(sensor.AssetId, out var fault) && at >= fault.Start && at < fault.End)
        {
            var scale = fault.Magnitude * (sensor.Type == "vibration" ? sensor.Baseline : sensor.Noise * 4);
            var progress = (at - fault.Start) / (fault.End - fault.Start);
            value += fault.Kind switch
            {
                SimulatedFault.Drift => scale * progress,
                // One reading per sensor: the first one sampled after the episode starts, however late the sampling runs.
                SimulatedFault.Spike => FirstOfEpisode(sensor, fault) ? 3 * scale : 0,
                // Wear accelerating: a growing offset and growing roughness.
                SimulatedFault.Degrading => (scale * progress * progress) + (sensor.Noise * fault.Magnitude * progress * Gaussian()),
                SimulatedFault.Outage => 0,
                _ => scale,
            };
        }

        return value;
    }

    private bool FirstOfEpisode(SimulatedSensor sensor, FaultEpisode fault)
    {
        if (_spiked.TryGetValue(sensor.SensorId, out var done) && ReferenceEquals(done, fault))
        {
            return false;
        }

        _spiked[sensor.SensorId] = fault;
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!enabled)
        {
            return;
        }

        try
        {
            _started = time.GetUtcNow();
            await SeedCatalogAsync(stoppingToken);
            await BackfillAsync(stoppingToken);
            logger.LogInformation("Demo fleet streaming: {Sites} sites, {Assets} assets, {Sensors} sensors",
                DemoFleet.Sites.Count, DemoFleet.Assets.Count, DemoFleet.Sensors.Count);
            using var timer = new PeriodicTimer(Tick, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await StreamOnceAsync(time.GetUtcNow(), stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One failed tick (e.g. the disk was briefly full) must not end the demo; the next tick tries again.
                    logger.LogWarning(ex, "A demo fleet tick failed; streaming continues");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "The demo fleet simulator stopped");
        }
    }

    private async Task SeedCatalogAsync(CancellationToken cancellationToken)
    {
        foreach (var site in DemoFleet.Sites)
        {
            await catalog.UpsertSiteAsync(TenantId, site, cancellationToken);
        }

        foreach (var asset in DemoFleet.Assets)
        {
            await catalog.UpsertAssetAsync(TenantId, asset, cancellationToken);
        }

        foreach (var s in DemoFleet.Sensors)
        {
            await catalog.UpsertSensorAsync(TenantId, new Sensor(0, TenantId, s.SensorId, s.AssetId, s.Type, s.Unit,
                s.ExpectedMin, s.ExpectedMax, s.SampleIntervalSeconds, false, default), cancellationToken);
        }

        directory.Invalidate(TenantId);
    }

    private async Task BackfillAsync(CancellationToken cancellationToken)
    {
        var end = new DateTimeOffset(_started.UtcTicks - (_started.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        var accepted = 0;
        foreach (var sensor in DemoFleet.Sensors)
        {
            var batch = new List<(SimulatedSensor, DateTimeOffset)>();
            for (var at = end - Backfill; at < end; at += TimeSpan.FromMinutes(1))
            {
                batch.Add((sensor, at));
            }

            accepted += (await SendAsync(batch, cancellationToken)).Accepted;
        }

        logger.LogInformation("Demo fleet back-filled {Accepted} readings over the last {Hours} h", accepted, Backfill.TotalHours);
    }

    private async Task StreamOnceAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        MaybeStartFault(now);
        if (_paused)
        {
            return;
        }

        var due = new List<(SimulatedSensor, DateTimeOffset)>();
        foreach (var sensor in DemoFleet.Sensors)
        {
            if (_faults.TryGetValue(sensor.AssetId, out var fault) && fault.Kind == SimulatedFault.Outage && now >= fault.Start && now < fault.End)
            {
                continue;
            }

            if (!_nextSample.TryGetValue(sensor.SensorId, out var next) || next <= now)
            {
                due.Add((sensor, now));
                _nextSample[sensor.SensorId] = now + TimeSpan.FromSeconds(sensor.SampleIntervalSeconds);
            }
        }

        if (due.Count > 0)
        {
            var report = await SendAsync(due, cancellationToken);
            if (report.Rejected.Count > report.Duplicates)
            {
                logger.LogWarning("Demo fleet: {Rejected} readings rejected, first: {Reason}",
                    report.Rejected.Count, report.Rejected[0].Reason);
            }
        }
    }

    // Roughly one fault episode every two hours somewhere in the fleet, lasting a few minutes.
    private void MaybeStartFault(DateTimeOffset now)
    {
        foreach (var (assetId, ended) in _faults.Where(f => now >= f.Value.End))
        {
            _faults.TryRemove(new KeyValuePair<string, FaultEpisode>(assetId, ended));
        }

        if (_faults.Values.Any(f => !f.Injected))
        {
            return;
        }

        if (_random.NextDouble() < Tick.TotalSeconds / 7200)
        {
            var asset = DemoFleet.Assets[_random.Next(DemoFleet.Assets.Count)];
            var episode = new FaultEpisode(asset.AssetId, now, now + TimeSpan.FromMinutes(2 + _random.Next(8)), 0.5 + _random.NextDouble(), Injected: false);
            if (_faults.TryAdd(asset.AssetId, episode))
            {
                logger.LogInformation("Demo fleet: fault episode on {Asset} until {End:O}", episode.AssetId, episode.End);
            }
        }
    }

    private Task<IngestReport> SendAsync(List<(SimulatedSensor Sensor, DateTimeOffset At)> items, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(items.Count * 96);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var (sensor, at) in items)
            {
                json.WriteStartObject();
                json.WriteString("sensor_id", sensor.SensorId);
                json.WriteString("timestamp", at);
                json.WriteNumber("value", Math.Round(ValueAt(sensor, at), 4));
                json.WriteString("unit", sensor.Unit);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return ingestor.IngestAsync(new IngestSender(TenantId, false), buffer.WrittenMemory, ReadingFormat.JsonArray, cancellationToken);
    }

    private double Gaussian()
    {
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private sealed record FaultEpisode(
        string AssetId, DateTimeOffset Start, DateTimeOffset End, double Magnitude, bool Injected, SimulatedFault Kind = SimulatedFault.Step);
}
