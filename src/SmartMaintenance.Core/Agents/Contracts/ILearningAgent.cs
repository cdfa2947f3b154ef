using SmartMaintenance.Domain;

namespace SmartMaintenance.Agents.Contracts;

/// <summary>
/// The original system's Learning agent, one grain per tenant. Today it turns completed maintenance into outcome
/// labels on the anomalies that led to it (true or false alarm); drift detection and retraining build on them.
/// </summary>
public interface ILearningAgent : IGrainWithIntegerKey
{
    Task<int> RecordOutcomeAsync(MaintenanceCase closed, WorkOrder completed);
}
