using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage;

/// <summary>Durable, append-mostly store of readings and their per-minute and per-hour roll-ups.</summary>
public interface IReadingStore
{
    /// <summary>
    /// Appends readings of one tenant and completes once they are durable. <paramref name="inserted"/> receives,
    /// per reading, false when a reading with the same sensor and timestamp already existed (a duplicate).
    /// Roll-ups count only inserted readings.
    /// </summary>
    Task AppendAsync(long tenantId, ReadOnlyMemory<Reading> readings, Memory<bool> inserted, CancellationToken cancellationToken);

    /// <summary>Newest first, timestamps in [fromMicros, beforeMicros).</summary>
    Task<IReadOnlyList<Reading>> QueryAsync(
        long tenantId, long sensorKey, long fromMicros, long beforeMicros, int limit, CancellationToken cancellationToken);

    /// <summary>Oldest first, timestamps in [fromMicros, beforeMicros); page on by passing the last timestamp + 1 as from.</summary>
    Task<IReadOnlyList<Reading>> QueryOldestFirstAsync(
        long tenantId, long sensorKey, long fromMicros, long beforeMicros, int limit, CancellationToken cancellationToken);

    /// <summary>Roll-up buckets whose start lies in [fromMicros, toMicros), oldest first.</summary>
    Task<IReadOnlyList<RollupPoint>> SeriesAsync(
        long tenantId, long sensorKey, RollupResolution resolution, long fromMicros, long toMicros, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="SeriesAsync"/> for several sensors of one tenant in one read (an asset's sensors, for its features and
    /// its health): one list per key, in the order of <paramref name="sensorKeys"/>.
    /// </summary>
    Task<IReadOnlyList<RollupPoint>[]> SeriesOfSensorsAsync(
        long tenantId, IReadOnlyList<long> sensorKeys, RollupResolution resolution, long fromMicros, long toMicros, CancellationToken cancellationToken);
}
