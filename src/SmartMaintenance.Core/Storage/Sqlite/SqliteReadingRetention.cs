using Microsoft.Data.Sqlite;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage.Retention;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>
/// Old readings and roll-ups out of SQLite, one sensor's oldest rows at a time: each step is a short write transaction
/// on the primary key's range (sensor, time), so ingestion waits at most one step, however big the table is.
/// </summary>
public sealed class SqliteReadingRetention(SqliteDatabase database) : IReadingRetention
{
    // The sub-select bounds the step; RETURNING gives exactly the rows the step removes, for the export.
    private const string DeleteRaw = """
        DELETE FROM readings WHERE sensor_key = $k AND ts IN (
            SELECT ts FROM readings WHERE sensor_key = $k AND tenant_id = $t AND ts < $before ORDER BY ts LIMIT $limit)
        RETURNING ts, value, quality
        """;

    private static string DeleteRollups(string table) => $"""
        DELETE FROM {table} WHERE sensor_key = $k AND bucket IN (
            SELECT bucket FROM {table} WHERE sensor_key = $k AND tenant_id = $t AND bucket < $before ORDER BY bucket LIMIT $limit)
        """;

    public async Task<int> DeleteRawAsync(
        long tenantId, long sensorKey, long beforeMicros, int limit, DroppingReadings? dropping, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // IMMEDIATE: the write lock is taken before the rows are read, so none changes between the read and the delete.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.Command(DeleteRaw, ("$k", sensorKey), ("$t", tenantId), ("$before", beforeMicros), ("$limit", limit));
        command.Transaction = transaction;
        var deleted = new List<Reading>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                deleted.Add(new Reading(sensorKey, reader.GetInt64(0), reader.GetDouble(1), (ReadingQuality)reader.GetInt32(2)));
            }
        }

        return await RetentionSteps.HandOverAndCommitAsync(transaction, tenantId, deleted, dropping, cancellationToken);
    }

    public async Task<int> DeleteRollupsAsync(
        long tenantId, long sensorKey, RollupResolution resolution, long beforeMicros, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(DeleteRollups(RetentionSteps.RollupTable(resolution)),
            cancellationToken, ("$k", sensorKey), ("$t", tenantId), ("$before", beforeMicros), ("$limit", limit));
    }

    /// <summary>SQLite keeps readings in one table: nothing to drop whole.</summary>
    public Task<IAsyncDisposable> LockRunAsync(CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable>(NoLock.Instance);

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    public Task<IReadOnlyDictionary<long, long>> DropWholeAsync(IReadOnlyDictionary<long, RawCutoff> tenants, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<long, long>>(new Dictionary<long, long>());
}
