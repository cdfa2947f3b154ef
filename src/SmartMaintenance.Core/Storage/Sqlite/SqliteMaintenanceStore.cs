using System.Text.Json;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>
/// Cases, decisions and work orders in SQLite: each row keeps the record as JSON in <c>body</c>, next to the columns
/// that queries filter and sort on.
/// </summary>
public sealed class SqliteMaintenanceStore(SqliteDatabase database) : IMaintenanceStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    public async Task SaveCaseAsync(MaintenanceCase maintenanceCase, CancellationToken cancellationToken)
    {
        var c = maintenanceCase;
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO cases (case_id, tenant_id, asset_id, state, updated_at, due_at, body) VALUES ($id, $t, $asset, $state, $at, $due, $body)
            ON CONFLICT (case_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at, due_at = excluded.due_at,
                body = excluded.body
            """,
            cancellationToken, ("$id", c.CaseId.ToString()), ("$t", c.TenantId), ("$asset", c.AssetId), ("$state", c.State.ToString()),
            ("$at", UnixMicros.From(c.UpdatedAt)), ("$due", c.DueAt is { } due ? UnixMicros.From(due) : null),
            ("$body", JsonSerializer.Serialize(c, Json)));
    }

    public async Task<MaintenanceCase?> FindCaseAsync(long tenantId, Guid caseId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync("SELECT body FROM cases WHERE tenant_id = $t AND case_id = $id",
            r => JsonSerializer.Deserialize<MaintenanceCase>(r.GetString(0), Json)!, cancellationToken, ("$t", tenantId), ("$id", caseId.ToString()));
        return rows.SingleOrDefault();
    }

    public async Task<IReadOnlyList<MaintenanceCase>> ListCasesAsync(
        long tenantId, IReadOnlyCollection<CaseState>? states, string? assetId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var stateList = states is null ? null : JsonSerializer.Serialize(states.Select(s => s.ToString()));
        return await connection.ListAsync(
            """
            SELECT body FROM cases
            WHERE tenant_id = $t AND ($states IS NULL OR state IN (SELECT value FROM json_each($states)))
              AND ($asset IS NULL OR asset_id = $asset)
            ORDER BY updated_at DESC LIMIT $limit
            """,
            r => JsonSerializer.Deserialize<MaintenanceCase>(r.GetString(0), Json)!, cancellationToken,
            ("$t", tenantId), ("$states", stateList), ("$asset", assetId), ("$limit", limit));
    }

    public async Task<IReadOnlyList<Guid>> ListDueCasesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync("SELECT case_id FROM cases WHERE due_at <= $now ORDER BY due_at LIMIT $limit",
            r => Guid.Parse(r.GetString(0)), cancellationToken, ("$now", UnixMicros.From(now)), ("$limit", limit));
    }

    public async Task SaveDecisionAsync(Decision decision, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO decisions (decision_id, tenant_id, case_id, decided_at, body) VALUES ($id, $t, $case, $at, $body)",
            cancellationToken, ("$id", decision.DecisionId.ToString()), ("$t", decision.TenantId), ("$case", decision.CaseId.ToString()),
            ("$at", UnixMicros.From(decision.DecidedAt)), ("$body", JsonSerializer.Serialize(decision, Json)));
    }

    public async Task<IReadOnlyList<Decision>> ListDecisionsAsync(long tenantId, Guid? caseId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            "SELECT body FROM decisions WHERE tenant_id = $t AND ($case IS NULL OR case_id = $case) ORDER BY decided_at DESC LIMIT $limit",
            r => JsonSerializer.Deserialize<Decision>(r.GetString(0), Json)!, cancellationToken,
            ("$t", tenantId), ("$case", caseId?.ToString()), ("$limit", limit));
    }

    public async Task SaveWorkOrderAsync(WorkOrder workOrder, CancellationToken cancellationToken)
    {
        var w = workOrder;
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO work_orders (work_order_id, tenant_id, case_id, status, created_at, body) VALUES ($id, $t, $case, $status, $at, $body)
            ON CONFLICT (work_order_id) DO UPDATE SET status = excluded.status, body = excluded.body
            """,
            cancellationToken, ("$id", w.WorkOrderId.ToString()), ("$t", w.TenantId), ("$case", w.CaseId.ToString()),
            ("$status", w.Status.ToString()), ("$at", UnixMicros.From(w.CreatedAt)), ("$body", JsonSerializer.Serialize(w, Json)));
    }

    public async Task<WorkOrder?> FindWorkOrderAsync(long tenantId, Guid workOrderId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync("SELECT body FROM work_orders WHERE tenant_id = $t AND work_order_id = $id",
            r => JsonSerializer.Deserialize<WorkOrder>(r.GetString(0), Json)!, cancellationToken, ("$t", tenantId), ("$id", workOrderId.ToString()));
        return rows.SingleOrDefault();
    }

    public async Task<IReadOnlyList<WorkOrder>> ListWorkOrdersAsync(
        long tenantId, WorkOrderStatus? status, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            "SELECT body FROM work_orders WHERE tenant_id = $t AND ($status IS NULL OR status = $status) ORDER BY created_at DESC LIMIT $limit",
            r => JsonSerializer.Deserialize<WorkOrder>(r.GetString(0), Json)!, cancellationToken,
            ("$t", tenantId), ("$status", status?.ToString()), ("$limit", limit));
    }
}
