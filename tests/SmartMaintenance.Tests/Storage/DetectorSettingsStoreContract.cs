using SmartMaintenance.Domain;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>What every detector settings store must do, run against SQLite and PostgreSQL (tenants 1 and 2 exist).</summary>
public abstract class DetectorSettingsStoreContract
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    protected abstract Task<IDetectorSettingsStore> NewStoreAsync();

    [Fact]
    public async Task Setting_a_type_again_replaces_it_and_each_tenant_lists_its_own_by_type()
    {
        var store = await NewStoreAsync();
        await store.SetAsync(new SensitivitySetting(1, "vibration", 0.5, At), default);
        await store.SetAsync(new SensitivitySetting(1, "pressure", 1.5, At), default);
        await store.SetAsync(new SensitivitySetting(2, "vibration", 2, At), default);
        await store.SetAsync(new SensitivitySetting(1, "vibration", 0.8, At.AddHours(1)), default);

        Assert.Equal(
            [new SensitivitySetting(1, "pressure", 1.5, At), new SensitivitySetting(1, "vibration", 0.8, At.AddHours(1))],
            await store.ListAsync(1, default));
        Assert.Equal([new SensitivitySetting(2, "vibration", 2, At)], await store.ListAsync(2, default));
    }

    [Fact]
    public async Task Deleting_answers_whether_the_tenant_had_the_setting()
    {
        var store = await NewStoreAsync();
        await store.SetAsync(new SensitivitySetting(1, "vibration", 0.5, At), default);

        Assert.False(await store.DeleteAsync(2, "vibration", default));
        Assert.True(await store.DeleteAsync(1, "vibration", default));
        Assert.False(await store.DeleteAsync(1, "vibration", default));
        Assert.Empty(await store.ListAsync(1, default));
    }
}

public sealed class SqliteDetectorSettingsStoreContract : DetectorSettingsStoreContract, IDisposable
{
    private readonly SqliteTwoTenants _database = new();

    protected override async Task<IDetectorSettingsStore> NewStoreAsync() => new SqliteDetectorSettingsStore(await _database.OpenAsync());

    public void Dispose() => _database.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDetectorSettingsStoreContract(PostgresServer server) : DetectorSettingsStoreContract, IAsyncLifetime
{
    private readonly PostgresTwoTenants _database = new(server);

    protected override async Task<IDetectorSettingsStore> NewStoreAsync() => new PostgresDetectorSettingsStore(await _database.OpenAsync());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _database.DisposeAsync();
}
