using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>What every idempotency store must do (SQLite, and PostgreSQL below): the first response saved wins, per tenant, pruned by age.</summary>
public abstract class IdempotencyStoreContract
{
    private static readonly DateTimeOffset Day = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A store on an empty, migrated database.</summary>
    protected abstract Task<IIdempotencyStore> NewStoreAsync();

    [Fact]
    public async Task Responses_are_kept_per_tenant_and_pruned_by_age()
    {
        var store = await NewStoreAsync();
        await store.SaveAsync(1, "old", new IdempotentResponse("h1", 200, "{}"), Day.AddHours(-30), default);
        await store.SaveAsync(1, "new", new IdempotentResponse("h2", 422, "{\"x\":1}"), Day.AddHours(-1), default);
        await store.SaveAsync(1, "new", new IdempotentResponse("h3", 200, "ignored"), Day, default);

        Assert.Null(await store.FindAsync(2, "new", default));
        Assert.Equal(new IdempotentResponse("h2", 422, "{\"x\":1}"), await store.FindAsync(1, "new", default));
        Assert.Equal(1, await store.PruneAsync(Day.AddHours(-24), default));
        Assert.Null(await store.FindAsync(1, "old", default));
        Assert.NotNull(await store.FindAsync(1, "new", default));
    }

    [Fact]
    public async Task The_same_key_in_two_tenants_keeps_two_responses()
    {
        var store = await NewStoreAsync();
        await store.SaveAsync(1, "k", new IdempotentResponse("h1", 200, "one"), Day, default);
        await store.SaveAsync(2, "k", new IdempotentResponse("h2", 201, "two"), Day, default);

        Assert.Equal("one", (await store.FindAsync(1, "k", default))!.Body);
        Assert.Equal("two", (await store.FindAsync(2, "k", default))!.Body);
        Assert.Equal(0, await store.PruneAsync(Day, default));
        Assert.Equal(2, await store.PruneAsync(Day.AddTicks(10), default));
    }
}

public sealed class SqliteIdempotencyStoreContract : IdempotencyStoreContract, IDisposable
{
    private readonly TempDatabase _temp = new();

    protected override Task<IIdempotencyStore> NewStoreAsync() => Task.FromResult<IIdempotencyStore>(new SqliteIdempotencyStore(_temp.Database));

    public void Dispose() => _temp.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresIdempotencyStoreContract(PostgresServer server) : IdempotencyStoreContract, IAsyncLifetime
{
    private PostgresDatabase? _database;

    protected override async Task<IIdempotencyStore> NewStoreAsync()
    {
        _database = new PostgresDatabase(await server.CreateDatabaseAsync(), NullLogger<PostgresDatabase>.Instance);
        await _database.MigrateAsync();
        return new PostgresIdempotencyStore(_database);
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
