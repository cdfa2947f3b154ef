using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>Detector sensitivities per tenant and sensor type in SQLite.</summary>
public sealed class SqliteDetectorSettingsStore(SqliteDatabase database) : IDetectorSettingsStore
{
    public async Task<IReadOnlyList<SensitivitySetting>> ListAsync(long tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            "SELECT tenant_id, sensor_type, sensitivity, updated_at FROM detector_settings WHERE tenant_id = $t ORDER BY sensor_type",
            r => new SensitivitySetting(r.GetInt64(0), r.GetString(1), r.GetDouble(2), r.GetTime(3)), cancellationToken, ("$t", tenantId));
    }

    public async Task SetAsync(SensitivitySetting setting, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO detector_settings (tenant_id, sensor_type, sensitivity, updated_at) VALUES ($t, $type, $s, $at)
            ON CONFLICT (tenant_id, sensor_type) DO UPDATE SET sensitivity = excluded.sensitivity, updated_at = excluded.updated_at
            """,
            cancellationToken, ("$t", setting.TenantId), ("$type", setting.SensorType), ("$s", setting.Sensitivity),
            ("$at", UnixMicros.From(setting.UpdatedAt)));
    }

    public async Task<bool> DeleteAsync(long tenantId, string sensorType, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync("DELETE FROM detector_settings WHERE tenant_id = $t AND sensor_type = $type",
            cancellationToken, ("$t", tenantId), ("$type", sensorType)) > 0;
    }
}
