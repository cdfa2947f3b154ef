using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>
/// What every asset health store must do, run against each store (SQLite, and PostgreSQL below): points oldest first
/// in a [from, to) window, a minute written twice keeps the later point, old points forgotten, tenants kept apart.
/// </summary>
public abstract class AssetHealthStoreContract
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A store on an empty, migrated database.</summary>
    protected abstract Task<IAssetHealthStore> NewStoreAsync();

    [Fact]
    public async Task Points_come_back_oldest_first_per_asset_and_window_a_minute_written_twice_keeps_the_second()
    {
        var store = await NewStoreAsync();
        await store.AppendAsync(1, "pump-1", [new(Start.AddMinutes(2), 80, false, []), new(Start, 95, false, []), new(Start.AddMinutes(1), 40, true, ["a", "b"])],
            CancellationToken.None);
        await store.AppendAsync(1, "pump-2", [new(Start, 10, true, [])], CancellationToken.None);
        await store.AppendAsync(1, "pump-1", [new(Start.AddMinutes(2), 70, true, ["c"])], CancellationToken.None);

        var read = await store.ListAsync(1, "pump-1", Start, Start.AddMinutes(3), CancellationToken.None);
        Assert.Equal([95, 40, 70], read.Select(p => p.Health));
        Assert.Equal(["a", "b"], read[1].Drivers);
        Assert.True(read[2].Abnormal);
        Assert.Equal(Start.AddMinutes(1), read[1].At);

        // The window is [from, to); another tenant sees nothing.
        Assert.Equal([40], (await store.ListAsync(1, "pump-1", Start.AddMinutes(1), Start.AddMinutes(2), CancellationToken.None)).Select(p => p.Health));
        Assert.Empty(await store.ListAsync(2, "pump-1", Start, Start.AddMinutes(3), CancellationToken.None));
    }

    [Fact]
    public async Task Old_points_are_forgotten_and_counted()
    {
        var store = await NewStoreAsync();
        await store.AppendAsync(1, "pump-1", [.. Enumerable.Range(0, 10).Select(i => new AssetHealthPoint(Start.AddDays(i), 90, false, []))],
            CancellationToken.None);

        Assert.Equal(4, await store.DeleteBeforeAsync(Start.AddDays(4), CancellationToken.None));
        var left = await store.ListAsync(1, "pump-1", Start, Start.AddDays(30), CancellationToken.None);
        Assert.Equal(Start.AddDays(4), left[0].At);
        Assert.Equal(6, left.Count);
    }

    [Fact]
    public async Task A_minute_given_twice_in_one_batch_keeps_the_later_point()
    {
        var store = await NewStoreAsync();
        await store.AppendAsync(1, "pump-1", [new(Start, 50, false, ["a"]), new(Start.AddMinutes(1), 60, false, []), new(Start, 30, true, ["b"])],
            CancellationToken.None);
        await store.AppendAsync(1, "pump-1", [], CancellationToken.None);

        var read = await store.ListAsync(1, "pump-1", Start, Start.AddHours(1), CancellationToken.None);
        Assert.Equal([(30, true), (60, false)], read.Select(p => (p.Health, p.Abnormal)));
        Assert.Equal(["b"], read[0].Drivers);
    }
}

public sealed class SqliteAssetHealthStoreContract : AssetHealthStoreContract, IDisposable
{
    private readonly TempDatabase _temp = new();

    protected override Task<IAssetHealthStore> NewStoreAsync() => Task.FromResult<IAssetHealthStore>(new SqliteAssetHealthStore(_temp.Database));

    public void Dispose() => _temp.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAssetHealthStoreContract(PostgresServer server) : AssetHealthStoreContract, IAsyncLifetime
{
    private PostgresDatabase? _database;

    protected override async Task<IAssetHealthStore> NewStoreAsync()
    {
        _database = new PostgresDatabase(await server.CreateDatabaseAsync(), NullLogger<PostgresDatabase>.Instance);
        await _database.MigrateAsync();
        return new PostgresAssetHealthStore(_database);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
