using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>Alarm rules per tenant in SQLite (scope stored as its number: 0 sensor, 1 sensor type).</summary>
public sealed class SqliteAlarmRuleStore(SqliteDatabase database) : IAlarmRuleStore
{
    public async Task<IReadOnlyList<AlarmRule>> ListAsync(long tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            """
            SELECT tenant_id, scope, target, high, low, hysteresis, delay_seconds, max_rate_per_minute, updated_by, updated_at
            FROM alarm_rules WHERE tenant_id = $t ORDER BY scope DESC, target
            """,
            r => new AlarmRule(r.GetInt64(0), (AlarmRuleScope)r.GetInt32(1), r.GetString(2), r.GetNullableDouble(3), r.GetNullableDouble(4),
                r.GetDouble(5), TimeSpan.FromSeconds(r.GetDouble(6)), r.GetNullableDouble(7), r.GetString(8), r.GetTime(9)),
            cancellationToken, ("$t", tenantId));
    }

    public async Task SetAsync(AlarmRule rule, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO alarm_rules (tenant_id, scope, target, high, low, hysteresis, delay_seconds, max_rate_per_minute, updated_by, updated_at)
            VALUES ($t, $scope, $target, $high, $low, $hysteresis, $delay, $rate, $by, $at)
            ON CONFLICT (tenant_id, scope, target) DO UPDATE SET high = excluded.high, low = excluded.low, hysteresis = excluded.hysteresis,
                delay_seconds = excluded.delay_seconds, max_rate_per_minute = excluded.max_rate_per_minute, updated_by = excluded.updated_by,
                updated_at = excluded.updated_at
            """,
            cancellationToken, ("$t", rule.TenantId), ("$scope", (int)rule.Scope), ("$target", rule.Target), ("$high", rule.High), ("$low", rule.Low),
            ("$hysteresis", rule.Hysteresis), ("$delay", rule.Delay.TotalSeconds), ("$rate", rule.MaxRatePerMinute), ("$by", rule.UpdatedBy),
            ("$at", UnixMicros.From(rule.UpdatedAt)));
    }

    public async Task<bool> DeleteAsync(long tenantId, AlarmRuleScope scope, string target, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync("DELETE FROM alarm_rules WHERE tenant_id = $t AND scope = $scope AND target = $target",
            cancellationToken, ("$t", tenantId), ("$scope", (int)scope), ("$target", target)) > 0;
    }
}
