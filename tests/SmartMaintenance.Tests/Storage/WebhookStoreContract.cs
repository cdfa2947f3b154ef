using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>
/// What every webhook store must do (SQLite, and PostgreSQL below): subscriptions per tenant in the order added, deleted
/// only by their tenant, and a delivery log newest first that goes with its webhook.
/// </summary>
public abstract class WebhookStoreContract
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A store on an empty, migrated database.</summary>
    protected abstract Task<IWebhookStore> NewStoreAsync();

    private static Webhook Hook(long tenant, string path, params string[] types) =>
        new(0, tenant, new Uri($"https://hooks.example.com/{path}?a=1"), "secret-" + path, types, At);

    private static WebhookDelivery Delivery(long hook, long sequence, int? status, string? error) =>
        new(0, hook, sequence, "CaseOpened", status, 2, error, At.AddSeconds(sequence));

    [Fact]
    public async Task Webhooks_are_listed_per_tenant_as_added_and_deleted_only_by_their_tenant()
    {
        var store = await NewStoreAsync();
        var all = await store.AddAsync(Hook(1, "all"), default);
        var other = await store.AddAsync(Hook(2, "other", "CaseOpened"), default);
        var some = await store.AddAsync(Hook(1, "some", "CaseOpened", "WorkOrderCompleted"), default);

        var listed = await store.ListAsync(1, default);
        Assert.Equal([all.Id, some.Id], listed.Select(w => w.Id));
        Assert.Equal((some.Url, some.Secret, some.CreatedAt, 1L), (listed[1].Url, listed[1].Secret, listed[1].CreatedAt, listed[1].TenantId));
        Assert.Equal([[], ["CaseOpened", "WorkOrderCompleted"]], listed.Select(w => w.EventTypes.ToArray()).ToArray());

        Assert.False(await store.DeleteAsync(1, other.Id, default));
        Assert.True(await store.DeleteAsync(2, other.Id, default));
        Assert.False(await store.DeleteAsync(2, other.Id, default));
        Assert.Empty(await store.ListAsync(2, default));
    }

    [Fact]
    public async Task Deliveries_are_listed_newest_first_to_their_tenant_and_go_with_their_webhook()
    {
        var store = await NewStoreAsync();
        var hook = await store.AddAsync(Hook(1, "a"), default);
        await store.RecordDeliveryAsync(Delivery(hook.Id, 1, null, "connection refused"), default);
        await store.RecordDeliveryAsync(Delivery(hook.Id, 2, 500, "server error"), default);
        await store.RecordDeliveryAsync(Delivery(hook.Id, 3, 200, null), default);

        var deliveries = await store.ListDeliveriesAsync(1, hook.Id, 2, default);
        Assert.Equal([3L, 2], deliveries.Select(d => d.EventSequence));
        Assert.Equal(Delivery(hook.Id, 3, 200, null) with { Id = deliveries[0].Id }, deliveries[0]);
        Assert.Equal(((int?)null, "connection refused"), (await store.ListDeliveriesAsync(1, hook.Id, 10, default)).Select(d => (d.Status, d.Error)).Last());
        Assert.Empty(await store.ListDeliveriesAsync(2, hook.Id, 10, default));

        await store.DeleteAsync(1, hook.Id, default);
        await store.RecordDeliveryAsync(Delivery(hook.Id, 4, 200, null), default);
        var again = await store.AddAsync(Hook(1, "a"), default);
        Assert.Empty(await store.ListDeliveriesAsync(1, hook.Id, 10, default));
        Assert.Empty(await store.ListDeliveriesAsync(1, again.Id, 10, default));
    }
}

public sealed class SqliteWebhookStoreContract : WebhookStoreContract, IDisposable
{
    private readonly TempDatabase _temp = new();

    protected override Task<IWebhookStore> NewStoreAsync() => Task.FromResult<IWebhookStore>(new SqliteWebhookStore(_temp.Database));

    public void Dispose() => _temp.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresWebhookStoreContract(PostgresServer server) : WebhookStoreContract, IAsyncLifetime
{
    private PostgresDatabase? _database;

    protected override async Task<IWebhookStore> NewStoreAsync()
    {
        _database = new PostgresDatabase(await server.CreateDatabaseAsync(), NullLogger<PostgresDatabase>.Instance);
        await _database.MigrateAsync();
        return new PostgresWebhookStore(_database);
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
