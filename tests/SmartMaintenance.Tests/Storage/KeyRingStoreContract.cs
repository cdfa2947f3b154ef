using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>
/// What every key ring store must do (SQLite, and PostgreSQL below): elements come back as stored, oldest first, one per
/// name — a name stored again keeps the first and does not fail.
/// </summary>
public abstract class KeyRingStoreContract
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A store on an empty, migrated database.</summary>
    protected abstract Task<IKeyRingStore> NewStoreAsync();

    private static KeyRingElement Key(string id, DateTimeOffset at) =>
        new($"key-{id}", $"<key id=\"{id}\" version=\"1\"><creationDate>{at:O}</creationDate><descriptor>ü &amp; €</descriptor></key>", at);

    [Fact]
    public async Task Stored_elements_come_back_as_stored_oldest_first()
    {
        var store = await NewStoreAsync();
        Assert.Empty(store.List());
        var newer = Key("b0b0", At.AddDays(90));
        var older = Key("f00d", At);

        Assert.True(store.Add(newer));
        Assert.True(store.Add(older));

        Assert.Equal([older, newer], store.List());
    }

    [Fact]
    public async Task A_name_stored_again_keeps_the_first_element_and_does_not_fail()
    {
        var store = await NewStoreAsync();
        var first = Key("a1", At);

        Assert.True(store.Add(first));
        Assert.False(store.Add(new KeyRingElement(first.FriendlyName, "<key id=\"other\" />", At.AddMinutes(1))));
        Assert.False(store.Add(first));

        Assert.Equal([first], store.List());
    }

    [Theory]
    [InlineData("", "<key />")]
    [InlineData(" ", "<key />")]
    [InlineData("key-1", "")]
    public void An_element_without_a_name_or_xml_is_refused(string name, string xml) =>
        Assert.ThrowsAny<ArgumentException>(() => new KeyRingElement(name, xml, At));
}

public sealed class SqliteKeyRingStoreContract : KeyRingStoreContract, IDisposable
{
    private readonly TempDatabase _temp = new();

    protected override Task<IKeyRingStore> NewStoreAsync() => Task.FromResult<IKeyRingStore>(new SqliteKeyRingStore(_temp.Database));

    public void Dispose() => _temp.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresKeyRingStoreContract(PostgresServer server) : KeyRingStoreContract, IAsyncLifetime
{
    private PostgresDatabase? _database;

    protected override async Task<IKeyRingStore> NewStoreAsync()
    {
        _database = new PostgresDatabase(await server.CreateDatabaseAsync(), NullLogger<PostgresDatabase>.Instance);
        await _database.MigrateAsync();
        return new PostgresKeyRingStore(_database);
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
