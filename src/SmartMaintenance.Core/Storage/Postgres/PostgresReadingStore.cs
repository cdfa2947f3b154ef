using System.Diagnostics;

using Microsoft.Extensions.Logging;

using Npgsql;

using NpgsqlTypes;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>
/// Readings in PostgreSQL. As in the SQLite store, one writer takes every batch waiting in its queue and commits them
/// in one transaction (group commit): the rows go in by binary COPY into a session table, then one statement moves the
/// new ones into the partitioned <c>readings</c> table (the earliest sent wins among equal keys, a key already stored
/// is a duplicate), folds what it inserted into the minute and hour roll-ups, and answers which rows were new.
/// </summary>
/// <remarks>
/// <para>
/// Partitions are weeks aligned on the Unix epoch, as TimescaleDB's default chunks are. The writer creates, before it
/// writes, the partition of the current week, of the next one, and of every week its batch touches, so the default
/// partition stays empty (a range can no longer get its own partition once rows of it sit in the default one).
/// Readings older than <see cref="PartitionedHistory"/> go to the default partition: a bulk import of years of history
/// must not create a table per week.
/// </para>
/// <para>
/// A transaction that fails on a transient error (a dropped connection, a deadlock with another node's writer, a
/// serialization failure) is retried on a fresh connection; the flags and the roll-ups of an attempt that did not
/// commit are discarded with it. A connection lost while the commit itself was on its way leaves it unknown whether
/// the commit happened: the retry then finds the rows stored and reports them as duplicates, never stores them twice.
/// </para>
/// </remarks>
public sealed class PostgresReadingStore : IReadingStore, IAsyncDisposable
{
    private const int MaxRowsPerTransaction = 50_000;
    private const int Attempts = 3;
    private const long PerWeek = 7 * 24 * UnixMicros.PerHour;

    /// <summary>How far back weeks get partitions of their own; older readings go to the default partition.</summary>
    public static readonly TimeSpan PartitionedHistory = TimeSpan.FromDays(2 * 366);

    private const string CreateIncoming = """
        CREATE TEMP TABLE IF NOT EXISTS incoming (
            ord integer NOT NULL,
            sensor_key bigint NOT NULL,
            ts timestamptz NOT NULL,
            value double precision NOT NULL,
            quality smallint NOT NULL,
            tenant_id bigint NOT NULL) ON COMMIT DELETE ROWS
        """;

    private const string Copy = "COPY incoming (ord, sensor_key, ts, value, quality, tenant_id) FROM STDIN (FORMAT BINARY)";

    // Merges a bucket's new figures (excluded) into the stored ones (Chan et al.'s pairwise update of mean and M2).
    private const string RollupMerge = """
        min = least(r.min, excluded.min),
        max = greatest(r.max, excluded.max),
        mean = r.mean + (excluded.mean - r.mean) * excluded.count / (r.count + excluded.count),
        m2 = r.m2 + excluded.m2
            + (excluded.mean - r.mean) * (excluded.mean - r.mean) * r.count::float8 * excluded.count / (r.count + excluded.count),
        count = r.count + excluded.count
        """;

    private static string RollupUpsert(string name, string table, string width) => $"""
        {name} AS (
            INSERT INTO {table} AS r (sensor_key, bucket, tenant_id, count, min, max, mean, m2)
            SELECT sensor_key, date_bin('{width}', ts, 'epoch'), min(tenant_id), count(*), min(value), max(value), avg(value),
                   coalesce(var_samp(value) * (count(*) - 1), 0)
            FROM inserted GROUP BY 1, 2 ORDER BY 1, 2
            ON CONFLICT (sensor_key, bucket) DO UPDATE SET {RollupMerge})
        """;

