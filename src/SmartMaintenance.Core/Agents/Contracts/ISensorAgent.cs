using SmartMaintenance.Domain;

namespace SmartMaintenance.Agents.Contracts;

/// <summary>
/// One grain per sensor (keyed by the sensor's store key): data-quality checks and streaming anomaly detection
/// over that sensor's readings, in arrival order. Plays the original system's AnomalyDetection agent.
/// </summary>
public interface ISensorAgent : IGrainWithIntegerKey
{
    /// <summary>
    /// Judges a batch: milliseconds, a second or two when it first catches up on a long stretch. A call that has not
    /// answered in 10 s is given up (a <see cref="TimeoutException"/>) and retried rather than waited on for Orleans'
    /// default 30 s: a call sent to a node just killed can get no answer at all, and the retry reaches the agent's
    /// new activation on a live node.
    /// </summary>
    [ResponseTimeout("00:00:10")]
    Task ObserveAsync(SensorReadings batch);
}

/// <summary>Newly stored readings of one sensor, oldest first, with the sensor's definition at that moment.</summary>
[GenerateSerializer, Immutable]
public sealed record SensorReadings(Sensor Sensor, Reading[] Readings, DateTimeOffset AcceptedAt);
