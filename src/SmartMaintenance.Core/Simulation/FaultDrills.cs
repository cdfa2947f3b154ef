using System.Collections.Concurrent;

namespace SmartMaintenance.Simulation;

/// <summary>
/// Faults injected on purpose, by asset: the anomalies an injected fault raises carry the drill's correlation id, so the whole story of a drill (or of the golden-path demo) is one query. Held by this process.
/// </summary>
public sealed class FaultDrills(TimeProvider time)
{
    private readonly ConcurrentDictionary<(long TenantId, string AssetId), Drill> _active = new();

    public void Register(long tenantId, string assetId, string correlationId, DateTimeOffset until) =>
        _active[(tenantId, assetId)] = new Drill(correlationId, time.GetUtcNow(), until);

    /// <summary>Whether a drill still runs on the asset (a second one there would steal the first one's story).</summary>
    public bool IsRunning(long tenantId, string assetId) =>
        _active.TryGetValue((tenantId, assetId), out var drill) && drill.Until >= time.GetUtcNow();

    /// <summary>
    /// The drill's correlation id for anomalies on the asset in readings taken while the drill runs; null otherwise.
    /// Every sensor of the asset joins the one story, whichever of them opens the case. Anomalies in older readings
    /// (a back-fill still being judged) are not the drill's.
    /// </summary>
    public string? Claim(long tenantId, string? assetId, DateTimeOffset readingAt)
    {
        if (assetId is null || !_active.TryGetValue((tenantId, assetId), out var drill) || readingAt < drill.Since)
        {
            return null;
        }

        if (drill.Until < time.GetUtcNow())
        {
            _active.TryRemove(new KeyValuePair<(long, string), Drill>((tenantId, assetId), drill));
            return null;
        }

        return drill.CorrelationId;
    }

    private sealed record Drill(string CorrelationId, DateTimeOffset Since, DateTimeOffset Until);
}
