using System.Runtime.InteropServices;

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>
/// Readings in SQLite. Writes go through one writer connection that commits every batch waiting in its
/// queue in a single fsync'd transaction (group commit): concurrent requests share the cost of durability
/// instead of queueing for the file lock one by one.
/// </summary>
/// <remarks>
/// The writer is a dedicated thread blocked on its queue, not a thread-pool continuation: under load the pool's
/// queue is full of request work, and a writer waiting its turn there lengthens every commit that requests wait on.
/// </remarks>
public sealed class SqliteReadingStore : IReadingStore, IAsyncDisposable
{
    private const int MaxRowsPerTransaction = 50_000;

    private static string RollupUpsert(string table) => $"""
        INSERT INTO {table} (sensor_key, bucket, tenant_id, count, min, max, mean, m2) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
        ON CONFLICT (sensor_key, bucket) DO UPDATE SET
            min = min(min, excluded.min),
            max = max(max, excluded.max),
            mean = mean + (excluded.mean - mean) * excluded.count / (count + excluded.count),
            m2 = m2 + excluded.m2 + (excluded.mean - mean) * (excluded.mean - mean) * count * excluded.count / (count + excluded.count),
            count = count + excluded.count;
        """;

    private readonly SqliteDatabase _database;
    private readonly ILogger<SqliteReadingStore> _logger;
    private readonly ReadingWriteQueue _queue = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    public SqliteReadingStore(SqliteDatabase database, ILogger<SqliteReadingStore> logger)
    {
        _database = database;
        _logger = logger;
        new Thread(RunWriter) { IsBackground = true, Name = "smx-readings-writer" }.Start();
    }

    public Task AppendAsync(long tenantId, ReadOnlyMemory<Reading> readings, Memory<bool> inserted, CancellationToken cancellationToken) =>
        _queue.EnqueueAsync(tenantId, readings, inserted);

    public Task<IReadOnlyList<Reading>> QueryAsync(
        long tenantId, long sensorKey, long fromMicros, long beforeMicros, int limit, CancellationToken cancellationToken) =>
        QueryAsync(tenantId, sensorKey, fromMicros, beforeMicros, limit, newestFirst: true, cancellationToken);

    public Task<IReadOnlyList<Reading>> QueryOldestFirstAsync(
        long tenantId, long sensorKey, long fromMicros, long beforeMicros, int limit, CancellationToken cancellationToken) =>
        QueryAsync(tenantId, sensorKey, fromMicros, beforeMicros, limit, newestFirst: false, cancellationToken);

    private async Task<IReadOnlyList<Reading>> QueryAsync(
        long tenantId, long sensorKey, long fromMicros, long beforeMicros, int limit, bool newestFirst, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = newestFirst ? NewestFirst : OldestFirst;
        command.Parameters.AddWithValue("$sensor", sensorKey);
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$from", fromMicros);
        command.Parameters.AddWithValue("$before", beforeMicros);
        command.Parameters.AddWithValue("$limit", limit);
        var result = new List<Reading>(Math.Min(limit, 1024));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (reader.Read())
        {
            result.Add(new Reading(sensorKey, reader.GetInt64(0), reader.GetDouble(1), (ReadingQuality)reader.GetInt32(2)));
        }

        return result;
    }

    private const string NewestFirst = """
        SELECT ts, value, quality FROM readings
        WHERE sensor_key = $sensor AND tenant_id = $tenant AND ts >= $from AND ts < $before
        ORDER BY ts DESC LIMIT $limit
        """;

    private const string OldestFirst = """
        SELECT ts, value, quality FROM readings
        WHERE sensor_key = $sensor AND tenant_id = $tenant AND ts >= $from AND ts < $before
        ORDER BY ts ASC LIMIT $limit
        """;

    public async Task<IReadOnlyList<RollupPoint>> SeriesAsync(
        long tenantId, long sensorKey, RollupResolution resolution, long fromMicros, long toMicros, CancellationToken cancellationToken) =>
        (await SeriesOfSensorsAsync(tenantId, [sensorKey], resolution, fromMicros, toMicros, cancellationToken))[0];

