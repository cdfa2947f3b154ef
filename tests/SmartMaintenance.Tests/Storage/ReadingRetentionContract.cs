using System.IO.Compression;

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

using Npgsql;

using SmartMaintenance.Agents;
using SmartMaintenance.Domain;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Retention;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>
/// What retention must do on every store, run against SQLite and PostgreSQL (tenants 1 and 2 exist): policies kept per
/// tenant, raw readings removed strictly before the cut-off, roll-ups by their own longer cut-offs, another tenant's data
/// never touched, dropped readings exported exactly, and runs audited.
/// </summary>
public abstract class ReadingRetentionContract : IAsyncLifetime
{
    // Not on a minute: the raw cut-off falls inside a roll-up bucket.
    protected static readonly DateTimeOffset Now = new(2026, 12, 7, 8, 0, 30, 123, TimeSpan.Zero);
    protected static readonly long RawCutoff = UnixMicros.From(Now.AddDays(-10));

    private readonly FakeTimeProvider _clock = new(Now);
    private readonly string _dataDir = Directory.CreateTempSubdirectory("smx-retention-").FullName;
    private ReadingRetention _retention = null!;

    protected Stores Store { get; private set; } = null!;

    /// <summary>The stores of an empty, migrated database with tenants 1 and 2.</summary>
    protected abstract Task<Stores> OpenAsync(TimeProvider clock);

    public async Task InitializeAsync()
    {
        Store = await OpenAsync(_clock);
        _retention = new ReadingRetention(Store.Policies, Store.Retention, Store.Catalog, Store.Log, _clock, _dataDir, NullLogger<ReadingRetention>.Instance);
    }

