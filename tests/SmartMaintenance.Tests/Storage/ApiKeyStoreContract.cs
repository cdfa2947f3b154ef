using SmartMaintenance.Domain;
using SmartMaintenance.Security;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>What every API key store must do, run against SQLite and PostgreSQL (tenants 1 and 2 exist).</summary>
public abstract class ApiKeyStoreContract
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    protected abstract Task<IApiKeyStore> NewStoreAsync();

    private static ApiKey Key(long tenant, string name, int? rateLimit = null) =>
        new(0, tenant, name, "smx_ab", Role.Operator, ["readings:write", "assets:read"], true, rateLimit, At, null);

    /// <summary>The key with its scopes as one text, so two keys compare by what they hold (a list compares by reference).</summary>
    private static (ApiKey Key, string Scopes) Comparable(ApiKey key) => (key with { Scopes = null! }, string.Join(' ', key.Scopes));

    [Fact]
    public async Task A_key_is_found_by_its_secret_hash_as_created_and_the_same_secret_again_returns_the_stored_key()
    {
        var store = await NewStoreAsync();

        var limited = await store.CreateAsync(Key(1, "gateway", 50), "hash-1", default);
        var unlimited = await store.CreateAsync(Key(1, "historian") with { Scopes = [], AutoRegisterSensors = false }, "hash-2", default);
        var again = await store.CreateAsync(Key(1, "gateway again", 5), "hash-1", default);

        Assert.True(limited.Id > 0 && unlimited.Id > limited.Id);
        Assert.Equal(Comparable(limited), Comparable((await store.FindBySecretHashAsync("hash-1", default))!));
        Assert.Equal(Comparable(unlimited), Comparable((await store.FindBySecretHashAsync("hash-2", default))!));
        Assert.Equal(Comparable(limited), Comparable(again));
        Assert.Null(await store.FindBySecretHashAsync("hash-3", default));
    }

    [Fact]
    public async Task A_key_is_revoked_once_and_only_by_its_tenant_and_tenants_list_their_own_keys()
    {
        var store = await NewStoreAsync();
        var first = await store.CreateAsync(Key(1, "first"), "hash-1", default);
        var other = await store.CreateAsync(Key(2, "other"), "hash-2", default);
        var second = await store.CreateAsync(Key(1, "second"), "hash-3", default);

        Assert.Equal([first.Id, second.Id], (await store.ListAsync(1, default)).Select(k => k.Id));
        Assert.Equal([other.Id], (await store.ListAsync(2, default)).Select(k => k.Id));
        Assert.False(await store.RevokeAsync(2, first.Id, At.AddHours(1), default));
        Assert.True(await store.RevokeAsync(1, first.Id, At.AddHours(1), default));
        Assert.False(await store.RevokeAsync(1, first.Id, At.AddHours(2), default));
        Assert.Equal(At.AddHours(1), (await store.FindBySecretHashAsync("hash-1", default))!.RevokedAt);
        Assert.Null((await store.FindBySecretHashAsync("hash-2", default))!.RevokedAt);
    }
}

public sealed class SqliteApiKeyStoreContract : ApiKeyStoreContract, IDisposable
{
    private readonly SqliteTwoTenants _database = new();

    protected override async Task<IApiKeyStore> NewStoreAsync() => new SqliteApiKeyStore(await _database.OpenAsync());

    public void Dispose() => _database.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresApiKeyStoreContract(PostgresServer server) : ApiKeyStoreContract, IAsyncLifetime
{
    private readonly PostgresTwoTenants _database = new(server);

    protected override async Task<IApiKeyStore> NewStoreAsync() => new PostgresApiKeyStore(await _database.OpenAsync());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _database.DisposeAsync();
}
