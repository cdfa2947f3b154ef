using System.Collections.Concurrent;

using SmartMaintenance.Detection.Ensemble;
using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Detection;

/// <summary>
/// What each sensor is judged with: the tenant's stored sensitivity for its type (else the default) and its alarm rule
/// (the sensor's own, else its type's, else none). Cached per tenant; a change made through this provider bumps
/// <see cref="Version"/>, which sensor agents compare on every batch so that the change applies to running streams
/// without losing what they learned.
/// </summary>
public sealed class DetectorSettingsProvider(IDetectorSettingsStore store, IAlarmRuleStore rules, TimeProvider time)
{
    private readonly ConcurrentDictionary<long, TenantDetection> _byTenant = new();
    private long _version;

    /// <summary>Changes whenever a setting or a rule changes (on this node).</summary>
    public long Version => Interlocked.Read(ref _version);

    public async ValueTask<DetectorSettings> ForAsync(long tenantId, string sensorType, CancellationToken cancellationToken) =>
        (await TenantAsync(tenantId, cancellationToken)).Sensitivities.TryGetValue(sensorType, out var sensitivity)
            ? DetectorSettings.Default with { Sensitivity = sensitivity }
            : DetectorSettings.Default;

    /// <summary>The rule the sensor's readings are judged against: its own, else its type's, else none.</summary>
    public async ValueTask<AlarmRule?> RuleForAsync(Sensor sensor, CancellationToken cancellationToken)
    {
        var tenant = await TenantAsync(sensor.TenantId, cancellationToken);
        return tenant.Rules.GetValueOrDefault((AlarmRuleScope.Sensor, sensor.SensorId))
            ?? tenant.Rules.GetValueOrDefault((AlarmRuleScope.SensorType, sensor.Type));
    }

    public Task<IReadOnlyList<SensitivitySetting>> ListAsync(long tenantId, CancellationToken cancellationToken) =>
        store.ListAsync(tenantId, cancellationToken);

    public async Task<SensitivitySetting> SetAsync(long tenantId, string sensorType, double sensitivity, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sensitivity, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sensitivity, 1);
        var setting = new SensitivitySetting(tenantId, sensorType, sensitivity, time.GetUtcNow());
        await store.SetAsync(setting, cancellationToken);
        Changed(tenantId);
        return setting;
    }

    public async Task<bool> DeleteAsync(long tenantId, string sensorType, CancellationToken cancellationToken)
    {
        var deleted = await store.DeleteAsync(tenantId, sensorType, cancellationToken);
        Changed(tenantId);
        return deleted;
    }

    public Task<IReadOnlyList<AlarmRule>> ListRulesAsync(long tenantId, CancellationToken cancellationToken) => rules.ListAsync(tenantId, cancellationToken);

    public async Task SetRuleAsync(AlarmRule rule, CancellationToken cancellationToken)
    {
        await rules.SetAsync(rule, cancellationToken);
        Changed(rule.TenantId);
    }

    public async Task<bool> DeleteRuleAsync(long tenantId, AlarmRuleScope scope, string target, CancellationToken cancellationToken)
    {
        var deleted = await rules.DeleteAsync(tenantId, scope, target, cancellationToken);
        Changed(tenantId);
        return deleted;
    }

    private async ValueTask<TenantDetection> TenantAsync(long tenantId, CancellationToken cancellationToken)
    {
        if (_byTenant.TryGetValue(tenantId, out var tenant))
        {
            return tenant;
        }

        // Cache what was read only if no change landed meanwhile; otherwise a stale list could outlive the change.
        var before = Version;
        var sensitivities = await store.ListAsync(tenantId, cancellationToken);
        var tenantRules = await rules.ListAsync(tenantId, cancellationToken);
        tenant = new TenantDetection(
            sensitivities.ToDictionary(s => s.SensorType, s => s.Sensitivity, StringComparer.Ordinal),
            tenantRules.ToDictionary(r => (r.Scope, r.Target)));
        if (Version == before)
        {
            _byTenant[tenantId] = tenant;
        }

        return tenant;
    }

    /// <summary>
    /// Drops the tenant's cached settings and rules and bumps <see cref="Version"/>: a change made here, or one another
    /// node made (heard through the cluster's feed).
    /// </summary>
    public void Changed(long tenantId)
    {
        Interlocked.Increment(ref _version);
        _byTenant.TryRemove(tenantId, out _);
    }

    private sealed record TenantDetection(Dictionary<string, double> Sensitivities, Dictionary<(AlarmRuleScope, string), AlarmRule> Rules);
}
