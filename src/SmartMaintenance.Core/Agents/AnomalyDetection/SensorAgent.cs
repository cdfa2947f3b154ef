using Microsoft.Extensions.Logging;

using SmartMaintenance.Agents.Contracts;
using SmartMaintenance.Detection;
using SmartMaintenance.Domain;
using SmartMaintenance.Simulation;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.AnomalyDetection;

/// <summary>
/// Judges one sensor's stream. Its detector state lives in memory and is rebuilt from the sensor's latest stored
/// readings when the grain activates, so a deactivation or a restart costs one query, not the baselines.
/// </summary>
public sealed class SensorAgent(
    IReadingStore readings, IEventLog events, AgentStepRunner steps, FaultDrills drills, DetectorSettingsProvider detectorSettings,
    TimeProvider time, ILogger<SensorAgent> logger)
    : Grain, ISensorAgent
{
    /// <summary>
    /// Readings replayed on activation: the ensemble's calibration learns from its warm-up (750 values), so a
    /// restarted agent judges from its first live reading; the daily profile refills as days pass.
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
            _monitor = new SensorSignalMonitor(batch.Sensor,
                await detectorSettings.ForAsync(batch.Sensor.TenantId, batch.Sensor.Type, CancellationToken.None));
            await WarmUpAsync(_monitor, batch);
        }
        else if (version != _settingsVersion)
        {
            _settingsVersion = version;
            _monitor.Reconfigure(await detectorSettings.ForAsync(batch.Sensor.TenantId, batch.Sensor.Type, CancellationToken.None));
        }

        List<AuditEvent>? raised = null;
        foreach (var reading in batch.Readings)
        {
            var observation = _monitor.Observe(reading);
            if (observation.StartsAnomaly)
            {
                var detected = Detect(_monitor, reading, observation, batch.AcceptedAt);
                steps.Detach("Recording and validating an anomaly",
                    () => steps.RunAsync(AgentSteps.Validate, detected.Anomaly.TenantId, detected.Anomaly.CorrelationId, detected));
            }

            if (observation.RaisedIssues != DataQualityIssues.None)
            {
                var sensor = batch.Sensor;
                (raised ??= []).Add(new AuditEvent(sensor.TenantId, AgentEventTypes.DataQualityIssueRaised, NewCorrelationId(),
                    AgentNames.AnomalyDetection, AgentJson.Serialize(new DataQualityIssueRaised(
                        sensor.SensorId, sensor.AssetId, reading.Timestamp, reading.Value, observation.RaisedIssues.ToString()))));
            }
        }

        if (raised is not null)
        {
            steps.Detach("Recording data-quality issues", () => events.AppendAsync(raised, CancellationToken.None));
        }

        AgentTelemetry.ReadingsObserved.Add(batch.Readings.Length);
        AgentTelemetry.JudgementLatency.Record((time.GetUtcNow() - batch.AcceptedAt).TotalSeconds);
    }

    private async Task WarmUpAsync(SensorSignalMonitor monitor, SensorReadings batch)
    {
        var sensor = batch.Sensor;
        var history = await readings.QueryAsync(sensor.TenantId, sensor.Key, long.MinValue, batch.Readings[0].TimestampMicros,
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
