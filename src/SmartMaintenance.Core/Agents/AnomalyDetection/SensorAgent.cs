using System.Buffers.Binary;
using System.Security.Cryptography;

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
/// What a sensor agent keeps across restarts: its monitor's learning and the last reading it judged (the watermark). A
/// state saved by an earlier version (the ensemble's, under another name) reads back with no <see cref="Monitor"/> and is
/// learned again.
/// </summary>
public sealed record SensorDetectorState(long SensorKey, long LearnedUpToMicros, SensorMonitorState? Monitor);

/// <summary>
/// Judges one sensor's stream. What its monitor has learned (the resonance detector's categories and vigilances, the
/// level baseline) is kept in grain state with the watermark it reached — written after the first batch of an activation,
/// every few minutes while readings flow, and when the grain deactivates.
/// <para>
/// <b>At-least-once judging.</b> A reading acknowledged as stored is judged even if the process that stored it died
/// before passing it on: on activation the agent restores its monitor and judges, as if they had just arrived, the
/// readings stored after the saved watermark and before the batch at hand (anomalies raised, validated, cased as usual);
/// and when the cluster's membership changes (a node died or joined), or a batch starts more than two sample intervals
/// after the last judged reading, a running agent does the same for the stretch between its last judged reading and the
/// next batch, which a dead node may have stored without passing on. Readings
/// judged before a crash and after the last save are judged again: their anomalies keep the same id (derived from the
/// sensor and the reading's time), so validation finds them already judged and nothing downstream repeats; a
/// data-quality entry of such a reading may be recorded twice. Without a saved state (a new sensor, or a state from
/// before) the agent learns from the sensor's latest stored readings without judging them.
/// </para>
/// </summary>
public sealed class SensorAgent(
    [PersistentState("detector", "sensors")] IPersistentState<SensorDetectorState> state,
    IReadingStore readings, IEventLog events, AgentStepRunner steps, FaultDrills drills, DetectorSettingsProvider detectorSettings,
    IClusterMembershipService membership, TimeProvider time, ILogger<SensorAgent> logger)
    : Grain, ISensorAgent
{
    /// <summary>Most stored readings one catch-up judges (the newest of a longer stretch); about a second of work.</summary>
    public const int CatchUpLimit = 200_000;


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
    private MembershipVersion _clusterVersion;

    /// <summary>The restored watermark, until the monitor judges its first reading of this activation.</summary>
    private long _restoredWatermark;

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
            _restoredWatermark = saved?.LearnedUpToMicros ?? 0;
            _clusterVersion = membership.CurrentSnapshot.Version;
            if (saved is null)
            {
                await WarmUpAsync(_monitor, batch);
            }
            else
            {
                await CatchUpAsync(_monitor, batch);
            }

            // The watermark is written at the end of this first batch: from then on a crash loses no judgement.
            _savedAt = DateTimeOffset.MinValue;
        }
        else
        {
            if (version != _settingsVersion)
            {
                _settingsVersion = version;
                _monitor.Reconfigure(await detectorSettings.ForAsync(batch.Sensor.TenantId, batch.Sensor.Type, CancellationToken.None),
                    await detectorSettings.RuleForAsync(batch.Sensor, CancellationToken.None));
            }

            if (membership.CurrentSnapshot.Version is var cluster && (cluster != _clusterVersion || SkipsReadings(_monitor, batch)))
            {
                _clusterVersion = cluster;
                await CatchUpAsync(_monitor, batch);
            }
        }

        await JudgeAsync(_monitor, batch.Readings, batch.AcceptedAt);

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

    /// <summary>
    /// Whether the batch starts more than two sample intervals after the last reading judged: the readings in between
    /// may be stored without having reached this agent — by a node that died before passing them on, while the sensor's
    /// next readings came in through another node before the cluster noticed — so the store is asked (one range query;
    /// it finds nothing when the sensor was simply silent). Sensors without a sample interval rely on the membership
    /// change alone.
    /// </summary>
    private static bool SkipsReadings(SensorSignalMonitor monitor, SensorReadings batch) =>
        batch.Sensor.SampleIntervalSeconds > 0 && monitor.LearnedUpToMicros > 0
        && batch.Readings[0].TimestampMicros - monitor.LearnedUpToMicros > 2 * batch.Sensor.SampleIntervalSeconds * 1_000_000;

    private static SensorDetectorState Current(SensorSignalMonitor monitor) =>
        new(monitor.Sensor.Key, monitor.LearnedUpToMicros, monitor.Snapshot());

    /// <summary>
    /// Observes readings in time order; starts the anomalies they raise (handed to validation) and records the
    /// data-quality issues they raise.
    /// </summary>
    private async Task JudgeAsync(SensorSignalMonitor monitor, IReadOnlyList<Reading> batch, DateTimeOffset acceptedAt)
    {
        var sensor = monitor.Sensor;
        List<AuditEvent>? raised = null;
        List<DetectedAnomaly>? detected = null;
        foreach (var reading in batch)
        {
            var observation = monitor.Observe(reading);
            if (observation.StartsAnomaly)
            {
                (detected ??= []).Add(Detect(monitor, reading, observation, acceptedAt));
            }

            if (observation.RaisedIssues != DataQualityIssues.None)
            {
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
                logger.LogError(ex, "Recording {Count} data-quality issues of sensor {SensorId} failed", raised.Count, sensor.SensorId);
            }
        }
    }

    /// <summary>
    /// Judges the readings stored after the watermark and before the batch — ones no agent judged, or judged before a crash
    /// undid it — oldest first, at most the newest <see cref="CatchUpLimit"/> of them.
    /// </summary>
    private async Task CatchUpAsync(SensorSignalMonitor monitor, SensorReadings batch)
    {
        var watermark = Math.Max(monitor.LearnedUpToMicros, _restoredWatermark);
        var before = batch.Readings[0].TimestampMicros;
        if (watermark <= 0 || watermark + 1 >= before)
        {
            return;
        }

        var sensor = batch.Sensor;
        var newest = await readings.QueryAsync(sensor.TenantId, sensor.Key, watermark + 1, before, CatchUpLimit + 1, CancellationToken.None);
        if (newest.Count == 0)
        {
            return;
        }

        if (newest.Count > CatchUpLimit)
        {
            logger.LogWarning("Sensor agent {SensorId} found more than {Limit} stored readings it never judged; it judges the newest {Limit}",
                sensor.SensorId, CatchUpLimit, CatchUpLimit);
        }

        var judged = Math.Min(newest.Count, CatchUpLimit);
        var oldestFirst = new Reading[judged];
        for (var i = 0; i < judged; i++)
        {
            oldestFirst[i] = newest[judged - 1 - i];
        }

        await JudgeAsync(monitor, oldestFirst, time.GetUtcNow());
        AgentTelemetry.ReadingsCaughtUp.Add(judged);
        logger.LogInformation("Sensor agent {SensorId} judged {Count} stored readings after its watermark", sensor.SensorId, judged);
    }

    /// <summary>Learns the newest <see cref="WarmUpReadings"/> stored readings before the batch, without judging them.</summary>
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
        var anomaly = new Anomaly(AnomalyIdOf(sensor, reading), sensor.TenantId, sensor.Key, sensor.SensorId, sensor.AssetId, reading.Timestamp,
            time.GetUtcNow(), window[0].Timestamp, window[^1].Timestamp, reading.Value, observation.Score, SensorSignalMonitor.SeverityOf(observation),
            observation.Detectors, AnomalyStatus.Detected, drills.Claim(sensor.TenantId, sensor.AssetId, reading.Timestamp) ?? NewCorrelationId());
        return new DetectedAnomaly(anomaly, observation.Issues, observation.Z, [.. window.Select(r => new ContextPoint(r.Timestamp, r.Value))],
            acceptedAt);
    }

    /// <summary>
    /// The anomaly a reading starts is named by the sensor and the reading's time: the same reading judged again (after a
    /// crash) names the same anomaly, which validation then finds already judged.
    /// </summary>
    public static Guid AnomalyIdOf(Sensor sensor, in Reading reading)
    {
        Span<byte> key = stackalloc byte[24];
        BinaryPrimitives.WriteInt64LittleEndian(key, sensor.TenantId);
        BinaryPrimitives.WriteInt64LittleEndian(key[8..], sensor.Key);
        BinaryPrimitives.WriteInt64LittleEndian(key[16..], reading.TimestampMicros);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(key, hash);
        return new Guid(hash[..16]);
    }

    /// <summary>Each finding starts its own story; the case it may become keeps this id.</summary>
    private static string NewCorrelationId() => Guid.NewGuid().ToString("N");
}
