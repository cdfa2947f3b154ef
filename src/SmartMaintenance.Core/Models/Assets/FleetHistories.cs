using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Models.Assets;

/// <summary>
/// What a fleet's records gave for training: each life's samples (and, when asked, the same moments read through a
/// second model's features, to judge it on the same lives), when each life ended, and how many ended in a failure.
/// </summary>
public sealed record FleetSamples(
    AssetFeatures Features, IReadOnlyList<IReadOnlyList<AssetSample>> ByHistory, int Assets, int Failures, int Unfailed)
{
    public int Samples => ByHistory.Sum(h => h.Count);

    /// <summary>When each life of <see cref="ByHistory"/> ended (its failure, or the end of the record).</summary>
    public IReadOnlyList<long> Ends { get; init; } = [];

    /// <summary>Whether each life ended in a failure.</summary>
    public IReadOnlyList<bool> Failed { get; init; } = [];

    /// <summary>The lives' samples through <c>alsoFor</c>'s features, one list per life as in <see cref="ByHistory"/>.</summary>
    public IReadOnlyList<IReadOnlyList<AssetSample>> AlsoByHistory { get; init; } = [];
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
        ICatalogStore catalog, IReadingStore readings, IAnomalyStore anomalies,
        long tenantId, string assetKind, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken, AssetFeatures? alsoFor = null)
    {
        var assets = (await catalog.ListAssetsAsync(tenantId, null, cancellationToken))
            .Where(a => string.Equals(a.Kind, assetKind, StringComparison.OrdinalIgnoreCase)).ToList();
        var sensorsByAsset = new Dictionary<string, IReadOnlyList<Sensor>>(StringComparer.Ordinal);
        foreach (var asset in assets)
        {
            sensorsByAsset[asset.AssetId] = await catalog.ListSensorsAsync(tenantId, asset.AssetId, cancellationToken);
        }

        var features = new AssetFeatures([.. sensorsByAsset.Values.SelectMany(s => s).Select(s => s.Type.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal)]);
        var failures = await FailuresAsync(anomalies, tenantId, sensorsByAsset.Keys.ToHashSet(StringComparer.Ordinal), cancellationToken);
        var (fromMicros, toMicros) = (UnixMicros.From(from), UnixMicros.From(to));
        var lives = new List<(IReadOnlyList<AssetSample> Samples, IReadOnlyList<AssetSample> Also, long End, bool Failed)>();
        void Add(AssetHistory life) => lives.Add((AssetModelTraining.SamplesOf(features, life),
            alsoFor is null ? [] : AssetModelTraining.SamplesOf(alsoFor, life), life.EndMicros, life.FailedAtMicros is not null));
        var (failed, unfailed) = (0, 0);
        foreach (var asset in assets)
        {
            var sensors = sensorsByAsset[asset.AssetId];
            var (minutes, hours) = await RollupsAsync(readings, tenantId, sensors, fromMicros, fromMicros, toMicros, cancellationToken);

            var start = fromMicros;
            foreach (var failure in failures.GetValueOrDefault(asset.AssetId, []).Where(f => f > fromMicros && f <= toMicros))
            {
                Add(new AssetHistory(asset.AssetId, sensors, minutes, hours, failure, failure) { SampleFromMicros = start });
                failed++;
                start = failure;
            }

            Add(new AssetHistory(asset.AssetId, sensors, minutes, hours, toMicros, null) { SampleFromMicros = start });
            unfailed++;
        }

        var kept = lives.Where(l => l.Samples.Count > 0).ToList();
        return new FleetSamples(features, [.. kept.Select(l => l.Samples)], assets.Count, failed, unfailed)
        {
            Ends = [.. kept.Select(l => l.End)],
            Failed = [.. kept.Select(l => l.Failed)],
            AlsoByHistory = alsoFor is null ? [] : [.. kept.Select(l => l.Also)],
        };
    }

    /// <summary>
    /// The kind's assets as a model reads them now, hour by hour over the last <paramref name="hours"/>: what drift
    /// compares with the model's training reference. Moments with no recent reading of any sensor are left out.
    /// </summary>
    public static async Task<IReadOnlyList<float[]>> RecentRowsAsync(
        ICatalogStore catalog, IReadingStore readings, long tenantId, string assetKind, AssetFeatures features, DateTimeOffset now, int hours,
        CancellationToken cancellationToken)
    {
        var nowMicros = UnixMicros.From(now);
        var rows = new List<float[]>();
        foreach (var asset in (await catalog.ListAssetsAsync(tenantId, null, cancellationToken))
            .Where(a => string.Equals(a.Kind, assetKind, StringComparison.OrdinalIgnoreCase)))
        {
            var sensors = await catalog.ListSensorsAsync(tenantId, asset.AssetId, cancellationToken);
            var from = nowMicros - (hours * UnixMicros.PerHour);
            var (minutes, hourly) = await RollupsAsync(readings, tenantId, sensors, from - (6 * UnixMicros.PerHour), from - AssetHistory.HistoryMicros,
                nowMicros + 1, cancellationToken);

            var record = new AssetHistory(asset.AssetId, sensors, minutes, hourly, nowMicros, null);
            for (var at = nowMicros - ((hours - 1) * UnixMicros.PerHour); at <= nowMicros; at += UnixMicros.PerHour)
            {
                var row = features.Row(record.WindowsAt(at));
                if (row.Count(float.IsNaN) < features.Count - 1)
                {
                    rows.Add(row);
                }
            }
        }

        return rows;
    }

    // Each sensor's minute roll-ups from minutesFrom and hour roll-ups from hoursFrom, both up to (not including) to.
    private static async Task<(RollupPoint[][] Minutes, RollupPoint[][] Hours)> RollupsAsync(
        IReadingStore readings, long tenantId, IReadOnlyList<Sensor> sensors, long minutesFrom, long hoursFrom, long to, CancellationToken cancellationToken)
    {
        var keys = sensors.Select(s => s.Key).ToArray();
        var minutes = await readings.SeriesOfSensorsAsync(tenantId, keys, RollupResolution.Minute, minutesFrom, to, cancellationToken);
        var hours = await readings.SeriesOfSensorsAsync(tenantId, keys, RollupResolution.Hour, hoursFrom, to, cancellationToken);
        return (minutes.Select(m => m.ToArray()).ToArray(), hours.Select(h => h.ToArray()).ToArray());
    }

    /// <summary>Each asset's failures, oldest first: the confirmed anomalies' times, one per day at most.</summary>
    public static async Task<Dictionary<string, List<long>>> FailuresAsync(
        IAnomalyStore anomalies, long tenantId, HashSet<string> assetIds, CancellationToken cancellationToken)
    {
        var times = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        foreach (var anomaly in await anomalies.ListLabelledAsync(tenantId, AnomalyOutcome.TrueAlarm, cancellationToken))
        {
            if (anomaly.AssetId is { } assetId && assetIds.Contains(assetId))
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
