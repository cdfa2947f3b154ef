using SmartMaintenance.Domain;

using static SmartMaintenance.Storage.Postgres.PostgresCommands;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>Detector sensitivities per tenant and sensor type in PostgreSQL.</summary>
public sealed class PostgresDetectorSettingsStore(PostgresDatabase database) : IDetectorSettingsStore
{
    public async Task<IReadOnlyList<SensitivitySetting>> ListAsync(long tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            "SELECT tenant_id, sensor_type, sensitivity, updated_at FROM detector_settings WHERE tenant_id = $1 ORDER BY sensor_type",
            r => new SensitivitySetting(r.GetInt64(0), r.GetString(1), r.GetDouble(2), r.GetTime(3)), cancellationToken, tenantId);
    }

    public async Task SetAsync(SensitivitySetting setting, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO detector_settings (tenant_id, sensor_type, sensitivity, updated_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (tenant_id, sensor_type) DO UPDATE SET sensitivity = excluded.sensitivity, updated_at = excluded.updated_at
            """,
            cancellationToken, setting.TenantId, setting.SensorType, setting.Sensitivity, Utc(setting.UpdatedAt));
    }

    public async Task<bool> DeleteAsync(long tenantId, string sensorType, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync("DELETE FROM detector_settings WHERE tenant_id = $1 AND sensor_type = $2",
            cancellationToken, tenantId, sensorType) > 0;
    }
}
