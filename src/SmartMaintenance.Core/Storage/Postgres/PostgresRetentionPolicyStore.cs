using Npgsql;

using SmartMaintenance.Agents;
using SmartMaintenance.Storage.Retention;

using static SmartMaintenance.Storage.Postgres.PostgresCommands;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>Retention policies per tenant in PostgreSQL; the last run is kept beside the policy as JSON text.</summary>
public sealed class PostgresRetentionPolicyStore(PostgresDatabase database) : IRetentionPolicyStore
{
    public async Task<RetentionPolicy?> FindAsync(long tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var found = await connection.ListAsync($"SELECT {RetentionSteps.PolicyColumns} FROM retention_policies WHERE tenant_id = $1", Read, cancellationToken, tenantId);
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
            cancellationToken, policy.TenantId, policy.RawDays, policy.MinuteRollupDays, policy.HourRollupDays, policy.ExportDropped, policy.UpdatedBy,
            Utc(policy.UpdatedAt));
    }

    public async Task<bool> DeleteAsync(long tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync("DELETE FROM retention_policies WHERE tenant_id = $1", cancellationToken, tenantId) > 0;
    }

    public async Task SaveRunAsync(long tenantId, RetentionRun run, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("UPDATE retention_policies SET last_run = $2 WHERE tenant_id = $1", cancellationToken,
            tenantId, AgentJson.Serialize(run));
    }

    private static RetentionPolicy Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.IsDBNull(3) ? null : r.GetInt32(3), r.GetBoolean(4), r.GetString(5),
        r.GetTime(6), r.GetNullableString(7) is { } run ? AgentJson.Deserialize<RetentionRun>(run) : null);
}
