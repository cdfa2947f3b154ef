using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

using Npgsql;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>
/// What every reading store must do, run against each store (SQLite, and PostgreSQL below): windows and paging both
/// ways, duplicates flagged and stored once with the earliest sent winning, exact roll-ups across batches, tenants
/// kept apart, and concurrent appends all durable.
/// </summary>
public abstract class ReadingStoreContract : IAsyncLifetime
{
    protected static readonly long T0 = UnixMicros.From(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));

    private IReadingStore _store = null!;

    /// <summary>A store on an empty, migrated database.</summary>
    protected abstract Task<IReadingStore> NewStoreAsync();

    /// <summary>Rows in the readings table, and readings counted by the minute roll-ups.</summary>
    protected abstract Task<(long Readings, long RolledUp)> CountAsync();

    public async Task InitializeAsync() => _store = await NewStoreAsync();

    public virtual async Task DisposeAsync() => await ((IAsyncDisposable)_store).DisposeAsync();

    [Fact]
    public async Task Oldest_first_reads_keep_to_the_window_and_page_on_from_the_last_timestamp()
    {
        var batch = Enumerable.Range(0, 10).Select(i => new Reading(1, T0 + i, i, ReadingQuality.Good)).ToArray();
        await _store.AppendAsync(1, batch, new bool[batch.Length], default);
        await _store.AppendAsync(1, new[] { new Reading(2, T0 + 3, 99, ReadingQuality.Good) }, new bool[1], default);

        var first = await _store.QueryOldestFirstAsync(1, 1, T0 + 2, T0 + 8, 4, default);
        Assert.Equal([2.0, 3, 4, 5], first.Select(r => r.Value));
        var rest = await _store.QueryOldestFirstAsync(1, 1, first[^1].TimestampMicros + 1, T0 + 8, 4, default);
        Assert.Equal([6.0, 7], rest.Select(r => r.Value));
        Assert.Empty(await _store.QueryOldestFirstAsync(2, 1, long.MinValue, long.MaxValue, 10, default));
    }

    [Fact]
    public async Task Every_column_reads_back_exactly_in_both_write_paths()
    {
        // Before and after PostgreSQL's epoch (2000-01-01) and the Unix one, to the microsecond; every quality; values
        // at the edges of a double.
        long[] times =
        [
            UnixMicros.From(new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero)) + 999_999,
            UnixMicros.From(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            -1,
            T0 + 123_457,
        ];
        double[] values = [0, double.Epsilon, -1.7976931348623157e308, 20.123456789012345];
        var readings = times.Select((t, i) => new Reading(7, t, values[i], (ReadingQuality)(i % 3))).ToArray();
        var inserted = new bool[readings.Length];
        await _store.AppendAsync(3, readings, inserted, default);
        Assert.All(inserted, Assert.True);

        // The same again with one new reading: the group holds keys already stored, so it takes the path that reports them.
        var again = readings.Append(new Reading(7, T0 + 200_000, 1.5, ReadingQuality.Bad)).ToArray();
        var second = new bool[again.Length];
        await _store.AppendAsync(3, again, second, default);
        Assert.Equal([false, false, false, false, true], second);

        var stored = await _store.QueryOldestFirstAsync(3, 7, long.MinValue, long.MaxValue, 10, default);
        Assert.Equal(again.OrderBy(r => r.TimestampMicros), stored);
        Assert.Empty(await _store.QueryOldestFirstAsync(1, 7, long.MinValue, long.MaxValue, 10, default));
    }

    [Fact]
    public async Task Duplicates_in_a_batch_and_across_batches_are_flagged_and_stored_once()
    {
        Reading[] batch = [new(1, T0, 1, ReadingQuality.Good), new(1, T0 + 1, 2, ReadingQuality.Good), new(1, T0, 9, ReadingQuality.Good)];
        var inserted = new bool[3];
        await _store.AppendAsync(1, batch, inserted, default);
        Assert.Equal([true, true, false], inserted);

        await _store.AppendAsync(1, batch, inserted, default);
        Assert.Equal([false, false, false], inserted);

        var stored = await _store.QueryAsync(1, 1, long.MinValue, long.MaxValue, 10, default);
        Assert.Equal([2.0, 1.0], stored.Select(r => r.Value));
    }

    [Fact]
    public async Task Rollups_merge_batches_into_exact_count_min_max_mean_and_variance()
    {
        var values = new[] { 3.0, 7, 1, 12, 5, 5, 9 };
        var readings = values.Select((v, i) => new Reading(1, T0 + (i * 5_000_000L), v, ReadingQuality.Good)).ToArray();
        // Two batches, out of order, plus a duplicate that must not count.
        await _store.AppendAsync(1, readings.AsMemory(4), new bool[3], default);
        await _store.AppendAsync(1, readings[..4].Append(readings[5]).ToArray(), new bool[5], default);

        var minute = Assert.Single(await _store.SeriesAsync(1, 1, RollupResolution.Minute, T0, T0 + UnixMicros.PerMinute, default));
        Assert.Equal(7, minute.Count);
        Assert.Equal(1, minute.Min);
        Assert.Equal(12, minute.Max);
        Assert.Equal(values.Average(), minute.Mean, 9);
        var mean = values.Average();
        Assert.Equal(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1), minute.Variance, 9);

        var hour = Assert.Single(await _store.SeriesAsync(1, 1, RollupResolution.Hour, T0, T0 + UnixMicros.PerHour, default));
        Assert.Equal(7, hour.Count);
    }

    [Fact]
    public async Task Rollups_of_one_batch_over_several_sensors_and_bucket_edges_count_each_reading_in_its_own_buckets()
    {
        // Three sensors with a reading every 20 s from 2 minutes before an hour's end to 2 minutes after it (four minute
        // buckets and two hour buckets each), and a fourth with three readings in the last of those minutes only (its
        // buckets start where the third sensor's end), all sent shuffled in one batch: each bucket has its own figures.
        var end = T0 + UnixMicros.PerHour;
        var readings = (from sensor in new long[] { 3, 1, 2 }
                        from step in Enumerable.Range(0, 12)
                        select new Reading(sensor, end - (2 * UnixMicros.PerMinute) + (step * 20_000_000L), (sensor * 100) + (step * step), ReadingQuality.Good))
            .Concat(Enumerable.Range(0, 3).Select(step => new Reading(4, end + UnixMicros.PerMinute + (step * 20_000_000L), 7 - step, ReadingQuality.Good)))
            .OrderBy(r => (r.TimestampMicros * 7919) % 13).ThenBy(r => r.SensorKey).ToArray();
        var inserted = new bool[readings.Length];
        await _store.AppendAsync(1, readings, inserted, default);
        Assert.All(inserted, Assert.True);

        foreach (var (resolution, width) in new[] { (RollupResolution.Minute, UnixMicros.PerMinute), (RollupResolution.Hour, UnixMicros.PerHour) })
        {
            foreach (var sensor in new long[] { 1, 2, 3, 4 })
            {
                var expected = readings.Where(r => r.SensorKey == sensor)
                    .GroupBy(r => r.TimestampMicros - (r.TimestampMicros % width)).OrderBy(g => g.Key)
                    .Select(g => (g.Key, (long)g.Count(), g.Min(r => r.Value), g.Max(r => r.Value), g.Average(r => r.Value))).ToArray();
                var series = await _store.SeriesAsync(1, sensor, resolution, T0 - UnixMicros.PerHour, T0 + (3 * UnixMicros.PerHour), default);
                Assert.Equal(expected.Select(e => (e.Key, e.Item2, e.Item3, e.Item4)), series.Select(p => (p.BucketStartMicros, p.Count, p.Min, p.Max)));
                Assert.Equal(expected.Select(e => e.Item5), series.Select(p => p.Mean), (a, b) => Math.Abs(a - b) < 1e-9);
            }
        }

        Assert.Equal((39L, 39L), await CountAsync());
    }

    [Fact]
    public async Task Series_of_several_sensors_answers_each_key_in_the_order_asked_within_the_range_and_tenant()
    {
        await _store.AppendAsync(1, new[]
        {
            new Reading(1, T0, 1, ReadingQuality.Good), new Reading(1, T0 + UnixMicros.PerMinute, 2, ReadingQuality.Good),
            new Reading(1, T0 + (2 * UnixMicros.PerMinute), 3, ReadingQuality.Good), new Reading(2, T0 + 5, 20, ReadingQuality.Good),
        }, new bool[4], default);
        await _store.AppendAsync(2, new[] { new Reading(3, T0, 30, ReadingQuality.Good) }, new bool[1], default);

        var series = await _store.SeriesOfSensorsAsync(1, [2, 9, 1, 3, 2], RollupResolution.Minute, T0, T0 + (2 * UnixMicros.PerMinute), default);

        Assert.Equal([[20.0], [], [1.0, 2.0], [], [20.0]], series.Select(points => points.Select(p => p.Mean).ToArray()));
        Assert.Equal([T0, T0 + UnixMicros.PerMinute], series[2].Select(p => p.BucketStartMicros));
        Assert.Equal(series[2], await _store.SeriesAsync(1, 1, RollupResolution.Minute, T0, T0 + (2 * UnixMicros.PerMinute), default));
    }

    [Fact]
    public async Task Query_pages_newest_first_within_the_range_and_tenant()
    {
        var readings = Enumerable.Range(0, 10).Select(i => new Reading(1, T0 + i, i, ReadingQuality.Good)).ToArray();
        await _store.AppendAsync(1, readings, new bool[10], default);

        var page = await _store.QueryAsync(1, 1, T0 + 2, T0 + 8, 4, default);
        Assert.Equal([7.0, 6, 5, 4], page.Select(r => r.Value));
        var next = await _store.QueryAsync(1, 1, T0 + 2, page[^1].TimestampMicros, 4, default);
        Assert.Equal([3.0, 2], next.Select(r => r.Value));
        Assert.Empty(await _store.QueryAsync(2, 1, long.MinValue, long.MaxValue, 10, default));
    }

    [Fact]
    public async Task Concurrent_appends_are_all_durable_after_they_complete()
    {
        var tasks = Enumerable.Range(0, 50).Select(b =>
        {
            var batch = Enumerable.Range(0, 100).Select(i => new Reading(1 + (b % 3), T0 + (b * 1000) + i, i, ReadingQuality.Good)).ToArray();
            return _store.AppendAsync(1, batch, new bool[100], default);
        });
        await Task.WhenAll(tasks);

        Assert.Equal((5000L, 5000L), await CountAsync());
    }

    [Fact]
    public async Task Of_equal_keys_sent_at_the_same_time_by_two_requests_exactly_one_is_stored_and_the_other_reported_a_duplicate()
    {
        var firstFlag = new bool[1];
        var first = _store.AppendAsync(1, new[] { new Reading(1, T0, 1, ReadingQuality.Good) }, firstFlag, default);
        var flags = new bool[2];
        var second = _store.AppendAsync(1, new[] { new Reading(1, T0, 2, ReadingQuality.Uncertain), new Reading(1, T0 + 1, 3, ReadingQuality.Good) }, flags, default);
        await Task.WhenAll(first, second);

        // Which request's copy wins depends on which group reached the store first; the answer and the store agree.
        Assert.True(firstFlag[0] ^ flags[0]);
        Assert.True(flags[1]);
        var stored = await _store.QueryOldestFirstAsync(1, 1, T0, T0 + 2, 10, default);
        Assert.Equal([firstFlag[0] ? 1.0 : 2.0, 3.0], stored.Select(r => r.Value));
        Assert.Equal((2L, 2L), await CountAsync());
    }
}

