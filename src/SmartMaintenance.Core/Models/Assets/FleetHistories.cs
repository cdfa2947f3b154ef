using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Models.Assets;

/// <summary>What a fleet's records gave for training: each life's samples, and how many lives ended in a failure.</summary>
public sealed record FleetSamples(
    AssetFeatures Features, IReadOnlyList<IReadOnlyList<AssetSample>> ByHistory, int Assets, int Failures, int Unfailed)
{
    public int Samples => ByHistory.Sum(h => h.Count);
}

/// <summary>
/// Reads a tenant's own run-to-failure records for one asset kind from the store: each asset's stored roll-ups, cut
/// into lives at its failures — the moments of anomalies that completed maintenance confirmed (outcome labels
/// <see cref="AnomalyOutcome.TrueAlarm"/>; confirmations within a day of each other are one failure). The life after
/// the last failure has not failed yet: it teaches only that the asset lasted at least the cap where the record shows
/// it. One asset at a time, its samples taken and its roll-ups let go, so a large fleet does not sit in memory.
/// </summary>
public static class FleetHistories
{
    private static readonly long OneDay = 24 * UnixMicros.PerHour;

    public static async Task<FleetSamples> ReadAsync(
        ICatalogStore catalog, IReadingStore readings, IAnomalyStore anomalies, ILabelStore labels,
        long tenantId, string assetKind, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var assets = (await catalog.ListAssetsAsync(tenantId, null, cancellationToken))
            .Where(a => string.Equals(a.Kind, assetKind, StringComparison.OrdinalIgnoreCase)).ToList();
        var sensorsByAsset = new Dictionary<string, IReadOnlyList<Sensor>>(StringComparer.Ordinal);
        foreach (var asset in assets)
        {
            sensorsByAsset[asset.AssetId] = await catalog.ListSensorsAsync(tenantId, asset.AssetId, cancellationToken);
        }

        var features = new AssetFeatures([.. sensorsByAsset.Values.SelectMany(s => s).Select(s => s.Type.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal)]);
        var failures = await FailuresAsync(anomalies, labels, tenantId, sensorsByAsset.Keys.ToHashSet(StringComparer.Ordinal), cancellationToken);
        var (fromMicros, toMicros) = (UnixMicros.From(from), UnixMicros.From(to));
        var byHistory = new List<IReadOnlyList<AssetSample>>();
        var (failed, unfailed) = (0, 0);
        foreach (var asset in assets)
        {
            var sensors = sensorsByAsset[asset.AssetId];
            var minutes = new RollupPoint[sensors.Count][];
            var hours = new RollupPoint[sensors.Count][];
            for (var s = 0; s < sensors.Count; s++)
            {
                minutes[s] = [.. await readings.SeriesAsync(tenantId, sensors[s].Key, RollupResolution.Minute, fromMicros, toMicros, cancellationToken)];
                hours[s] = [.. await readings.SeriesAsync(tenantId, sensors[s].Key, RollupResolution.Hour, fromMicros, toMicros, cancellationToken)];
            }

            var start = fromMicros;
            foreach (var failure in failures.GetValueOrDefault(asset.AssetId, []).Where(f => f > fromMicros && f <= toMicros))
            {
                byHistory.Add(AssetModelTraining.SamplesOf(features, new AssetHistory(asset.AssetId, sensors, minutes, hours, failure, failure) { SampleFromMicros = start }));
                failed++;
                start = failure;
            }

            byHistory.Add(AssetModelTraining.SamplesOf(features, new AssetHistory(asset.AssetId, sensors, minutes, hours, toMicros, null) { SampleFromMicros = start }));
            unfailed++;
        }

        return new FleetSamples(features, [.. byHistory.Where(h => h.Count > 0)], assets.Count, failed, unfailed);
    }

    // Each asset's failures, oldest first: the confirmed anomalies' times, one per day at most.
    private static async Task<Dictionary<string, List<long>>> FailuresAsync(
        IAnomalyStore anomalies, ILabelStore labels, long tenantId, HashSet<string> assetIds, CancellationToken cancellationToken)
    {
        var times = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        foreach (var label in await labels.ListAsync(tenantId, 100_000, cancellationToken))
        {
            if (label.Label == AnomalyOutcome.TrueAlarm
                && await anomalies.FindAsync(tenantId, label.AnomalyId, cancellationToken) is { AssetId: { } assetId } anomaly
                && assetIds.Contains(assetId))
            {
                (times.TryGetValue(assetId, out var list) ? list : times[assetId] = []).Add(UnixMicros.From(anomaly.At));
            }
        }

        foreach (var list in times.Values)
        {
            list.Sort();
            var kept = new List<long>();
            foreach (var t in list.Where(t => kept.Count == 0 || t - kept[^1] > OneDay))
            {
                kept.Add(t);
            }

            list.Clear();
            list.AddRange(kept);
        }

        return times;
    }
}