    // Candidates are the first sent of each key, in key order (so two writers lock rows in the same order). The roll-ups
    // count only what was inserted; the answer lists the candidates' positions that were.
    private static readonly string Move = $"""
        WITH candidates AS (
            SELECT DISTINCT ON (sensor_key, ts) ord, sensor_key, ts, value, quality, tenant_id
            FROM incoming ORDER BY sensor_key, ts, ord),
        inserted AS (
            INSERT INTO readings (sensor_key, ts, value, quality, tenant_id)
            SELECT sensor_key, ts, value, quality, tenant_id FROM candidates
            ON CONFLICT DO NOTHING
            RETURNING sensor_key, ts, value, tenant_id),
        {RollupUpsert("minutes", "rollup_minute", "1 minute")},
        {RollupUpsert("hours", "rollup_hour", "1 hour")}
        SELECT c.ord FROM candidates c JOIN inserted i ON i.sensor_key = c.sensor_key AND i.ts = c.ts
        """;

    // The fast path: a group without a stored key goes straight into the partitioned table, in key order.
    private const string CopyReadings = "COPY readings (sensor_key, ts, value, quality, tenant_id) FROM STDIN (FORMAT BINARY)";

    // The fast path's roll-ups, folded by the writer (one row per sensor and bucket, in key order) and sent as arrays.
    private static string RollupUpsertArrays(string table, int first) => $"""
        INSERT INTO {table} AS r (sensor_key, bucket, tenant_id, count, min, max, mean, m2)
        SELECT * FROM unnest(${first}::bigint[], ${first + 1}::timestamptz[], ${first + 2}::bigint[], ${first + 3}::bigint[],
                             ${first + 4}::float8[], ${first + 5}::float8[], ${first + 6}::float8[], ${first + 7}::float8[])
        ON CONFLICT (sensor_key, bucket) DO UPDATE SET {RollupMerge}
        """;

    private static readonly string FoldedRollups =
        $"WITH minutes AS ({RollupUpsertArrays("rollup_minute", 1)}) {RollupUpsertArrays("rollup_hour", 9)}";

    private readonly PostgresDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger<PostgresReadingStore> _logger;
    private readonly ReadingWriteQueue _queue = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<long> _partitionedWeeks = [];
    private readonly Lock _partitionsGate = new();
    private int _running;
    private int _disposed;

    /// <param name="database">The database, migrated.</param>
    /// <param name="time">The clock that says which weeks are current (their partitions are made ahead).</param>
    /// <param name="logger">Where failed and retried writes are told.</param>
    /// <param name="writers">
    /// Writer threads, each with its own connection and transaction: while one waits for its commit to be flushed, another
    /// is already sending the next group. Concurrent copies of one key sent in different groups may then be stored in
    /// either order (one is stored, the others are reported duplicates); within a group the earliest sent wins.
    /// </param>
    public PostgresReadingStore(PostgresDatabase database, TimeProvider time, ILogger<PostgresReadingStore> logger, int writers = DefaultWriters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(writers, 1);
        _database = database;
        _time = time;
        _logger = logger;
        _running = writers;
        for (var i = 0; i < writers; i++)
        {
            new Thread(RunWriter) { IsBackground = true, Name = $"smx-readings-writer-pg-{i}" }.Start();
        }
    }

    /// <summary>Writers of a store made without saying how many.</summary>
    public const int DefaultWriters = 2;

    public Task AppendAsync(long tenantId, ReadOnlyMemory<Reading> readings, Memory<bool> inserted, CancellationToken cancellationToken) =>
        _queue.EnqueueAsync(tenantId, readings, inserted);

    public Task<IReadOnlyList<Reading>> QueryAsync(
        long tenantId, long sensorKey, long fromMicros, long beforeMicros, int limit, CancellationToken cancellationToken) =>
        QueryAsync(tenantId, sensorKey, fromMicros, beforeMicros, limit, "DESC", cancellationToken);

    public Task<IReadOnlyList<Reading>> QueryOldestFirstAsync(
        long tenantId, long sensorKey, long fromMicros, long beforeMicros, int limit, CancellationToken cancellationToken) =>
        QueryAsync(tenantId, sensorKey, fromMicros, beforeMicros, limit, "ASC", cancellationToken);