    public async Task<IReadOnlyList<RollupPoint>[]> SeriesOfSensorsAsync(
        long tenantId, IReadOnlyList<long> sensorKeys, RollupResolution resolution, long fromMicros, long toMicros, CancellationToken cancellationToken)
    {
        // One connection and one prepared statement for every sensor: in-process, a read per sensor costs no round trip.
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var table = resolution == RollupResolution.Minute ? "rollup_minute" : "rollup_hour";
        command.CommandText = $"""
            SELECT bucket, count, min, max, mean, m2 FROM {table}
            WHERE sensor_key = $sensor AND tenant_id = $tenant AND bucket >= $from AND bucket < $to
            ORDER BY bucket
            """;
        var sensor = command.Parameters.Add("$sensor", SqliteType.Integer);
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$from", fromMicros);
        command.Parameters.AddWithValue("$to", toMicros);
        var result = new IReadOnlyList<RollupPoint>[sensorKeys.Count];
        for (var s = 0; s < sensorKeys.Count; s++)
        {
            sensor.Value = sensorKeys[s];
            var points = new List<RollupPoint>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (reader.Read())
            {
                var (count, min, max, mean) = (reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4));
                var variance = count > 1 ? reader.GetDouble(5) / (count - 1) : 0;
                // Readings accepted before their magnitude was bounded can have overflowed a bucket's mean or variance:
                // such a bucket reads as the widest finite spread, not as a value no answer can carry.
                mean = double.IsFinite(mean) ? mean : (min / 2) + (max / 2);
                variance = double.IsFinite(variance) ? variance : double.MaxValue;
                points.Add(new RollupPoint(reader.GetInt64(0), count, min, max, mean, variance));
            }

            result[s] = points;
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        // The host may dispose the store once per service it is registered as; only the first call stops the writer.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            await _stopped.Task;
            return;
        }

