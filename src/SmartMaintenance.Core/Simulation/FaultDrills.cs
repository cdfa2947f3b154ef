using System.Collections.Concurrent;

namespace SmartMaintenance.Simulation;

/// <summary>
/// Faults injected on purpose, by asset: the first anomaly an injected fault raises carries the drill's correlation
/// id, so the whole story of a drill (or of the golden-path demo) is one query. Held by this process.
/// </summary>
public sealed class FaultDrills(TimeProvider time)
{
    private readonly ConcurrentDictionary<(long TenantId, string AssetId), (string CorrelationId, DateTimeOffset Until)> _active = new();

    public void Register(long tenantId, string assetId, string correlationId, DateTimeOffset until) =>
        _active[(tenantId, assetId)] = (correlationId, until);

    /// <summary>The drill's correlation id for the first anomaly on the asset while the drill runs; null otherwise.</summary>
    public string? Claim(long tenantId, string? assetId)
    {
        if (assetId is null || !_active.TryRemove((tenantId, assetId), out var drill))
        {
            return null;
        }

        return drill.Until >= time.GetUtcNow() ? drill.CorrelationId : null;
    }
}
