using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

public sealed class SqliteReadingStoreTests : IAsyncLifetime
{
    private static readonly long T0 = UnixMicros.From(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
    private readonly TempReadingStore _readings = new();

    private SqliteReadingStore _store => _readings.Store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _readings.DisposeAsync();

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

        await using var connection = await _readings.Temp.Database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*), (SELECT sum(count) FROM rollup_minute) FROM readings";
        await using var reader = await command.ExecuteReaderAsync();
        reader.Read();
        Assert.Equal(5000, reader.GetInt64(0));
        Assert.Equal(5000, reader.GetInt64(1));
    }
}