        _queue.Complete();
        await _stopped.Task;
        _queue.Dispose();
    }

    private void RunWriter()
    {
        try
        {
            WriteUntilCompleted();
        }
        catch (Exception ex)
        {
            // The writer cannot run (e.g. the file is unreadable): fail every waiting and future append loudly.
            _logger.LogCritical(ex, "The readings writer stopped; appends will fail");
            _queue.Fail(ex);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    private void WriteUntilCompleted()
    {
        using var connection = _database.Open();
        var db = connection.Handle!;
        // FULL: a commit is fsync'd before appends complete. A large page cache keeps the B-tree pages of busy sensors
        // in memory instead of re-reading them from the OS at every insert. Checkpointing every 64 MiB of WAL instead
        // of SQLite's 4 MiB copies a page rewritten by many small commits to the database file once, not each time.
        // The busy timeout makes this raw connection wait for other writers (audit trail, catalog) as ADO.NET ones do.
        RawStatement.Exec(db, "PRAGMA synchronous=FULL; PRAGMA cache_size=-131072; PRAGMA wal_autocheckpoint=16384; PRAGMA busy_timeout=30000;");
        using var insert = new RawStatement(db, InsertSql(1));
        using var chunkInsert = new RawStatement(db, InsertSql(TransactionWriter.ChunkRows));
        using var savepoint = new RawStatement(db, "SAVEPOINT chunk");
        using var release = new RawStatement(db, "RELEASE chunk");
        using var rollbackToSavepoint = new RawStatement(db, "ROLLBACK TO chunk");
        using var minuteUpsert = new RawStatement(db, RollupUpsert("rollup_minute"));
        using var hourUpsert = new RawStatement(db, RollupUpsert("rollup_hour"));
        var writer = new TransactionWriter(db, insert, minuteUpsert, hourUpsert, new ChunkStatements(chunkInsert, savepoint, release, rollbackToSavepoint));
        var pending = new List<ReadingWriteRequest>();

        while (_queue.TakeGroup(pending, MaxRowsPerTransaction, out var rows))
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            using var activity = ReadingWriteQueue.StartActivity(pending, rows);
            try
            {
                writer.Write(pending);
                foreach (var request in pending)
                {
                    request.Done.TrySetResult();
                }

                Telemetry.StoreWriteDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
                Telemetry.StoreWriteRows.Record(rows);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Writing {Rows} readings failed; the transaction was rolled back", rows);
                foreach (var request in pending)
                {
                    request.Done.TrySetException(ex);
                }
            }

            pending.Clear();
        }
    }

    private static string InsertSql(int rows) =>
        "INSERT INTO readings (sensor_key, ts, value, quality, tenant_id) VALUES " +
        string.Join(", ", Enumerable.Range(0, rows).Select(r => $"(?{(r * 5) + 1}, ?{(r * 5) + 2}, ?{(r * 5) + 3}, ?{(r * 5) + 4}, ?{(r * 5) + 5})")) +
        " ON CONFLICT DO NOTHING";

    private sealed record ChunkStatements(RawStatement Insert, RawStatement Savepoint, RawStatement Release, RawStatement RollbackToSavepoint);

    /// <summary>
    /// Writes a group of requests in one transaction and folds inserted readings into roll-ups. Rows are inserted in
    /// key order (sensor, timestamp), so consecutive inserts land on the same B-tree leaf instead of hopping between
    /// every sensor's pages.
    /// </summary>
    private sealed class TransactionWriter(
        SQLitePCL.sqlite3 db, RawStatement insert, RawStatement minuteUpsert, RawStatement hourUpsert, ChunkStatements chunk)
    {
        /// <summary>
        /// Rows per multi-row INSERT. One statement step for many rows saves the per-statement cost; when a chunk holds
        /// a duplicate (fewer rows changed than sent) it is rolled back to its savepoint and inserted row by row, so
        /// each duplicate is still reported.
        /// </summary>
        public const int ChunkRows = 50;

        private readonly Dictionary<(long Sensor, long Bucket), RollupAccumulator> _minutes = [];
        private readonly Dictionary<(long Sensor, long Bucket), RollupAccumulator> _hours = [];
        private readonly PendingRows _pending = new();

        public void Write(List<ReadingWriteRequest> requests)
        {
            _minutes.Clear();
            _hours.Clear();
            var count = _pending.FillSortedByKey(requests);
            RawStatement.Exec(db, "BEGIN IMMEDIATE;");
            try
            {
                var start = 0;
                for (; count - start >= ChunkRows; start += ChunkRows)
                {
                    InsertChunk(requests, _pending.Rows.AsSpan(start, ChunkRows));
                }

                InsertOneByOne(requests, _pending.Rows.AsSpan(start, count - start));
                Flush(_minutes, minuteUpsert);
                Flush(_hours, hourUpsert);
                RawStatement.Exec(db, "COMMIT;");
            }
            catch
            {
                // SQLite rolls back by itself after some errors (a full disk, an I/O error): roll back only what is
                // still open, so the original error is the one reported.
                if (SQLitePCL.raw.sqlite3_get_autocommit(db) == 0)
                {
                    RawStatement.Exec(db, "ROLLBACK;");
                }

                throw;
            }
        }

        private void InsertChunk(List<ReadingWriteRequest> requests, ReadOnlySpan<PendingRow> rows)
        {
            chunk.Savepoint.Execute();
            for (var r = 0; r < rows.Length; r++)
            {
                Bind(chunk.Insert, r * 5, rows[r]);
            }

            if (chunk.Insert.Execute() != rows.Length)
            {
                chunk.RollbackToSavepoint.Execute();
                chunk.Release.Execute();
                InsertOneByOne(requests, rows);
                return;
            }

            chunk.Release.Execute();
            foreach (ref readonly var row in rows)
            {
                Inserted(requests, row);
            }
        }

        private void InsertOneByOne(List<ReadingWriteRequest> requests, ReadOnlySpan<PendingRow> rows)
        {
            foreach (ref readonly var row in rows)
            {
                Bind(insert, 0, row);
                if (insert.Execute() == 1)
                {
                    Inserted(requests, row);
                }
                else
                {
                    requests[row.Request].Inserted.Span[row.Index] = false;
                }
            }
        }

        private void Inserted(List<ReadingWriteRequest> requests, in PendingRow row)
        {
            requests[row.Request].Inserted.Span[row.Index] = true;
            Accumulate(_minutes, row.Reading, UnixMicros.PerMinute, row.TenantId);
            Accumulate(_hours, row.Reading, UnixMicros.PerHour, row.TenantId);
        }

        private static void Bind(RawStatement statement, int offset, in PendingRow row) => statement
            .Bind(offset + 1, row.Reading.SensorKey)
            .Bind(offset + 2, row.Reading.TimestampMicros)
            .Bind(offset + 3, row.Reading.Value)
            .Bind(offset + 4, (long)row.Reading.Quality)
            .Bind(offset + 5, row.TenantId);

        private static void Accumulate(
            Dictionary<(long, long), RollupAccumulator> buckets, in Reading reading, long width, long tenantId)
        {
            var bucket = reading.TimestampMicros - ((reading.TimestampMicros % width) + width) % width;
            ref var accumulator = ref CollectionsMarshal.GetValueRefOrAddDefault(buckets, (reading.SensorKey, bucket), out _);
            accumulator.Add(tenantId, reading.Value);
        }

        private static void Flush(Dictionary<(long Sensor, long Bucket), RollupAccumulator> buckets, RawStatement upsert)
        {
            foreach (var ((sensor, bucket), a) in buckets)
            {
                upsert.Bind(1, sensor).Bind(2, bucket).Bind(3, a.TenantId).Bind(4, a.Count)
                    .Bind(5, a.Min).Bind(6, a.Max).Bind(7, a.Mean).Bind(8, a.M2).Execute();
            }
        }
    }
}
