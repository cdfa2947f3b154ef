using SmartMaintenance.Domain;

namespace SmartMaintenance.Agents.Contracts;

/// <summary>
/// The original system's Validation agent, one grain per sensor so that one sensor's anomalies are judged one at a
/// time (duplicates and floods are decided against a settled history). A validated anomaly goes on to its asset's
/// Prediction agent.
/// </summary>
public interface IValidationAgent : IGrainWithIntegerKey
{
    /// <summary>Records the anomaly and its AnomalyDetected entry (once, also when retried), then judges it.</summary>
    Task<Anomaly> ValidateAsync(DetectedAnomaly detected);
}
