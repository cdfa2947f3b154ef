using SmartMaintenance.Agents.Contracts;
using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.Scheduling;

/// <summary>
/// Creates the work order with its priority, due date and the skills the asset's sensors call for. Assigning
/// technicians under skills, shifts and load is the scheduling solver's job; until then orders stay planned.
/// </summary>
public sealed class SchedulingAgent(IMaintenanceStore store, ICatalogStore catalog, IEventLog events, TimeProvider time)
    : Grain, ISchedulingAgent
{
    public async Task<WorkOrder> CreateWorkOrderAsync(MaintenanceCase approved)
    {
        if (approved.WorkOrderId is { } existing && await store.FindWorkOrderAsync(approved.TenantId, existing, CancellationToken.None) is { } order)
        {
            return order;
        }

        var now = time.GetUtcNow();
        var sensors = await catalog.ListSensorsAsync(approved.TenantId, approved.AssetId, CancellationToken.None);
        var (priority, within) = approved.Severity switch
        {
            AnomalySeverity.Critical => (1, TimeSpan.FromHours(24)),
            AnomalySeverity.High => (2, TimeSpan.FromDays(3)),
            AnomalySeverity.Medium => (3, TimeSpan.FromDays(7)),
            _ => (4, TimeSpan.FromDays(14)),
        };
        // Never later than half the remaining useful life: the work must happen before the predicted failure.
        if (approved.RemainingUsefulLife is { } rul && rul / 2 < within)
        {
            within = rul / 2;
        }

        var workOrder = new WorkOrder(Guid.NewGuid(), approved.TenantId, approved.CaseId, approved.AssetId, WorkOrderStatus.Planned,
            SkillsFor(sensors), priority, now + within, null, now, approved.CorrelationId);
        await store.SaveWorkOrderAsync(workOrder, CancellationToken.None);
        await events.RecordAsync(approved.TenantId, AgentEventTypes.MaintenanceScheduled, approved.CorrelationId, AgentNames.Scheduling,
            new MaintenanceScheduled(workOrder.WorkOrderId, workOrder.CaseId, workOrder.AssetId, workOrder.Priority, workOrder.DueBy, workOrder.RequiredSkills));
        return workOrder;
    }

    /// <summary>The trades an asset's measurements point to.</summary>
    public static IReadOnlyList<string> SkillsFor(IEnumerable<Sensor> sensors)
    {
        var skills = new SortedSet<string>(StringComparer.Ordinal) { "mechanical" };
        foreach (var sensor in sensors)
        {
            var skill = sensor.Type.ToLowerInvariant() switch
            {
                "vibration" => "vibration-analysis",
                "current" or "voltage" or "power" => "electrical",
                "pressure" or "flow" => "hydraulics",
                "temperature" => "thermal",
                _ => null,
            };
            if (skill is not null)
            {
                skills.Add(skill);
            }
        }

        return [.. skills];
    }
}
