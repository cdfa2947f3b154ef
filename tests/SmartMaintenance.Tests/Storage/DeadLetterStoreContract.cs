using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>What every dead-letter store must do (SQLite, and PostgreSQL below): newest first, per tenant, and only a successful replay closes a letter.</summary>
public abstract class DeadLetterStoreContract
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A store on an empty, migrated database.</summary>
    protected abstract Task<IDeadLetterStore> NewStoreAsync();

    private static DeadLetter Letter(long tenant, string step) => new(0, tenant, step, "c-" + step, """{"asset":"pump"}""", "timeout", 3, At, null, null);

    [Fact]
    public async Task Letters_come_back_as_added_newest_first_and_only_to_their_tenant()
    {
        var store = await NewStoreAsync();
        var first = await store.AddAsync(Letter(1, "validate"), default);
        var other = await store.AddAsync(Letter(2, "schedule"), default);
        var second = await store.AddAsync(Letter(1, "notify"), default);

        Assert.True(first.Id > 0 && second.Id > first.Id);
        Assert.Equal([second, first], await store.ListAsync(1, false, 10, default));
        Assert.Equal([second], await store.ListAsync(1, false, 1, default));
        Assert.Equal(other, await store.FindAsync(2, other.Id, default));
        Assert.Null(await store.FindAsync(1, other.Id, default));
        Assert.Null(await store.FindAsync(1, 999, default));
    }

    [Fact]
    public async Task A_failed_replay_keeps_the_letter_open_and_a_successful_one_closes_it()
    {
        var store = await NewStoreAsync();
        var letter = await store.AddAsync(Letter(1, "validate"), default);

        await store.MarkReplayedAsync(letter.Id, At.AddMinutes(1), "still failing", default);
        Assert.Equal(letter with { ReplayError = "still failing" }, Assert.Single(await store.ListAsync(1, false, 10, default)));

        await store.MarkReplayedAsync(letter.Id, At.AddMinutes(2), null, default);
        Assert.Empty(await store.ListAsync(1, false, 10, default));
        Assert.Equal(letter with { ReplayedAt = At.AddMinutes(2) }, Assert.Single(await store.ListAsync(1, true, 10, default)));
    }
}

public sealed class SqliteDeadLetterStoreContract : DeadLetterStoreContract, IDisposable
{
    private readonly TempDatabase _temp = new();

    protected override Task<IDeadLetterStore> NewStoreAsync() => Task.FromResult<IDeadLetterStore>(new SqliteDeadLetterStore(_temp.Database));

    public void Dispose() => _temp.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDeadLetterStoreContract(PostgresServer server) : DeadLetterStoreContract, IAsyncLifetime
{
    private PostgresDatabase? _database;

    protected override async Task<IDeadLetterStore> NewStoreAsync()
    {
        _database = new PostgresDatabase(await server.CreateDatabaseAsync(), NullLogger<PostgresDatabase>.Instance);
        await _database.MigrateAsync();
        return new PostgresDeadLetterStore(_database);
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
