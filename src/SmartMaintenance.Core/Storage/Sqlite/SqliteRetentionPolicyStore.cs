using Microsoft.Data.Sqlite;

using SmartMaintenance.Agents;
using SmartMaintenance.Domain;
using SmartMaintenance.Storage.Retention;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>Retention policies per tenant in SQLite; the last run is kept beside the policy as JSON.</summary>
public sealed class SqliteRetentionPolicyStore(SqliteDatabase database) : IRetentionPolicyStore
{
    public async Task<RetentionPolicy?> FindAsync(long tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var found = await connection.ListAsync($"SELECT {RetentionSteps.PolicyColumns} FROM retention_policies WHERE tenant_id = $t", Read, cancellationToken, ("$t", tenantId));
        return found.Count > 0 ? found[0] : null;
    }

    public async Task<IReadOnlyList<RetentionPolicy>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync($"SELECT {RetentionSteps.PolicyColumns} FROM retention_policies ORDER BY tenant_id", Read, cancellationToken);
    }

    public async Task SetAsync(RetentionPolicy policy, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            RetentionSteps.PolicyUpsert,
            cancellationToken, ("$1", policy.TenantId), ("$2", policy.RawDays), ("$3", policy.MinuteRollupDays), ("$4", policy.HourRollupDays),
            ("$5", policy.ExportDropped), ("$6", policy.UpdatedBy), ("$7", UnixMicros.From(policy.UpdatedAt)));
    }

    public async Task<bool> DeleteAsync(long tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync("DELETE FROM retention_policies WHERE tenant_id = $t", cancellationToken, ("$t", tenantId)) > 0;
    }

    public async Task SaveRunAsync(long tenantId, RetentionRun run, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("UPDATE retention_policies SET last_run = $run WHERE tenant_id = $t", cancellationToken,
            ("$t", tenantId), ("$run", AgentJson.Serialize(run)));
    }

    private static RetentionPolicy Read(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.IsDBNull(3) ? null : r.GetInt32(3), r.GetBoolean(4), r.GetString(5),
        r.GetTime(6), r.GetNullableString(7) is { } run ? AgentJson.Deserialize<RetentionRun>(run) : null);
}
