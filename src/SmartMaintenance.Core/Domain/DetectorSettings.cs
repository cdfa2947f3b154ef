namespace SmartMaintenance.Domain;

/// <summary>A tenant's anomaly-detector sensitivity for one sensor type (0 = only the strongest evidence, 1 = alarm early).</summary>
public sealed record SensitivitySetting(long TenantId, string SensorType, double Sensitivity, DateTimeOffset UpdatedAt);
