using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage;

public interface IPredictionStore
{
    Task SaveAsync(Prediction prediction, CancellationToken cancellationToken);

    /// <summary>Newest first, optionally for one asset.</summary>
    Task<IReadOnlyList<Prediction>> ListAsync(long tenantId, string? assetId, int limit, CancellationToken cancellationToken);

    Task<Prediction?> FindAsync(long tenantId, Guid predictionId, CancellationToken cancellationToken);
}

/// <summary>Cases (the queryable copy of the case grains' state), decisions and work orders.</summary>
public interface IMaintenanceStore
{
    Task SaveCaseAsync(MaintenanceCase maintenanceCase, CancellationToken cancellationToken);
    Task<MaintenanceCase?> FindCaseAsync(long tenantId, Guid caseId, CancellationToken cancellationToken);

    /// <summary>Most recently changed first; null filters mean any.</summary>
    Task<IReadOnlyList<MaintenanceCase>> ListCasesAsync(
        long tenantId, IReadOnlyCollection<CaseState>? states, string? assetId, int limit, CancellationToken cancellationToken);

    /// <summary>Cases of every tenant whose decision is overdue or whose deferral has ended, oldest first.</summary>
    Task<IReadOnlyList<Guid>> ListDueCasesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    Task SaveDecisionAsync(Decision decision, CancellationToken cancellationToken);
    Task<IReadOnlyList<Decision>> ListDecisionsAsync(long tenantId, Guid? caseId, int limit, CancellationToken cancellationToken);

    Task SaveWorkOrderAsync(WorkOrder workOrder, CancellationToken cancellationToken);
    Task<WorkOrder?> FindWorkOrderAsync(long tenantId, Guid workOrderId, CancellationToken cancellationToken);
    Task<IReadOnlyList<WorkOrder>> ListWorkOrdersAsync(long tenantId, WorkOrderStatus? status, int limit, CancellationToken cancellationToken);
}

public interface IReportStore
{
    Task SaveAsync(Report report, CancellationToken cancellationToken);
    Task<Report?> FindAsync(long tenantId, Guid reportId, CancellationToken cancellationToken);

    /// <summary>Newest first, without bodies' content changing; optionally about one subject.</summary>
    Task<IReadOnlyList<Report>> ListAsync(long tenantId, string? subject, int limit, CancellationToken cancellationToken);
}
