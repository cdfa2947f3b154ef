using SmartMaintenance.Domain;

namespace SmartMaintenance.Agents.Contracts;

/// <summary>The original system's MaintenanceLog agent, one grain per tenant: records completed maintenance.</summary>
public interface IMaintenanceLogAgent : IGrainWithIntegerKey
{
    Task<WorkOrderCommandResult> CompleteAsync(Guid workOrderId, MaintenanceRecord record);
}

/// <summary>The completed work order, or why completion was refused.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkOrderCommandResult(WorkOrder? WorkOrder, string? Error, bool NotFound = false);
