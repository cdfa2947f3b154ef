using SmartMaintenance.Domain;

namespace SmartMaintenance.Agents.Contracts;

/// <summary>The original system's Scheduling agent, one grain per tenant: turns approved cases into work orders.</summary>
public interface ISchedulingAgent : IGrainWithIntegerKey
{
    Task<WorkOrder> CreateWorkOrderAsync(MaintenanceCase approved);
}
