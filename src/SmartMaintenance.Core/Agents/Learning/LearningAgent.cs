using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.Learning;

/// <summary>
/// The original system's Learning agent, one grain per tenant. Today it turns completed maintenance into outcome
/// labels on the anomalies that led to it (true or false alarm); drift detection and retraining build on them.
/// </summary>
public interface ILearningAgent : IGrainWithIntegerKey
{
    Task<int> RecordOutcomeAsync(MaintenanceCase closed, WorkOrder completed);
}

public sealed class LearningAgent(ILabelStore labels, IEventLog events, TimeProvider time) : Grain, ILearningAgent
{
    public async Task<int> RecordOutcomeAsync(MaintenanceCase closed, WorkOrder completed)
    {
        var outcome = completed.Completion?.Outcome == MaintenanceOutcome.ProblemFound ? AnomalyOutcome.TrueAlarm : AnomalyOutcome.FalseAlarm;
        var now = time.GetUtcNow();
        var labelled = closed.AnomalyIds.Select(id => new AnomalyLabel(id, closed.TenantId, outcome, completed.WorkOrderId, now)).ToList();
        await labels.SaveAsync(labelled, CancellationToken.None);
        await events.RecordAsync(closed.TenantId, AgentEventTypes.OutcomeLabelled, closed.CorrelationId, AgentNames.Learning,
            new { closed.CaseId, completed.WorkOrderId, Label = outcome, AnomalyIds = closed.AnomalyIds });
        return labelled.Count;
    }
}
