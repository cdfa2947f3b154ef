using SmartMaintenance.Domain;

using static SmartMaintenance.Storage.Postgres.PostgresCommands;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>Alarm rules per tenant in PostgreSQL (scope stored as its number: 0 sensor, 1 sensor type).</summary>
public sealed class PostgresAlarmRuleStore(PostgresDatabase database) : IAlarmRuleStore
{
    public async Task<IReadOnlyList<AlarmRule>> ListAsync(long tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            """
            SELECT tenant_id, scope, target, high, low, hysteresis, delay_seconds, max_rate_per_minute, updated_by, updated_at
            FROM alarm_rules WHERE tenant_id = $1 ORDER BY scope DESC, target
            """,
            r => new AlarmRule(r.GetInt64(0), (AlarmRuleScope)r.GetInt16(1), r.GetString(2), r.GetNullableDouble(3), r.GetNullableDouble(4),
                r.GetDouble(5), TimeSpan.FromSeconds(r.GetDouble(6)), r.GetNullableDouble(7), r.GetString(8), r.GetTime(9)),
            cancellationToken, tenantId);
    }

    public async Task SetAsync(AlarmRule rule, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO alarm_rules (tenant_id, scope, target, high, low, hysteresis, delay_seconds, max_rate_per_minute, updated_by, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (tenant_id, scope, target) DO UPDATE SET high = excluded.high, low = excluded.low, hysteresis = excluded.hysteresis,
                delay_seconds = excluded.delay_seconds, max_rate_per_minute = excluded.max_rate_per_minute, updated_by = excluded.updated_by,
                updated_at = excluded.updated_at
            """,
            cancellationToken, rule.TenantId, (short)rule.Scope, rule.Target, rule.High, rule.Low, rule.Hysteresis, rule.Delay.TotalSeconds,
            rule.MaxRatePerMinute, rule.UpdatedBy, Utc(rule.UpdatedAt));
    }

    public async Task<bool> DeleteAsync(long tenantId, AlarmRuleScope scope, string target, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync("DELETE FROM alarm_rules WHERE tenant_id = $1 AND scope = $2 AND target = $3",
            cancellationToken, tenantId, (short)scope, target) > 0;
    }
}
