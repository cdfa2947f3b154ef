using System.Collections.Concurrent;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Ingestion;

/// <summary>
/// The sensors of each tenant held in memory, so ingestion resolves a sensor name without a query and without
/// allocating a string. Catalog writes call <see cref="Invalidate"/>; the next lookup reloads the tenant.
/// </summary>
public sealed class SensorDirectory(ICatalogStore catalog)
{
    private readonly ConcurrentDictionary<long, TenantSensors> _tenants = new();

    public async ValueTask<TenantSensors> GetAsync(long tenantId, CancellationToken cancellationToken)
    {
        if (_tenants.TryGetValue(tenantId, out var cached))
        {
            return cached;
        }

        var sensors = await catalog.ListSensorsAsync(tenantId, null, cancellationToken);
        var loaded = new TenantSensors(sensors);
        return _tenants.GetOrAdd(tenantId, loaded);
    }

    public void Invalidate(long tenantId) => _tenants.TryRemove(tenantId, out _);
}

/// <summary>An immutable snapshot of one tenant's sensors by name.</summary>
public sealed class TenantSensors
{
    private readonly Dictionary<string, Sensor>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Dictionary<long, Sensor> _byKey;

    public TenantSensors(IEnumerable<Sensor> sensors)
    {
        var byName = sensors.ToDictionary(s => s.SensorId, StringComparer.Ordinal);
        _lookup = byName.GetAlternateLookup<ReadOnlySpan<char>>();
        _byKey = byName.Values.ToDictionary(s => s.Key);
        Count = byName.Count;
    }

    public int Count { get; }

    public Sensor? Find(ReadOnlySpan<char> sensorId) => _lookup.TryGetValue(sensorId, out var sensor) ? sensor : null;

    public Sensor? FindByKey(long sensorKey) => _byKey.GetValueOrDefault(sensorKey);
}
