using SmartMaintenance.Agents.Orchestrator;
using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Components.Ui;

/// <summary>One asset's line in the fleet overview.</summary>
internal sealed record AssetHealth(
    Asset Asset, int? Health, double? FailureProbability, TimeSpan? RemainingUsefulLife, bool IsFallback, int OpenCases, Anomaly? LastAnomaly,
    IReadOnlyList<Sensor> Sensors, Agents.Predictions.AssetHealthReport? Condition)
{
    /// <summary>The asset's predictions of the last day that estimated a RUL, oldest first: its RUL trend.</summary>
    public IReadOnlyList<Prediction> Trend { get; init; } = [];
}

internal sealed record SiteHealth(Site Site, IReadOnlyList<AssetHealth> Assets);

internal sealed record FleetSnapshot(IReadOnlyList<SiteHealth> Sites, int Sensors, int OpenCases, long AnomaliesToday);

/// <summary>
/// The fleet overview's data: sites and their assets with their health from all their sensors together (the asset
/// agent's asset-health detector; none while it learns), failure risk and predicted remaining useful life, open cases
/// and the last anomaly, with the last day's RUL trend. A few queries and one grain call per asset; fine for hundreds of assets.
/// </summary>
internal sealed class FleetQueries(
    ICatalogStore catalog, IPredictionStore predictions, IMaintenanceStore maintenance, IAnomalyStore anomalies, IGrainFactory grains, TimeProvider time)
{
    /// <summary>The tenant's fleet, or one site's part of it (its assets, their cases and anomalies) when <paramref name="siteId"/> is given.</summary>
    public async Task<FleetSnapshot> LoadAsync(long tenantId, string? siteId, CancellationToken cancellationToken)
    {
        // Retired sites and assets are out of service: the fleet shows what runs (their pages and history stay).
        var sites = (await catalog.ListSitesAsync(tenantId, cancellationToken)).Where(s => (siteId is null || s.SiteId == siteId) && s.RetiredAt is null).ToList();
        var assets = (await catalog.ListAssetsAsync(tenantId, siteId, cancellationToken)).Where(a => a.RetiredAt is null).ToList();
        var assetIds = assets.Select(a => a.AssetId).ToHashSet(StringComparer.Ordinal);
        bool InScope(string? assetId) => siteId is null || (assetId is not null && assetIds.Contains(assetId));
        var sensors = (await catalog.ListSensorsAsync(tenantId, null, cancellationToken)).Where(s => InScope(s.AssetId)).ToList();
        var open = (await maintenance.ListCasesAsync(tenantId, CaseStateMachine.ActiveStates, null, 1000, cancellationToken)).Where(c => InScope(c.AssetId)).ToList();
        var openByAsset = open.GroupBy(c => c.AssetId).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var midnight = new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        var today = await anomalies.CountSinceAsync(tenantId, midnight, siteId is null ? null : assetIds, cancellationToken);

        var sensorsByAsset = sensors.Where(s => s.AssetId is not null).GroupBy(s => s.AssetId!)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Sensor>)[.. g.OrderBy(s => s.Type, StringComparer.Ordinal)], StringComparer.Ordinal);
        var lines = new List<AssetHealth>(assets.Count);
        foreach (var asset in assets)
        {
            // At most a day of routine assessments (every 15 minutes) and the anomalies' predictions among them.
            var recent = await predictions.ListAsync(tenantId, asset.AssetId, 120, cancellationToken);
            var latest = recent.Count > 0 ? recent[0] : null;
            var dayAgo = time.GetUtcNow().AddDays(-1);
            var lastList = await anomalies.ListAsync(tenantId, new AnomalyQuery(AssetId: asset.AssetId, Limit: 1), cancellationToken);
            var last = lastList.Count > 0 ? lastList[0] : null;
            var condition = await grains.GetGrain<Agents.Contracts.IAssetAgent>(Agents.Predictions.AssetAgent.KeyOf(tenantId, asset.AssetId)).GetHealthAsync();
            lines.Add(new AssetHealth(asset, condition?.Health, latest?.FailureProbability, latest?.RemainingUsefulLife, latest?.IsFallback ?? false,
                openByAsset.GetValueOrDefault(asset.AssetId), last, sensorsByAsset.GetValueOrDefault(asset.AssetId, []), condition)
            {
                Trend = [.. recent.Where(p => p.At >= dayAgo && p.RemainingUsefulLife is not null).Reverse()],
            });
        }

        var bySite = lines.GroupBy(l => l.Asset.SiteId).ToDictionary(g => g.Key, g => (IReadOnlyList<AssetHealth>)[.. g.OrderBy(l => l.Health ?? 101).ThenBy(l => l.Asset.Name, StringComparer.Ordinal)]);
        return new FleetSnapshot(
            [.. sites.Select(s => new SiteHealth(s, bySite.GetValueOrDefault(s.SiteId, [])))], sensors.Count, open.Count, today);
    }
}
