using SmartMaintenance.Detection;
using SmartMaintenance.Domain;

namespace SmartMaintenance.Agents.Contracts;

/// <summary>
/// The original system's Validation agent, one grain per sensor so that one sensor's anomalies are judged one at a
/// time (duplicates and floods are decided against a settled history). A validated anomaly goes on to its asset's
/// Prediction agent.
/// </summary>
public interface IValidationAgent : IGrainWithIntegerKey
{
    Task<Anomaly> ValidateAsync(Anomaly anomaly, DataQualityIssues issues);
}
