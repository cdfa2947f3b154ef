using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage.Retention;

/// <summary>
/// Readings handed out just before their deletion commits (oldest first per sensor), so an export can be written and
/// flushed while the deletion can still be rolled back: a failed export keeps the readings.
/// </summary>
/// <param name="tenantId">Whose readings they are.</param>
/// <param name="readings">The readings about to go.</param>
/// <param name="cancellationToken">Stops the export (and with it the deletion).</param>
public delegate ValueTask DroppingReadings(long tenantId, IReadOnlyList<Reading> readings, CancellationToken cancellationToken);

/// <summary>
/// Removing old readings and roll-ups from a reading store, in bounded steps that never hold the store's write lock for
/// long. Only data strictly older than the cut-off given is touched.
/// </summary>
public interface IReadingRetention
{
    /// <summary>Most rows one step deletes.</summary>
    public const int BatchRows = 5_000;

    /// <summary>
    /// Deletes up to <paramref name="limit"/> of the sensor's oldest raw readings before <paramref name="beforeMicros"/>, handing
    /// them to <paramref name="dropping"/> (when given) before the deletion commits; the number deleted (fewer than the
    /// limit: none are left).
    /// </summary>
    /// <param name="tenantId">The sensor's tenant (a sensor of another tenant is never touched).</param>
    /// <param name="sensorKey">The sensor.</param>
    /// <param name="beforeMicros">The cut-off; a reading at it stays.</param>
    /// <param name="limit">Most readings this step deletes.</param>
    /// <param name="dropping">Where the readings go before they are deleted; null: nowhere.</param>
    /// <param name="cancellationToken">Stops before the deletion commits.</param>
    Task<int> DeleteRawAsync(
        long tenantId, long sensorKey, long beforeMicros, int limit, DroppingReadings? dropping, CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="limit"/> of the sensor's oldest roll-up buckets starting before <paramref name="beforeMicros"/>.</summary>
    /// <param name="tenantId">The sensor's tenant.</param>
    /// <param name="sensorKey">The sensor.</param>
    /// <param name="resolution">Minute or hour roll-ups.</param>
    /// <param name="beforeMicros">Buckets starting at or after it stay.</param>
    /// <param name="limit">Most buckets this step deletes.</param>
    /// <param name="cancellationToken">Stops the step.</param>
    Task<int> DeleteRollupsAsync(
        long tenantId, long sensorKey, RollupResolution resolution, long beforeMicros, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Drops whole stretches of raw readings at once where the store keeps them apart (PostgreSQL's weekly partitions), when
    /// every row of a stretch belongs to a tenant of <paramref name="tenants"/> whose cut-off lies at or after its end and
    /// who does not export what is dropped; readings per tenant dropped so. Stores without such stretches drop nothing.
    /// </summary>
    /// <param name="tenants">Every tenant of the run with its raw cut-off.</param>
    /// <param name="cancellationToken">Stops before a drop commits.</param>
    Task<IReadOnlyDictionary<long, long>> DropWholeAsync(IReadOnlyDictionary<long, RawCutoff> tenants, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until no other process runs retention on this store, and holds that until disposed: with several nodes on one
    /// PostgreSQL database, their scheduled runs take turns (the second finds nothing left to drop, and exports nothing
    /// twice). The SQLite file has one process.
    /// </summary>
    /// <param name="cancellationToken">Stops the wait.</param>
    Task<IAsyncDisposable> LockRunAsync(CancellationToken cancellationToken);
}

/// <summary>A tenant's raw cut-off in a run (Unix microseconds), and whether what it drops is exported.</summary>
/// <param name="BeforeMicros">Readings before it go.</param>
/// <param name="Exported">The readings go to an export file first, so they leave by deletes that hand them over.</param>
public readonly record struct RawCutoff(long BeforeMicros, bool Exported);
