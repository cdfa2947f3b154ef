using System.Collections.Concurrent;

using SmartMaintenance.Detection.Ensemble;
using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Detection;

/// <summary>
/// The detector settings each sensor type runs with: the tenant's stored sensitivity for the type, else the default.
/// Cached per tenant; a change made through this provider bumps <see cref="Version"/>, which sensor agents compare on
/// every batch so that the new sensitivity applies to running streams without losing what they learned.
/// </summary>
public sealed class DetectorSettingsProvider(IDetectorSettingsStore store, TimeProvider time)
{
    private readonly ConcurrentDictionary<long, Dictionary<string, double>> _byTenant = new();
    private long _version;

    /// <summary>Changes whenever a setting changes (on this node).</summary>
    public long Version => Interlocked.Read(ref _version);

    public async ValueTask<DetectorSettings> ForAsync(long tenantId, string sensorType, CancellationToken cancellationToken)
    {
        if (!_byTenant.TryGetValue(tenantId, out var types))
        {
            // Cache what was read only if no change landed meanwhile; otherwise a stale list could outlive the change.
            var before = Version;
            var settings = await store.ListAsync(tenantId, cancellationToken);
            types = settings.ToDictionary(s => s.SensorType, s => s.Sensitivity, StringComparer.Ordinal);
            if (Version == before)
            {
                _byTenant[tenantId] = types;
            }
        }

        return types.TryGetValue(sensorType, out var sensitivity) ? DetectorSettings.Default with { Sensitivity = sensitivity } : DetectorSettings.Default;
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

    private void Changed(long tenantId)
    {
        Interlocked.Increment(ref _version);
        _byTenant.TryRemove(tenantId, out _);
    }
}