public sealed class SqliteReadingStoreContract : ReadingStoreContract
{
    private readonly TempReadingStore _readings = new();

    protected override Task<IReadingStore> NewStoreAsync() => Task.FromResult<IReadingStore>(_readings.Store);

    protected override async Task<(long Readings, long RolledUp)> CountAsync()
    {
        await using var connection = await _readings.Temp.Database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*), (SELECT sum(count) FROM rollup_minute) FROM readings";
        await using var reader = await command.ExecuteReaderAsync();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    public override async Task DisposeAsync() => await _readings.DisposeAsync();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresReadingStoreContract(PostgresServer server) : ReadingStoreContract
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));
    private PostgresDatabase? _database;
    private PostgresReadingStore? _store;

    protected override async Task<IReadingStore> NewStoreAsync()
    {
        _database = new PostgresDatabase(await server.CreateDatabaseAsync(), NullLogger<PostgresDatabase>.Instance);
        await _database.MigrateAsync();
        return _store = new PostgresReadingStore(_database, Clock, NullLogger<PostgresReadingStore>.Instance);
    }

    protected override async Task<(long Readings, long RolledUp)> CountAsync()
    {
        var counts = await ScalarsAsync("SELECT count(*), (SELECT sum(count)::bigint FROM rollup_minute) FROM readings");
        return (counts[0], counts[1]);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _database!.DisposeAsync();
    }

    [Fact]
    public async Task Readings_land_in_weekly_partitions_made_ahead_and_old_history_in_the_default_one()
    {
        var old = UnixMicros.From(new DateTimeOffset(2020, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var flags = new bool[2];
        await _store!.AppendAsync(1, new[] { new Reading(1, T0, 1, ReadingQuality.Good), new Reading(1, old, 2, ReadingQuality.Good) }, flags, default);

        Assert.Equal([true, true], flags);
        // T0 (2026-11-25) lies in the epoch-aligned week from Thursday 2026-11-19; the clock's week (from 2026-12-03) and
        // the next one (from 2026-12-10) exist before any reading of theirs arrives.
        Assert.Equal(new long[] { 1, 0, 0, 1 }, await ScalarsAsync(
            """
            SELECT (SELECT count(*) FROM readings_20261119), (SELECT count(*) FROM readings_20261203),
                   (SELECT count(*) FROM readings_20261210), (SELECT count(*) FROM readings_default)
            """));
        Assert.Equal([1.0, 2.0], (await _store.QueryAsync(1, 1, long.MinValue, long.MaxValue, 10, default)).Select(r => r.Value));
    }

    [Fact]
    public async Task A_week_whose_readings_already_sit_in_the_default_partition_keeps_taking_them_there()
    {
        // Rows of a week written before it had a partition (by hand here; an older build could have done it).
        await ScalarsAsync("INSERT INTO readings VALUES (1, '2026-11-25T00:00:00Z', 7, 0, 1) RETURNING 1");
        var flags = new bool[2];
        await _store!.AppendAsync(1, new[] { new Reading(1, T0, 1, ReadingQuality.Good), new Reading(1, T0 - (UnixMicros.PerHour * 10), 9, ReadingQuality.Good) }, flags, default);

        Assert.Equal([true, false], flags);
        Assert.Equal(new long[] { 2 }, await ScalarsAsync("SELECT count(*) FROM readings_default"));
    }

    [Fact]
    public async Task A_writer_whose_connection_the_server_ended_reconnects_and_the_batch_is_stored()
    {
        await _store!.AppendAsync(1, new[] { new Reading(1, T0, 1, ReadingQuality.Good) }, new bool[1], default);
        await ScalarsAsync("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");

        var flags = new bool[2];
        await _store.AppendAsync(1, new[] { new Reading(1, T0, 5, ReadingQuality.Good), new Reading(1, T0 + 1, 2, ReadingQuality.Good) }, flags, default);

        Assert.Equal([false, true], flags);
        Assert.Equal((2L, 2L), await CountAsync());
    }

    [Fact]
    public async Task A_group_that_fails_is_reported_failed_and_the_next_one_is_written_on_a_fresh_connection()
    {
        // One writer, so the group after the failure goes to the writer that failed.
        await using var store = new PostgresReadingStore(_database!, Clock, NullLogger<PostgresReadingStore>.Instance, writers: 1);
        await store.AppendAsync(1, new[] { new Reading(1, T0, 1, ReadingQuality.Good) }, new bool[1], default);
        await ScalarsAsync("ALTER TABLE readings RENAME TO readings_away");
        await Assert.ThrowsAsync<PostgresException>(() => store.AppendAsync(1, new[] { new Reading(1, T0 + 1, 2, ReadingQuality.Good) }, new bool[1], default));
        await ScalarsAsync("ALTER TABLE readings_away RENAME TO readings");

        var flags = new bool[1];
        await store.AppendAsync(1, new[] { new Reading(1, T0 + 2, 3, ReadingQuality.Good) }, flags, default);

        Assert.True(flags[0]);
        Assert.Equal((2L, 2L), await CountAsync());
    }

    private async Task<long[]> ScalarsAsync(string sql)
    {
        await using var connection = await _database!.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return Enumerable.Range(0, reader.FieldCount).Select(reader.GetInt64).ToArray();
    }
}