    public virtual async Task DisposeAsync()
    {
        _retention.Dispose();
        await ((IAsyncDisposable)Store.Readings).DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task A_policy_is_kept_per_tenant_replaced_with_its_last_run_and_deleted()
    {
        await Store.Policies.SetAsync(Policy(1, 30, 60, null, export: true), default);
        await Store.Policies.SetAsync(Policy(2, 7, null, null, export: false), default);
        var run = new RetentionRun(Now, RetentionRun.Manual, new RetentionCutoffs(Now.AddDays(-30), Now.AddDays(-60), null), 5, 0, 2, 0, "retention/1/x.csv.gz", null);
        await Store.Policies.SaveRunAsync(1, run, default);
        await Store.Policies.SetAsync(Policy(1, 40, 90, 365, export: false), default);

        var first = await Store.Policies.FindAsync(1, default);
        Assert.Equal(Policy(1, 40, 90, 365, export: false) with { LastRun = run }, first);
        Assert.Equal([1L, 2L], (await Store.Policies.ListAsync(default)).Select(p => p.TenantId));
        Assert.True(await Store.Policies.DeleteAsync(2, default));
        Assert.False(await Store.Policies.DeleteAsync(2, default));
        Assert.Null(await Store.Policies.FindAsync(2, default));
    }

    [Fact]
    public async Task Raw_readings_before_the_cut_off_go_the_one_at_it_stays_and_rollups_are_kept_by_their_own_cut_offs()
    {
        var sensor = await SensorAsync(1, "pump-1-temp");
        var day = 24 * UnixMicros.PerHour;
        long[] times = [RawCutoff - (25 * day), RawCutoff - (15 * day), RawCutoff - 1, RawCutoff, RawCutoff + 1];
        await AppendAsync(1, sensor, times);
        await _retention.SetAsync(Policy(1, 10, 30, null, export: false), default);

        var run = await _retention.RunAsync(1, "user:1:ada", default);

        Assert.NotNull(run);
        Assert.Equal((3L, 1L, 0L), (run.RawReadings, run.MinuteRollups, run.HourRollups));
        Assert.Equal([RawCutoff, RawCutoff + 1], await StoredAsync(1, sensor));
        // The minute of the reading 35 days ago is gone; the one 25 days ago stays, as does the minute the cut-off falls in
        // (it holds readings after the cut-off); every hour stays.
        Assert.Equal(2, (await Store.Readings.SeriesAsync(1, sensor.Key, RollupResolution.Minute, long.MinValue, long.MaxValue, default)).Count);
        Assert.Equal(3, (await Store.Readings.SeriesAsync(1, sensor.Key, RollupResolution.Hour, long.MinValue, long.MaxValue, default)).Count);
        Assert.Equal(run, (await Store.Policies.FindAsync(1, default))!.LastRun);

        var again = await _retention.RunAsync(1, "user:1:ada", default);
        Assert.Equal((0L, 0L, 0L), (again!.RawReadings, again.MinuteRollups, again.HourRollups));
        var entries = await Store.Log.ListAsync(1, ReadingRetention.Correlation, 0, 10, default);
        Assert.Equal([AgentEventTypes.RetentionPolicyChanged, AgentEventTypes.RetentionApplied], entries.Select(e => e.Type));
        Assert.Equal("user:1:ada", entries[1].Actor);
        Assert.True((await Store.Log.VerifyAsync(1, default)).Valid);
    }

    [Fact]
    public async Task A_tenants_policy_never_drops_another_tenants_readings_or_rollups()
    {
        var mine = await SensorAsync(1, "pump-1-temp");
        var theirs = await SensorAsync(2, "pump-1-temp");
        long[] old = [RawCutoff - (400 * 24 * UnixMicros.PerHour), RawCutoff - (30 * 24 * UnixMicros.PerHour), RawCutoff - 1];
        await AppendAsync(1, mine, old);
        await AppendAsync(2, theirs, old);
        await _retention.SetAsync(Policy(1, 10, 10, 10, export: false), default);

        await _retention.RunAllAsync(default);

        Assert.Empty(await StoredAsync(1, mine));
        Assert.Equal(old, await StoredAsync(2, theirs));
        Assert.Equal(3, (await Store.Readings.SeriesAsync(2, theirs.Key, RollupResolution.Minute, long.MinValue, long.MaxValue, default)).Count);
        Assert.Equal(3, (await Store.Readings.SeriesAsync(2, theirs.Key, RollupResolution.Hour, long.MinValue, long.MaxValue, default)).Count);
        Assert.Null(await _retention.RunAsync(2, "user:2:bob", default));
        Assert.Empty(await Store.Log.ListAsync(2, null, 0, 10, default));
    }

    [Fact]
    public async Task Dropped_readings_are_exported_to_a_file_that_holds_exactly_them()
    {
        var a = await SensorAsync(1, "pump-1-temp");
        var b = await SensorAsync(1, "=pump,2");
        long[] times = [RawCutoff - (3 * IReadingRetention.BatchRows) - 7, RawCutoff - 1, RawCutoff];
        var many = Enumerable.Range(0, (2 * IReadingRetention.BatchRows) + 3).Select(i => RawCutoff - 10_000_000 - i).ToArray();
        await AppendAsync(1, a, [.. times, .. many]);
        await AppendAsync(1, b, times);
        await _retention.SetAsync(Policy(1, 10, null, null, export: true), default);

        var run = await _retention.RunAsync(1, "user:1:ada", default);

        Assert.Equal(many.Length + 4, run!.RawReadings);
        var lines = await ReadExportAsync(run.ExportFile!);
        Assert.Equal("sensor_id,timestamp,value,unit,quality", lines[0]);
        Assert.Equal(many.Length + 4, lines.Length - 1);
        var expected = many.Append(times[0]).Append(times[1]).Select(t => $"pump-1-temp,{Text(t)},{t % 1000},C,good")
            .Concat(times[..2].Select(t => $"\"'=pump,2\",{Text(t)},{t % 1000},C,good"))
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, lines.Skip(1).Order(StringComparer.Ordinal));
        Assert.Equal([RawCutoff], await StoredAsync(1, a));
        Assert.StartsWith("retention/1/readings_before_20261127T080030Z_", run.ExportFile, StringComparison.Ordinal);
    }

    protected static RetentionPolicy Policy(long tenant, int raw, int? minute, int? hour, bool export) =>
        new(tenant, raw, minute, hour, export, "user:1:ada", Now);

    protected async Task<Sensor> SensorAsync(long tenant, string id)
    {
        var (_, sensor) = await Store.Catalog.UpsertSensorAsync(tenant, new Sensor(0, tenant, id, null, "temperature", "C", null, null, 1, false, Now), default);
        return sensor!;
    }

    /// <summary>One reading per time, its value the time's last three digits (so values tell readings apart).</summary>
    protected async Task AppendAsync(long tenant, Sensor sensor, long[] times)
    {
        var readings = times.Select(t => new Reading(sensor.Key, t, t % 1000, ReadingQuality.Good)).ToArray();
        var inserted = new bool[readings.Length];
        await Store.Readings.AppendAsync(tenant, readings, inserted, default);
        Assert.All(inserted, Assert.True);
    }

