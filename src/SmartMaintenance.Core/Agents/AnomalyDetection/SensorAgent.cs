using Microsoft.Extensions.Logging;

using SmartMaintenance.Agents.Contracts;
using SmartMaintenance.Agents.Steps;
using SmartMaintenance.Detection;
using SmartMaintenance.Detection.Ensemble;
using SmartMaintenance.Domain;
using SmartMaintenance.Simulation;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.AnomalyDetection;

/// <summary>
/// What a sensor agent keeps across restarts: its monitor's learning and the last reading it learned. A state saved by
/// an earlier version (the ensemble's, under another name) reads back with no <see cref="Monitor"/> and is learned again.
/// </summary>
public sealed record SensorDetectorState(long SensorKey, long LearnedUpToMicros, SensorMonitorState? Monitor);

/// <summary>
/// Judges one sensor's stream. What its monitor has learned (the resonance detector's categories and vigilances, the
/// level baseline) is kept in grain state — written every few minutes and when the grain deactivates — so a restart goes
/// on from there and replays only the readings stored since; without a saved state it learns from the sensor's latest
/// stored readings.
/// </summary>
public sealed class SensorAgent(
    [PersistentState("detector", "sensors")] IPersistentState<SensorDetectorState> state,
    IReadingStore readings, IEventLog events, AgentStepRunner steps, FaultDrills drills, DetectorSettingsProvider detectorSettings,
    TimeProvider time, ILogger<SensorAgent> logger)
    : Grain, ISensorAgent
{
    /// <summary>How often the monitor's learning is written to grain state while readings flow.</summary>
    public static readonly TimeSpan SaveEvery = TimeSpan.FromMinutes(5);

    private DateTimeOffset _savedAt;

    /// <summary>
    /// Readings replayed on activation: the resonance detector's warm-up is 750 readings or a day of them, so an agent
    /// without a saved state judges from its first live reading when the sensor's stored history holds that; a sensor
    /// sampled faster than every 43 seconds finishes its warm-up on live readings.
    /// </summary>
    public const int WarmUpReadings = 2000;

    private SensorSignalMonitor? _monitor;
    private long _settingsVersion = -1;

    public async Task ObserveAsync(SensorReadings batch)
    {
        if (batch.Readings.Length == 0)
        {
            return;
        }

        var version = detectorSettings.Version;
        if (_monitor is null || _monitor.Sensor != batch.Sensor)
        {
            _settingsVersion = version;
            var settings = await detectorSettings.ForAsync(batch.Sensor.TenantId, batch.Sensor.Type, CancellationToken.None);
            // Changed metadata (a new range, say) keeps what the running monitor learned; a fresh activation takes the saved state.
            var saved = _monitor is not null && _monitor.Sensor.Key == batch.Sensor.Key
                ? Current(_monitor)
                : state.RecordExists && state.State.SensorKey == batch.Sensor.Key && state.State.Monitor is not null ? state.State : null;
            var rule = await detectorSettings.RuleForAsync(batch.Sensor, CancellationToken.None);
            _monitor = new SensorSignalMonitor(batch.Sensor, settings, restored: saved?.Monitor, rule: rule);
            await WarmUpAsync(_monitor, batch, saved is null ? long.MinValue : saved.LearnedUpToMicros + 1);
            _savedAt = time.GetUtcNow();
        }
        else if (version != _settingsVersion)
        {
            _settingsVersion = version;
            _monitor.Reconfigure(await detectorSettings.ForAsync(batch.Sensor.TenantId, batch.Sensor.Type, CancellationToken.None),
                await detectorSettings.RuleForAsync(batch.Sensor, CancellationToken.None));
        }

        List<AuditEvent>? raised = null;
        List<DetectedAnomaly>? detected = null;
        foreach (var reading in batch.Readings)
        {
            var observation = _monitor.Observe(reading);
            if (observation.StartsAnomaly)
            {
                (detected ??= []).Add(Detect(_monitor, reading, observation, batch.AcceptedAt));
            }

            if (observation.RaisedIssues != DataQualityIssues.None)
            {
                var sensor = batch.Sensor;
                (raised ??= []).Add(new AuditEvent(sensor.TenantId, AgentEventTypes.DataQualityIssueRaised, NewCorrelationId(),
                    AgentNames.AnomalyDetection, AgentJson.Serialize(new DataQualityIssueRaised(
                        sensor.SensorId, sensor.AssetId, reading.Timestamp, reading.Value, observation.RaisedIssues.ToString()))));
            }
        }

        // Hand-offs are grain calls awaited in this turn (Orleans schedules them, the trace and request context flow):
        // the validation step retries and dead-letters by itself, so this turn never fails, and never repeats, for it.
        foreach (var anomaly in detected ?? [])
        {
            await steps.RunAsync(AgentSteps.Validate, anomaly.Anomaly.TenantId, anomaly.Anomaly.CorrelationId, anomaly);
        }

        if (raised is not null)
        {
            try
            {
                await events.AppendAsync(raised, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // The readings are judged and their anomalies handed on; only the data-quality entries are lost, loudly.
                logger.LogError(ex, "Recording {Count} data-quality issues of sensor {SensorId} failed", raised.Count, batch.Sensor.SensorId);
            }
        }

        if (time.GetUtcNow() - _savedAt >= SaveEvery)
        {
            await SaveAsync();
        }

        AgentTelemetry.ReadingsObserved.Add(batch.Readings.Length);
        AgentTelemetry.JudgementLatency.Record((time.GetUtcNow() - batch.AcceptedAt).TotalSeconds);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await SaveAsync();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    private async Task SaveAsync()
    {
        if (_monitor is null || _monitor.LearnedUpToMicros == 0)
        {
            return;
        }

        state.State = Current(_monitor);
        await state.WriteStateAsync();
        _savedAt = time.GetUtcNow();
    }

    private static SensorDetectorState Current(SensorSignalMonitor monitor) =>
        new(monitor.Sensor.Key, monitor.LearnedUpToMicros, monitor.Snapshot());

    /// <summary>Learns the stored readings from <paramref name="fromMicros"/> up to the batch (the newest <see cref="WarmUpReadings"/> of them).</summary>
    private async Task WarmUpAsync(SensorSignalMonitor monitor, SensorReadings batch, long fromMicros)
    {
        var sensor = batch.Sensor;
        var history = await readings.QueryAsync(sensor.TenantId, sensor.Key, fromMicros, batch.Readings[0].TimestampMicros,
            WarmUpReadings, CancellationToken.None);
        for (var i = history.Count - 1; i >= 0; i--)
        {
            monitor.Observe(history[i]);
        }

        logger.LogDebug("Sensor agent {SensorId} warmed up on {Count} stored readings", sensor.SensorId, history.Count);
    }

    /// <summary>
    /// The anomaly and what validation needs to know about it, built in this turn from the monitor's state; recording it
    /// and everything after happen off the turn, so judging the stream never waits for them.
    /// </summary>
    private DetectedAnomaly Detect(SensorSignalMonitor monitor, Reading reading, SignalObservation observation, DateTimeOffset acceptedAt)
    {
        var sensor = monitor.Sensor;
        var window = monitor.Context();
        var anomaly = new Anomaly(Guid.NewGuid(), sensor.TenantId, sensor.Key, sensor.SensorId, sensor.AssetId, reading.Timestamp,
            time.GetUtcNow(), window[0].Timestamp, window[^1].Timestamp, reading.Value, observation.Score, SensorSignalMonitor.SeverityOf(observation),
            observation.Detectors, AnomalyStatus.Detected, drills.Claim(sensor.TenantId, sensor.AssetId, reading.Timestamp) ?? NewCorrelationId());
        return new DetectedAnomaly(anomaly, observation.Issues, observation.Z, [.. window.Select(r => new ContextPoint(r.Timestamp, r.Value))],
            acceptedAt);
    }

    /// <summary>Each finding starts its own story; the case it may become keeps this id.</summary>
    private static string NewCorrelationId() => Guid.NewGuid().ToString("N");
}
