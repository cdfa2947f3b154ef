using System.Text.Json;

using SmartMaintenance.Domain;

using static SmartMaintenance.Storage.Postgres.PostgresCommands;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>
/// Cases, decisions and work orders in PostgreSQL: each row keeps the record as JSON text in <c>body</c>, next to the
/// columns that queries filter and sort on. Answers as the SQLite store does.
/// </summary>
public sealed class PostgresMaintenanceStore(PostgresDatabase database) : IMaintenanceStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    public async Task SaveCaseAsync(MaintenanceCase maintenanceCase, CancellationToken cancellationToken)
    {
        var c = maintenanceCase;
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO cases (case_id, tenant_id, asset_id, state, updated_at, due_at, body) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (case_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at, due_at = excluded.due_at,
                body = excluded.body
            """,
            cancellationToken, c.CaseId, c.TenantId, c.AssetId, c.State.ToString(), Utc(c.UpdatedAt),
            c.DueAt is { } due ? Utc(due) : (DateTimeOffset?)null, JsonSerializer.Serialize(c, Json));
    }

    public async Task<MaintenanceCase?> FindCaseAsync(long tenantId, Guid caseId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync("SELECT body FROM cases WHERE tenant_id = $1 AND case_id = $2",
            r => JsonSerializer.Deserialize<MaintenanceCase>(r.GetString(0), Json)!, cancellationToken, tenantId, caseId);
        return rows.SingleOrDefault();
    }

    public async Task<IReadOnlyList<MaintenanceCase>> ListCasesAsync(
        long tenantId, IReadOnlyCollection<CaseState>? states, string? assetId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            """
            SELECT body FROM cases
            WHERE tenant_id = $1 AND ($2::text[] IS NULL OR state = ANY($2)) AND ($3::text IS NULL OR asset_id = $3)
            ORDER BY updated_at DESC LIMIT $4
            """,
            r => JsonSerializer.Deserialize<MaintenanceCase>(r.GetString(0), Json)!, cancellationToken,
            tenantId, states?.Select(s => s.ToString()).ToArray(), assetId, limit);
    }

    public async Task<IReadOnlyList<Guid>> ListDueCasesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync("SELECT case_id FROM cases WHERE due_at <= $1 ORDER BY due_at LIMIT $2",
            r => r.GetGuid(0), cancellationToken, Utc(now), limit);
    }

    public async Task SaveDecisionAsync(Decision decision, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO decisions (decision_id, tenant_id, case_id, decided_at, body) VALUES ($1, $2, $3, $4, $5)",
            cancellationToken, decision.DecisionId, decision.TenantId, decision.CaseId, Utc(decision.DecidedAt), JsonSerializer.Serialize(decision, Json));
    }

    public async Task<IReadOnlyList<Decision>> ListDecisionsAsync(long tenantId, Guid? caseId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            "SELECT body FROM decisions WHERE tenant_id = $1 AND ($2::uuid IS NULL OR case_id = $2) ORDER BY decided_at DESC LIMIT $3",
            r => JsonSerializer.Deserialize<Decision>(r.GetString(0), Json)!, cancellationToken, tenantId, caseId, limit);
    }

    public async Task SaveWorkOrderAsync(WorkOrder workOrder, CancellationToken cancellationToken)
    {
        var w = workOrder;
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO work_orders (work_order_id, tenant_id, case_id, status, created_at, body) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (work_order_id) DO UPDATE SET status = excluded.status, body = excluded.body
            """,
            cancellationToken, w.WorkOrderId, w.TenantId, w.CaseId, w.Status.ToString(), Utc(w.CreatedAt), JsonSerializer.Serialize(w, Json));
    }

    public async Task<WorkOrder?> FindWorkOrderAsync(long tenantId, Guid workOrderId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync("SELECT body FROM work_orders WHERE tenant_id = $1 AND work_order_id = $2",
            r => JsonSerializer.Deserialize<WorkOrder>(r.GetString(0), Json)!, cancellationToken, tenantId, workOrderId);
        return rows.SingleOrDefault();
    }

    public async Task<IReadOnlyList<WorkOrder>> ListWorkOrdersAsync(
        long tenantId, WorkOrderStatus? status, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            "SELECT body FROM work_orders WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY created_at DESC LIMIT $3",
            r => JsonSerializer.Deserialize<WorkOrder>(r.GetString(0), Json)!, cancellationToken, tenantId, status?.ToString(), limit);
    }
}
