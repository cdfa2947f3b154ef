using SmartMaintenance.Agents.Contracts;
using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.Learning;

/// <summary>Learning: see <see cref="Contracts.ILearningAgent"/>.</summary>
public sealed class LearningAgent(ILabelStore labels, IEventLog events, TimeProvider time) : Grain, ILearningAgent
{
    public async Task<int> RecordOutcomeAsync(MaintenanceCase closed, WorkOrder completed)
    {
        var outcome = completed.Completion?.Outcome == MaintenanceOutcome.ProblemFound ? AnomalyOutcome.TrueAlarm : AnomalyOutcome.FalseAlarm;
        var now = time.GetUtcNow();
        var labelled = closed.AnomalyIds.Select(id => new AnomalyLabel(id, closed.TenantId, outcome, completed.WorkOrderId, now)).ToList();
        await labels.SaveAsync(labelled, CancellationToken.None);
        await events.RecordAsync(closed.TenantId, AgentEventTypes.OutcomeLabelled, closed.CorrelationId, AgentNames.Learning,
            new OutcomeLabelled(closed.CaseId, completed.WorkOrderId, outcome, closed.AnomalyIds));
        return labelled.Count;
    }
}
