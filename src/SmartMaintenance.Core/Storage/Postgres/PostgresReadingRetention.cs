using System.Globalization;

using Microsoft.Extensions.Logging;

using Npgsql;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage.Retention;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>
/// Old readings and roll-ups out of PostgreSQL. A weekly partition of <c>readings</c> that lies wholly before the cut-off
/// is dropped whole (no row-by-row delete, no dead tuples for vacuum) — but partitions are shared by every tenant, so only
/// when each tenant with rows in it has a policy whose cut-off lies at or after the partition's end. Everything else
/// (a partition shared with a tenant that keeps its readings, the default partition of old history, the part of a week
/// after the cut-off, roll-ups) goes by bounded deletes per sensor on the primary key's range, as in SQLite.
/// </summary>
/// <remarks>
/// <para>
/// A tenant that exports what is dropped keeps its partitions from being dropped whole: its readings leave by the
/// per-sensor deletes, which hand each step's rows to the export before the step commits, so the file holds exactly what
/// went. (A whole drop whose lock timed out after an export would leave exported rows in place, to be exported twice.) A
/// partition emptied so is dropped by a later run.
/// </para>
/// <para>
/// A drop runs in one transaction: the partition is locked against new rows (<c>SHARE</c>), its tenants counted, then
/// dropped. Dropping takes a brief exclusive lock on <c>readings</c>, which waits for the
/// writers' open transactions; a drop that cannot get its locks within <see cref="LockTimeout"/> (or loses a deadlock to
/// a writer, which retries) is left for the per-sensor deletes of the same run.
/// </para>
/// </remarks>
public sealed class PostgresReadingRetention(PostgresDatabase database, ILogger<PostgresReadingRetention> logger) : IReadingRetention
{
    private const string LockTimeout = "10s";

    private const string DeleteRaw = """
        DELETE FROM readings WHERE sensor_key = $1 AND ts IN (
            SELECT ts FROM readings WHERE sensor_key = $1 AND tenant_id = $2 AND ts < $3 ORDER BY ts LIMIT $4)
        RETURNING ts, value, quality
        """;

    private static string DeleteRollups(string table) => $"""
        DELETE FROM {table} WHERE sensor_key = $1 AND bucket IN (
            SELECT bucket FROM {table} WHERE sensor_key = $1 AND tenant_id = $2 AND bucket < $3 ORDER BY bucket LIMIT $4)
        """;

    public async Task<int> DeleteRawAsync(
        long tenantId, long sensorKey, long beforeMicros, int limit, DroppingReadings? dropping, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = new List<Reading>();
        await using (var command = connection.Command(DeleteRaw, sensorKey, tenantId, UnixMicros.ToDateTimeOffset(beforeMicros), limit))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                deleted.Add(new Reading(sensorKey, UnixMicros.From(reader.GetFieldValue<DateTimeOffset>(0)), reader.GetDouble(1),
                    (ReadingQuality)reader.GetInt16(2)));
            }
        }

        return await RetentionSteps.HandOverAndCommitAsync(transaction, tenantId, deleted, dropping, cancellationToken);
    }

    public async Task<int> DeleteRollupsAsync(
        long tenantId, long sensorKey, RollupResolution resolution, long beforeMicros, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(DeleteRollups(RetentionSteps.RollupTable(resolution)),
            cancellationToken, sensorKey, tenantId, UnixMicros.ToDateTimeOffset(beforeMicros), limit);
    }

    private const long RunLock = 0x534D585F52455445; // "SMX_RETE"

    public async Task<IAsyncDisposable> LockRunAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({RunLock})", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new RunLease(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The session that holds the run lock; closing it (back to the pool) would keep the lock, so it unlocks first.</summary>
    private sealed class RunLease(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand($"SELECT pg_advisory_unlock({RunLock})", connection);
                await command.ExecuteNonQueryAsync();
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }

    public async Task<IReadOnlyDictionary<long, long>> DropWholeAsync(IReadOnlyDictionary<long, RawCutoff> tenants, CancellationToken cancellationToken)
    {
        var dropped = new Dictionary<long, long>();
        await using var connection = await database.OpenAsync(cancellationToken);
        // Every tenant that has sensors must be in the run: its readings may sit in any week.
        var withSensors = await connection.ListAsync("SELECT DISTINCT tenant_id FROM sensors", r => r.GetInt64(0), cancellationToken);
        if (tenants.Count == 0 || !withSensors.All(tenants.ContainsKey))
        {
            return dropped;
        }

        var oldestCutoff = tenants.Values.Min(t => t.BeforeMicros);
        var partitions = await connection.ListAsync(
            """
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'readings'::regclass AND c.relname ~ '^readings_[0-9]{8}$' ORDER BY c.relname
            """, r => r.GetString(0), cancellationToken);
        foreach (var partition in partitions)
        {
            var start = DateTime.ParseExact(partition["readings_".Length..], "yyyyMMdd", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            var end = UnixMicros.From(new DateTimeOffset(start, TimeSpan.Zero).AddDays(7));
            if (end > oldestCutoff)
            {
                break;
            }

            try
            {
                foreach (var (tenant, count) in await DropAsync(connection, partition, end, tenants, cancellationToken))
                {
                    dropped[tenant] = dropped.GetValueOrDefault(tenant) + count;
                }
            }
            catch (PostgresException ex) when (ex.SqlState is "55P03" or "40P01")
            {
                logger.LogWarning(ex, "Partition {Partition} could not be locked for dropping; its readings go by per-sensor deletes", partition);
            }
        }

        return dropped;
    }

    /// <summary>Drops the partition when every row of it may go whole; the rows per tenant dropped (none when it stays).</summary>
    private static async Task<Dictionary<long, long>> DropAsync(
        NpgsqlConnection connection, string partition, long end, IReadOnlyDictionary<long, RawCutoff> tenants, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // SHARE: no reading arrives in the partition between the count and the drop.
        await connection.ExecuteAsync($"SET LOCAL lock_timeout = '{LockTimeout}'; LOCK TABLE {partition} IN SHARE MODE", cancellationToken);
        var counts = (await connection.ListAsync($"SELECT tenant_id, count(*) FROM {partition} GROUP BY tenant_id",
            r => (Tenant: r.GetInt64(0), Count: r.GetInt64(1)), cancellationToken)).ToDictionary(c => c.Tenant, c => c.Count);
        if (counts.Keys.Any(t => !tenants.TryGetValue(t, out var cutoff) || cutoff.BeforeMicros < end || cutoff.Exported))
        {
            await transaction.RollbackAsync(cancellationToken);
            return [];
        }

        await connection.ExecuteAsync($"DROP TABLE {partition}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return counts;
    }
}
