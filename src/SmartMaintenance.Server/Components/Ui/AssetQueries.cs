using SmartMaintenance.Agents.Orchestrator;
using SmartMaintenance.Agents.Predictions;
using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Components.Ui;

/// <summary>One sensor of an asset on its page: its newest reading and its last hours as per-minute means.</summary>
internal sealed record AssetSensorLine(Sensor Sensor, Reading? Latest, IReadOnlyList<(DateTimeOffset At, double Value)> Recent, int Anomalies);

/// <summary>A work order of the asset with the case it came from.</summary>
internal sealed record AssetWorkOrder(WorkOrder Order, MaintenanceCase Case);

/// <summary>Everything the asset page shows about one asset.</summary>
internal sealed record AssetView(
    Asset Asset, Site? Site, Asset? Parent, IReadOnlyList<Asset> Children, AssetHealthReport? Health, IReadOnlyList<AssetHealthPoint> HealthHistory,
    IReadOnlyList<Prediction> Predictions, IReadOnlyList<AssetSensorLine> Sensors, IReadOnlyList<Anomaly> Anomalies,
    IReadOnlyList<MaintenanceCase> Cases, IReadOnlyList<AssetWorkOrder> WorkOrders, DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>The newest prediction, routine or made for an anomaly.</summary>
    public Prediction? Latest => Predictions.Count > 0 ? Predictions[0] : null;

    public int OpenCases => Cases.Count(c => CaseStateMachine.ActiveStates.Contains(c.State));
}

/// <summary>
/// The asset page's data: the catalog's entry and its neighbours, its health now (the asset agent) and over the window
/// (the health history), its predictions, each sensor's recent minutes, its anomalies, cases and work orders. About a
/// dozen queries and one per sensor: an asset has a handful of sensors.
/// </summary>
internal sealed class AssetQueries(
    ICatalogStore catalog, IAssetHealthStore health, IPredictionStore predictions, IAnomalyStore anomalies, IMaintenanceStore maintenance,
    IReadingStore readings, IGrainFactory grains, TimeProvider time)
{
    /// <summary>How far back the page's charts look at most.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(7);

    /// <summary>How far back each sensor's small chart looks.</summary>
    public static readonly TimeSpan SensorWindow = TimeSpan.FromHours(6);

    private const int MaxChartPoints = 600;

    public async Task<AssetView?> LoadAsync(long tenantId, string assetId, CancellationToken cancellationToken)
    {
        if (await catalog.FindAssetAsync(tenantId, assetId, cancellationToken) is not { } asset)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var from = now - Window;
        var site = await catalog.FindSiteAsync(tenantId, asset.SiteId, cancellationToken);
        var parent = asset.ParentAssetId is { } parentId ? await catalog.FindAssetAsync(tenantId, parentId, cancellationToken) : null;
        var children = (await catalog.ListAssetsAsync(tenantId, asset.SiteId, cancellationToken))
            .Where(a => a.ParentAssetId == asset.AssetId).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        var condition = await grains.GetGrain<Agents.Contracts.IAssetAgent>(AssetAgent.KeyOf(tenantId, assetId)).GetHealthAsync();
        var history = Thin(await health.ListAsync(tenantId, assetId, from, now, cancellationToken));
        // Routine assessments come every 15 minutes: a week is about 700 of them.
        var predicted = (await predictions.ListAsync(tenantId, assetId, 1000, cancellationToken)).Where(p => p.At >= from).ToList();
        var found = await anomalies.ListAsync(tenantId, new AnomalyQuery(AssetId: assetId, Limit: 100), cancellationToken);
        var cases = await maintenance.ListCasesAsync(tenantId, null, assetId, 100, cancellationToken);
        var orders = new List<AssetWorkOrder>();
        foreach (var c in cases.Where(c => c.WorkOrderId is not null))
        {
            if (await maintenance.FindWorkOrderAsync(tenantId, c.WorkOrderId!.Value, cancellationToken) is { } order)
            {
                orders.Add(new AssetWorkOrder(order, c));
            }
        }

        var sensors = new List<AssetSensorLine>();
        var sensorFrom = UnixMicros.From(now - SensorWindow);
        foreach (var sensor in (await catalog.ListSensorsAsync(tenantId, assetId, cancellationToken)).OrderBy(s => s.Type, StringComparer.Ordinal))
        {
            var newest = await readings.QueryAsync(tenantId, sensor.Key, long.MinValue, long.MaxValue, 1, cancellationToken);
            var minutes = await readings.SeriesAsync(tenantId, sensor.Key, RollupResolution.Minute, sensorFrom, UnixMicros.From(now), cancellationToken);
            sensors.Add(new AssetSensorLine(sensor, newest.Count > 0 ? newest[0] : null,
                [.. minutes.Select(m => (m.BucketStart, m.Mean))], found.Count(a => a.SensorId == sensor.SensorId)));
        }

        // The charts start where the asset's history does (a new asset has hours, not a week), an hour at least.
        var first = history.Select(h => h.At).Concat(predicted.Select(p => p.At)).DefaultIfEmpty(now).Min();
        var shown = first < now - TimeSpan.FromHours(1) ? first : now - TimeSpan.FromHours(1);
        return new AssetView(asset, site, parent, children, condition, history, predicted, sensors, found, cases,
            [.. orders.OrderByDescending(o => o.Order.CreatedAt)], shown, now);
    }

    /// <summary>At most <see cref="MaxChartPoints"/> points, each the worst health of its stretch (a dip must not vanish).</summary>
    internal static IReadOnlyList<AssetHealthPoint> Thin(IReadOnlyList<AssetHealthPoint> points)
    {
        if (points.Count <= MaxChartPoints)
        {
            return points;
        }

        var per = (points.Count + MaxChartPoints - 1) / MaxChartPoints;
        return [.. points.Chunk(per).Select(stretch => stretch.MinBy(p => p.Health)!)];
    }
}