    private async Task<IReadOnlyList<Reading>> QueryAsync(
        long tenantId, long sensorKey, long fromMicros, long beforeMicros, int limit, string order, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"""
            SELECT ts, value, quality FROM readings
            WHERE sensor_key = $1 AND tenant_id = $2 AND ts >= $3 AND ts < $4
            ORDER BY ts {order} LIMIT $5
            """,
            sensorKey, tenantId, Time(fromMicros), Time(beforeMicros), limit);
        var result = new List<Reading>(Math.Min(limit, 1024));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new Reading(sensorKey, Micros(reader.GetDateTime(0)), reader.GetDouble(1), (ReadingQuality)reader.GetInt16(2)));
        }

        return result;
    }

    public async Task<IReadOnlyList<RollupPoint>> SeriesAsync(
        long tenantId, long sensorKey, RollupResolution resolution, long fromMicros, long toMicros, CancellationToken cancellationToken) =>
        (await SeriesOfSensorsAsync(tenantId, [sensorKey], resolution, fromMicros, toMicros, cancellationToken))[0];

    public async Task<IReadOnlyList<RollupPoint>[]> SeriesOfSensorsAsync(
        long tenantId, IReadOnlyList<long> sensorKeys, RollupResolution resolution, long fromMicros, long toMicros, CancellationToken cancellationToken)
    {
        var table = resolution == RollupResolution.Minute ? "rollup_minute" : "rollup_hour";
        var result = new List<RollupPoint>[sensorKeys.Count];
        var positions = new Dictionary<long, int>(sensorKeys.Count);
        for (var s = 0; s < sensorKeys.Count; s++)
        {
            result[s] = [];
            positions.TryAdd(sensorKeys[s], s);
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"""
            SELECT sensor_key, bucket, count, min, max, mean, m2 FROM {table}
            WHERE sensor_key = ANY($1) AND tenant_id = $2 AND bucket >= $3 AND bucket < $4
            ORDER BY sensor_key, bucket
            """,
            positions.Keys.ToArray(), tenantId, Time(fromMicros), Time(toMicros));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var count = reader.GetInt64(2);
            var variance = count > 1 ? reader.GetDouble(6) / (count - 1) : 0;
            result[positions[reader.GetInt64(0)]].Add(
                new RollupPoint(Micros(reader.GetDateTime(1)), count, reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5), variance));
        }

        // A key listed twice gets the same points at each of its places.
        for (var s = 0; s < sensorKeys.Count; s++)
        {
            result[s] = result[positions[sensorKeys[s]]];
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

    /// <summary>
    /// A time as the database takes it: UTC, and beyond the range of <see cref="DateTime"/> the infinities (open query
    /// bounds such as <see cref="long.MinValue"/> arrive here).
    /// </summary>
    private static DateTime Time(long micros)
    {
        const long minMicros = -62_135_596_800_000_000; // 0001-01-01
        const long maxMicros = 253_402_300_799_999_999; // 9999-12-31T23:59:59.999999
        return micros <= minMicros ? DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc)
            : micros > maxMicros ? DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc)
            : new DateTime(DateTime.UnixEpoch.Ticks + (micros * 10), DateTimeKind.Utc);
    }

    private static long Micros(DateTime time) => (time.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    private static long WeekOf(long micros) => micros - (((micros % PerWeek) + PerWeek) % PerWeek);

    private void RunWriter()
    {
        NpgsqlConnection? connection = null;
        var pending = new List<ReadingWriteRequest>();
        var state = new WriterState();
        try
        {
            while (_queue.TakeGroup(pending, MaxRowsPerTransaction, out var rows))
            {
                var started = Stopwatch.GetTimestamp();
                using var activity = ReadingWriteQueue.StartActivity(pending, rows);
                try
                {
                    connection = WriteWithRetries(connection, pending, state);
                    foreach (var request in pending)
                    {
                        request.Done.TrySetResult();
                    }

                    Telemetry.StoreWriteDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
                    Telemetry.StoreWriteRows.Record(rows);
                }
                catch (Exception ex)
                {
                    // The failed attempt closed its connection: the next group opens a fresh one.
                    connection = null;
                    _logger.LogError(ex, "Writing {Rows} readings to PostgreSQL failed; the transaction was rolled back", rows);
                    foreach (var request in pending)
                    {
                        request.Done.TrySetException(ex);
                    }
                }

                pending.Clear();
            }
        }
        finally
        {
            connection?.Dispose();
            if (Interlocked.Decrement(ref _running) == 0)
            {
                _stopped.TrySetResult();
            }
        }
    }

    /// <summary>Writes the group, retrying on a fresh connection after a transient failure; the connection to keep.</summary>
    private NpgsqlConnection WriteWithRetries(
        NpgsqlConnection? connection, List<ReadingWriteRequest> requests, WriterState state)
    {
        var count = state.Rows.FillSortedByKey(requests);
        var rows = state.Rows.Rows;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                connection ??= OpenWriter();
                EnsurePartitions(connection, rows.AsSpan(0, count));
                // While groups keep bringing duplicates (a device re-sending its backlog), a COPY that would fail on
                // them is not tried; the first group without one brings the fast path back.
                if (state.DuplicatesLastGroup || !TryWriteNew(connection, requests, rows.AsSpan(0, count), state.Minutes, state.Hours))
                {
                    state.DuplicatesLastGroup = Write(connection, requests, rows, count) < count;
                }

                return connection;
            }
            catch (Exception ex) when (attempt < Attempts && IsTransient(ex))
            {
                _logger.LogWarning(ex, "Writing readings failed on a transient error (attempt {Attempt} of {Attempts}); retrying", attempt, Attempts);
                connection?.Dispose();
                connection = null;
                Thread.Sleep(TimeSpan.FromMilliseconds(100 * attempt));
            }
            catch
            {
                // The connection may be broken or mid-transaction: start the next group on a fresh one.
                connection?.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// Worth another attempt on a fresh connection: a network failure, a deadlock or serialization failure, or a server
    /// that ended the session (restart, administrator) or refuses connections for a moment.
    /// </summary>
    private static bool IsTransient(Exception ex) => ex switch
    {
        PostgresException p => p.IsTransient || p.SqlState is "40001" or "40P01" or "57P01" or "57P02" or "57P03" || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException n => n.IsTransient,
        _ => false,
    };

    private NpgsqlConnection OpenWriter()
    {
        var connection = _database.DataSource.OpenConnection();
        try
        {
            using var create = new NpgsqlCommand(CreateIncoming, connection);
            create.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The fast path, for a group whose keys are all new (the usual case): its rows (sorted by key) go by binary COPY
    /// straight into <c>readings</c>, and the writer's own roll-up figures of them into the roll-up tables. False, with
    /// nothing written, when the group holds a key twice or a key already stored (the COPY fails on the primary key):
    /// the caller then takes the path that reports each duplicate.
    /// </summary>
    private static bool TryWriteNew(
        NpgsqlConnection connection, List<ReadingWriteRequest> requests, ReadOnlySpan<PendingRow> rows, FoldedRollupRows minutes, FoldedRollupRows hours)
    {
        for (var n = 1; n < rows.Length; n++)
        {
            if (rows[n].Reading.SensorKey == rows[n - 1].Reading.SensorKey && rows[n].Reading.TimestampMicros == rows[n - 1].Reading.TimestampMicros)
            {
                return false;
            }
        }

        using var transaction = connection.BeginTransaction();
        try
        {
            using var import = connection.BeginBinaryImport(CopyReadings);
            foreach (ref readonly var row in rows)
            {
                import.StartRow();
                WriteReading(import, row);
            }

            import.Complete();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresCommands.UniqueViolation)
        {
            transaction.Rollback();
            return false;
        }

        minutes.Fold(rows);
        hours.Fold(rows);
        using (var rollups = new NpgsqlCommand(FoldedRollups, connection, transaction))
        {
            minutes.AddParameters(rollups.Parameters);
            hours.AddParameters(rollups.Parameters);
            rollups.ExecuteNonQuery();
        }

        transaction.Commit();
        foreach (var request in requests)
        {
            request.Inserted.Span[..request.Readings.Length].Fill(true);
        }

        return true;
    }

    /// <summary>A row's reading columns, in the order both COPY statements list them: sensor_key, ts, value, quality, tenant_id.</summary>
    private static void WriteReading(NpgsqlBinaryImporter import, in PendingRow row)
    {
        import.Write(row.Reading.SensorKey, NpgsqlDbType.Bigint);
        import.Write(Time(row.Reading.TimestampMicros), NpgsqlDbType.TimestampTz);
        import.Write(row.Reading.Value, NpgsqlDbType.Double);
        import.Write((short)row.Reading.Quality, NpgsqlDbType.Smallint);
        import.Write(row.TenantId, NpgsqlDbType.Bigint);
    }

    /// <summary>The path that reports each duplicate: returns how many of the group's rows were stored.</summary>
    private static int Write(NpgsqlConnection connection, List<ReadingWriteRequest> requests, PendingRow[] rows, int count)
    {
        foreach (var request in requests)
        {
            request.Inserted.Span[..request.Readings.Length].Clear();
        }

        using var transaction = connection.BeginTransaction();
        using (var import = connection.BeginBinaryImport(Copy))
        {
            for (var n = 0; n < count; n++)
            {
                ref readonly var row = ref rows[n];
                import.StartRow();
                import.Write(n, NpgsqlDbType.Integer);
                WriteReading(import, row);
            }

            import.Complete();
        }

        var stored = 0;
        using (var move = new NpgsqlCommand(Move, connection, transaction))
        using (var reader = move.ExecuteReader())
        {
            while (reader.Read())
            {
                ref readonly var row = ref rows[reader.GetInt32(0)];
                requests[row.Request].Inserted.Span[row.Index] = true;
                stored++;
            }
        }

        transaction.Commit();
        return stored;
    }

    /// <summary>Creates the partitions this group needs and the next week's, once per process and week.</summary>
    private void EnsurePartitions(NpgsqlConnection connection, ReadOnlySpan<PendingRow> rows)
    {
        var now = UnixMicros.From(_time.GetUtcNow());
        var oldest = WeekOf(now - (PartitionedHistory.Ticks / 10));
        var weeks = new HashSet<long> { WeekOf(now), WeekOf(now) + PerWeek };
        var last = long.MinValue;
        foreach (ref readonly var row in rows)
        {
            var week = WeekOf(row.Reading.TimestampMicros);
            if (week != last && week >= oldest)
            {
                weeks.Add(week);
                last = week;
            }
        }

        lock (_partitionsGate)
        {
            weeks.ExceptWith(_partitionedWeeks);
        }

        foreach (var week in weeks)
        {
            EnsurePartition(connection, week);
        }
    }

    private void EnsurePartition(NpgsqlConnection connection, long week)
    {
        var from = Time(week);
        var name = $"readings_{from:yyyyMMdd}";
        // Nodes starting together take turns; a week another node partitioned meanwhile is skipped by IF NOT EXISTS.
        using var transaction = connection.BeginTransaction();
        using (var command = new NpgsqlCommand(
            $"""
            SELECT pg_advisory_xact_lock({0x534D585F50415254L});
            CREATE TABLE IF NOT EXISTS {name} PARTITION OF readings
                FOR VALUES FROM ('{from:yyyy-MM-dd}T00:00:00Z') TO ('{Time(week + PerWeek):yyyy-MM-dd}T00:00:00Z')
            """, connection, transaction))
        {
            try
            {
                command.ExecuteNonQuery();
            }
            catch (PostgresException ex) when (ex.SqlState == "23514")
            {
                // Rows of this week already sit in the default partition (written before partitions were made ahead):
                // they stay there, and so will the week's next rows.
                _logger.LogWarning("Readings of the week from {Week:yyyy-MM-dd} stay in the default partition: it holds some of them already", from);
                transaction.Rollback();
                Partitioned(week);
                return;
            }
        }

        transaction.Commit();
        Partitioned(week);
    }

    private void Partitioned(long week)
    {
        lock (_partitionsGate)
        {
            _partitionedWeeks.Add(week);
        }
    }

    /// <summary>What a writer thread keeps from group to group.</summary>
    private sealed class WriterState
    {
        public PendingRows Rows { get; } = new();

        public FoldedRollupRows Minutes { get; } = new(UnixMicros.PerMinute);

        public FoldedRollupRows Hours { get; } = new(UnixMicros.PerHour);

        /// <summary>The last group held a key twice or a key already stored: the next one takes the duplicates' path.</summary>
        public bool DuplicatesLastGroup { get; set; }
    }

    /// <summary>
    /// The roll-up rows of a group the writer folds itself (fast path): one per sensor and bucket, from rows sorted by
    /// key, so each bucket's rows are consecutive. The lists are the statement's array parameters, reused group to group.
    /// </summary>
    private sealed class FoldedRollupRows(long width)
    {
        private readonly List<long> _sensors = [];
        private readonly List<DateTime> _buckets = [];
        private readonly List<long> _tenants = [];
        private readonly List<long> _counts = [];
        private readonly List<double> _mins = [];
        private readonly List<double> _maxs = [];
        private readonly List<double> _means = [];
        private readonly List<double> _m2s = [];

        public void Fold(ReadOnlySpan<PendingRow> rows)
        {
            _sensors.Clear();
            _buckets.Clear();
            _tenants.Clear();
            _counts.Clear();
            _mins.Clear();
            _maxs.Clear();
            _means.Clear();
            _m2s.Clear();
            var sensor = 0L;
            var bucket = long.MinValue;
            var accumulator = default(RollupAccumulator);
            foreach (ref readonly var row in rows)
            {
                var micros = row.Reading.TimestampMicros;
                var rowBucket = micros - ((micros % width) + width) % width;
                if (accumulator.Count > 0 && (row.Reading.SensorKey != sensor || rowBucket != bucket))
                {
                    Add(sensor, bucket, accumulator);
                    accumulator = default;
                }

                sensor = row.Reading.SensorKey;
                bucket = rowBucket;
                accumulator.Add(row.TenantId, row.Reading.Value);
            }

            if (accumulator.Count > 0)
            {
                Add(sensor, bucket, accumulator);
            }
        }

        public void AddParameters(NpgsqlParameterCollection parameters)
        {
            parameters.Add(new NpgsqlParameter<List<long>> { TypedValue = _sensors });
            parameters.Add(new NpgsqlParameter<List<DateTime>> { TypedValue = _buckets });
            parameters.Add(new NpgsqlParameter<List<long>> { TypedValue = _tenants });
            parameters.Add(new NpgsqlParameter<List<long>> { TypedValue = _counts });
            parameters.Add(new NpgsqlParameter<List<double>> { TypedValue = _mins });
            parameters.Add(new NpgsqlParameter<List<double>> { TypedValue = _maxs });
            parameters.Add(new NpgsqlParameter<List<double>> { TypedValue = _means });
            parameters.Add(new NpgsqlParameter<List<double>> { TypedValue = _m2s });
        }

        private void Add(long sensor, long bucket, in RollupAccumulator accumulator)
        {
            _sensors.Add(sensor);
            _buckets.Add(Time(bucket));
            _tenants.Add(accumulator.TenantId);
            _counts.Add(accumulator.Count);
            _mins.Add(accumulator.Min);
            _maxs.Add(accumulator.Max);
            _means.Add(accumulator.Mean);
            _m2s.Add(accumulator.M2);
        }
    }
}
