using SmartMaintenance.Domain;

namespace SmartMaintenance.Agents.Contracts;

/// <summary>
/// One grain per sensor (keyed by the sensor's store key): data-quality checks and streaming anomaly detection
/// over that sensor's readings, in arrival order. Plays the original system's AnomalyDetection agent.
/// </summary>
public interface ISensorAgent : IGrainWithIntegerKey
{
    Task ObserveAsync(SensorReadings batch);
}

/// <summary>Newly stored readings of one sensor, oldest first, with the sensor's definition at that moment.</summary>
[GenerateSerializer, Immutable]
public sealed record SensorReadings(Sensor Sensor, Reading[] Readings, DateTimeOffset AcceptedAt);
