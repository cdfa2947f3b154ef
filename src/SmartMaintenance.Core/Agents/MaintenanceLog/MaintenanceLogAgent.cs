using SmartMaintenance.Agents.Contracts;
using SmartMaintenance.Agents.Orchestrator;
using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.MaintenanceLog;

/// <summary>Closes the work order with what was found and done, then completes its case.</summary>
public sealed class MaintenanceLogAgent(IMaintenanceStore store, IEventLog events) : Grain, IMaintenanceLogAgent
{
    public async Task<WorkOrderCommandResult> CompleteAsync(Guid workOrderId, MaintenanceRecord record)
    {
        var tenantId = this.GetPrimaryKeyLong();
        if (await store.FindWorkOrderAsync(tenantId, workOrderId, CancellationToken.None) is not { } order)
        {
            return new WorkOrderCommandResult(null, $"No work order '{workOrderId}' in this tenant.", NotFound: true);
        }

        if (order.Status is WorkOrderStatus.Completed or WorkOrderStatus.Cancelled)
        {
            return new WorkOrderCommandResult(null, $"Work order '{workOrderId}' is already {order.Status.ToString().ToLowerInvariant()}.");
        }

        var completed = order with { Status = WorkOrderStatus.Completed, Completion = record };
        await store.SaveWorkOrderAsync(completed, CancellationToken.None);
        await events.RecordAsync(tenantId, AgentEventTypes.MaintenanceCompleted, order.CorrelationId, AgentNames.MaintenanceLog,
            new MaintenanceCompleted(order.WorkOrderId, order.CaseId, record.Outcome, record.Findings, record.Parts, record.DurationMinutes, record.CompletedBy));
        var result = await GrainFactory.GetGrain<IMaintenanceCaseAgent>(order.CaseId).CompleteAsync(completed);
        return result.Error is null ? new WorkOrderCommandResult(completed, null) : new WorkOrderCommandResult(null, result.Error);
    }
}
