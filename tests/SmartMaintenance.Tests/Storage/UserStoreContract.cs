using SmartMaintenance.Domain;
using SmartMaintenance.Security;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>What every user store must do, run against SQLite and PostgreSQL (tenants 1 and 2 exist).</summary>
public abstract class UserStoreContract
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    protected abstract Task<IUserStore> NewStoreAsync();

    private static UserAccount User(long tenant, string username, Role role = Role.Viewer) => new(0, tenant, username, username + " Person", role, At, null);

    [Fact]
    public async Task Usernames_are_unique_across_tenants_whatever_their_case_and_a_taken_one_answers_null()
    {
        var store = await NewStoreAsync();

        var alice = await store.CreateAsync(User(1, "alice", Role.Admin), "hash-a", default);
        Assert.Null(await store.CreateAsync(User(2, "ALICE"), "hash-x", default));
        var bob = await store.CreateAsync(User(2, "Bob"), "hash-b", default);
        await store.CreateAsync(User(1, "carl"), "hash-c", default);
        await store.CreateAsync(User(1, "Adam"), "hash-d", default);

        Assert.True(alice!.Id > 0 && bob!.Id > 0 && alice.Id != bob.Id);
        var (found, hash) = (await store.FindByUsernameAsync("Alice", default))!.Value;
        Assert.Equal((alice, "hash-a"), (found, hash));
        Assert.Equal((bob, "hash-b"), (await store.FindAsync(bob.Id, default))!.Value);
        Assert.Null(await store.FindByUsernameAsync("nobody", default));
        Assert.Null(await store.FindAsync(999, default));
        Assert.Equal(["Adam", "alice", "carl"], (await store.ListAsync(1, default)).Select(u => u.Username));
        Assert.Equal([bob], await store.ListAsync(2, default));
        Assert.Equal(4, await store.CountAsync(default));
    }

    [Fact]
    public async Task A_user_is_disabled_enabled_and_given_a_new_password_hash_only_within_its_tenant()
    {
        var store = await NewStoreAsync();
        var user = (await store.CreateAsync(User(1, "alice"), "old", default))!;

        Assert.False(await store.SetDisabledAsync(2, user.Id, At.AddHours(1), default));
        Assert.True(await store.SetDisabledAsync(1, user.Id, At.AddHours(1), default));
        Assert.Equal(At.AddHours(1), (await store.FindAsync(user.Id, default))!.Value.User.DisabledAt);
        Assert.True(await store.SetDisabledAsync(1, user.Id, null, default));
        Assert.Null((await store.FindAsync(user.Id, default))!.Value.User.DisabledAt);

        Assert.False(await store.SetPasswordHashAsync(2, user.Id, "stolen", default));
        Assert.False(await store.SetPasswordHashAsync(1, 999, "new", default));
        Assert.True(await store.SetPasswordHashAsync(1, user.Id, "new", default));
        Assert.Equal("new", (await store.FindByUsernameAsync("alice", default))!.Value.PasswordHash);
    }

    [Fact]
    public async Task The_notifications_read_mark_moves_forward_only()
    {
        var store = await NewStoreAsync();
        var user = (await store.CreateAsync(User(1, "alice"), "hash", default))!;

        Assert.Equal(0, await store.NotificationsReadUpToAsync(user.Id, default));
        await store.MarkNotificationsReadAsync(user.Id, 8, default);
        await store.MarkNotificationsReadAsync(user.Id, 5, default);
        Assert.Equal(8, await store.NotificationsReadUpToAsync(user.Id, default));
        await store.MarkNotificationsReadAsync(user.Id, 12, default);
        Assert.Equal(12, await store.NotificationsReadUpToAsync(user.Id, default));
        Assert.Equal(0, await store.NotificationsReadUpToAsync(999, default));
    }
}

public sealed class SqliteUserStoreContract : UserStoreContract, IDisposable
{
    private readonly SqliteTwoTenants _database = new();

    protected override async Task<IUserStore> NewStoreAsync() => new SqliteUserStore(await _database.OpenAsync());

    public void Dispose() => _database.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresUserStoreContract(PostgresServer server) : UserStoreContract, IAsyncLifetime
{
    private readonly PostgresTwoTenants _database = new(server);

    protected override async Task<IUserStore> NewStoreAsync() => new PostgresUserStore(await _database.OpenAsync());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _database.DisposeAsync();
}