    protected async Task<long[]> StoredAsync(long tenant, Sensor sensor) =>
        [.. (await Store.Readings.QueryOldestFirstAsync(tenant, sensor.Key, long.MinValue, long.MaxValue, 100_000, default)).Select(r => r.TimestampMicros)];

    protected Task<IReadOnlyDictionary<long, RetentionRun>> RunAllAsync() => _retention.RunAllAsync(default);

    protected Task<RetentionPolicy> SetAsync(RetentionPolicy policy) => _retention.SetAsync(policy, default);

    private async Task<string[]> ReadExportAsync(string relative)
    {
        await using var file = File.OpenRead(Path.Combine(_dataDir, relative));
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string Text(long micros) => UnixMicros.ToDateTimeOffset(micros).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The stores retention works with, on one database.</summary>
    protected sealed record Stores(IReadingStore Readings, IReadingRetention Retention, IRetentionPolicyStore Policies, ICatalogStore Catalog, IEventLog Log);
}

public sealed class SqliteReadingRetentionContract : ReadingRetentionContract, IDisposable
{
    private readonly SqliteTwoTenants _database = new();

    protected override async Task<Stores> OpenAsync(TimeProvider clock)
    {
        var database = await _database.OpenAsync();
        return new Stores(new SqliteReadingStore(database, NullLogger<SqliteReadingStore>.Instance), new SqliteReadingRetention(database),
            new SqliteRetentionPolicyStore(database), new SqliteCatalogStore(database, clock), new SqliteEventLog(database, clock));
    }

    public void Dispose() => _database.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresReadingRetentionContract(PostgresServer server) : ReadingRetentionContract
{
    private readonly PostgresTwoTenants _database = new(server);
    private PostgresDatabase? _open;

    protected override async Task<Stores> OpenAsync(TimeProvider clock)
    {
        var database = _open = await _database.OpenAsync();
        return new Stores(new PostgresReadingStore(database, clock, NullLogger<PostgresReadingStore>.Instance),
            new PostgresReadingRetention(database, NullLogger<PostgresReadingRetention>.Instance), new PostgresRetentionPolicyStore(database),
            new PostgresCatalogStore(database, clock), new PostgresEventLog(database, clock));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Weeks_before_every_tenants_cut_off_are_dropped_as_whole_partitions_and_a_week_shared_with_a_keeper_is_not()
    {
        var mine = await SensorAsync(1, "pump-1-temp");
        var theirs = await SensorAsync(2, "pump-1-temp");
        // The epoch-aligned week from Thursday 2026-10-01 lies wholly before both cut-offs; the cut-off's own week does not.
        var week = UnixMicros.From(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero));
        long[] times = [week, week + UnixMicros.PerHour, RawCutoff - 1, RawCutoff];
        await AppendAsync(1, mine, times);
        await AppendAsync(2, theirs, times);

        // Tenant 2 keeps everything: the week stays a partition, and only tenant 1's rows leave it.
        await SetAsync(Policy(1, 10, null, null, export: false));
        var shared = await RunAllAsync();
        Assert.Equal((3L, 0L), (shared[1].RawReadings, shared[1].PartitionReadings));
        Assert.True(await PartitionExistsAsync("readings_20261001"));
        Assert.Equal(times, await StoredAsync(2, theirs));

        // With both tenants' policies the week goes whole; tenant 1 had nothing left in it.
        await AppendAsync(1, mine, [week + 5]);
        await SetAsync(Policy(2, 20, null, null, export: false));
        var whole = await RunAllAsync();
        Assert.False(await PartitionExistsAsync("readings_20261001"));
        Assert.Equal((1L, 1L), (whole[1].RawReadings, whole[1].PartitionReadings));
        Assert.Equal((2L, 2L), (whole[2].RawReadings, whole[2].PartitionReadings));
        Assert.Equal([RawCutoff], await StoredAsync(1, mine));
        Assert.Equal([RawCutoff - 1, RawCutoff], await StoredAsync(2, theirs));
    }

    private async Task<bool> PartitionExistsAsync(string name)
    {
        await using var connection = await _open!.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection) { Parameters = { new() { Value = name } } };
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
