using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Models.Assets;

/// <summary>Reads an asset's sensors' roll-ups from the store as the asset features and the fallback read them.</summary>
public static class AssetWindows
{
    /// <summary>Each sensor of the asset: minute roll-ups of the last six hours, hour roll-ups of the past week, up to <paramref name="now"/>.</summary>
    public static async Task<IReadOnlyList<SensorWindow>> GatherAsync(
        ICatalogStore catalog, IReadingStore readings, long tenantId, string assetId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMicros = UnixMicros.From(now);
        var sensors = await catalog.ListSensorsAsync(tenantId, assetId, cancellationToken);
        var keys = sensors.Select(s => s.Key).ToArray();
        var minutes = await readings.SeriesOfSensorsAsync(tenantId, keys, RollupResolution.Minute,
            nowMicros - (6 * UnixMicros.PerHour), nowMicros + UnixMicros.PerMinute, cancellationToken);
        var hours = await readings.SeriesOfSensorsAsync(tenantId, keys, RollupResolution.Hour,
            nowMicros - AssetHistory.HistoryMicros, nowMicros + UnixMicros.PerHour, cancellationToken);
        var windows = new List<SensorWindow>(sensors.Count);
        for (var s = 0; s < sensors.Count; s++)
        {
            windows.Add(new SensorWindow(sensors[s], minutes[s], hours[s]));
        }

        return windows;
    }
}
