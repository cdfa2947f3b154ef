using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>
/// What every catalog store must do, run against each store (SQLite here, PostgreSQL below): the same answers for
/// created, updated, missing references, rows still in use, tenants kept apart, and retiring with an asset's sensors.
/// </summary>
public abstract class CatalogStoreContract
{
    protected static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));

    /// <summary>A store on an empty, migrated database.</summary>
    protected abstract Task<ICatalogStore> NewStoreAsync();

    private static Sensor SensorOf(string id, string? assetId, double? min = 0, double? max = 100) =>
        new(0, 1, id, assetId, "temperature", "°C", min, max, 1, false, default);

    [Fact]
    public async Task Sites_assets_and_sensors_are_created_then_updated_and_read_back_as_written()
    {
        var store = await NewStoreAsync();

        Assert.Equal(StoreResult.Created, await store.UpsertSiteAsync(1, new Site("plant", "Plant", "Porto", default), default));
        Assert.Equal(StoreResult.Updated, await store.UpsertSiteAsync(1, new Site("plant", "Plant North", null, default), default));
        Assert.Equal(StoreResult.Created, await store.UpsertAssetAsync(1, new Asset("line", "plant", null, "Line 1", "line", default), default));
        Assert.Equal(StoreResult.Created,
            await store.UpsertAssetAsync(1, new Asset("pump", "plant", "line", "Pump", "pump", default, AssetCriticality.Critical), default));
        var (created, sensor) = await store.UpsertSensorAsync(1, SensorOf("pump-temp", "pump", -5.5, 90), default);
        var (updated, again) = await store.UpsertSensorAsync(1, SensorOf("pump-temp", "pump", 0, 95) with { Unit = "K" }, default);

        Assert.Equal((StoreResult.Created, StoreResult.Updated), (created, updated));
        Assert.True(sensor!.Key > 0);
        Assert.Equal(sensor.Key, again!.Key);
        Assert.Equal(("K", 0.0, 95.0, "pump"), (again.Unit, again.ExpectedMin, again.ExpectedMax, again.AssetId));
        var site = await store.FindSiteAsync(1, "plant", default);
        Assert.Equal(("Plant North", (string?)null), (site!.Name, site.Location));
        var pump = await store.FindAssetAsync(1, "pump", default);
        Assert.Equal(("line", AssetCriticality.Critical, (DateTimeOffset?)null), (pump!.ParentAssetId, pump.Criticality, pump.RetiredAt));
        Assert.Equal(["line", "pump"], (await store.ListAssetsAsync(1, "plant", default)).Select(a => a.AssetId));
        Assert.Empty(await store.ListAssetsAsync(1, "elsewhere", default));
        Assert.Equal(["pump-temp"], (await store.ListSensorsAsync(1, "pump", default)).Select(s => s.SensorId));
    }

    [Fact]
    public async Task A_missing_reference_and_a_row_still_in_use_are_conflicts_not_failures()
    {
        var store = await NewStoreAsync();
        await store.UpsertSiteAsync(1, new Site("plant", "Plant", null, default), default);

        Assert.Equal(StoreResult.Conflict, await store.UpsertAssetAsync(1, new Asset("pump", "no-site", null, "Pump", "pump", default), default));
        Assert.Equal(StoreResult.Conflict, (await store.UpsertSensorAsync(1, SensorOf("s", "no-asset"), default)).Result);
        await store.UpsertAssetAsync(1, new Asset("pump", "plant", null, "Pump", "pump", default), default);
        await store.UpsertSensorAsync(1, SensorOf("s", "pump"), default);

        Assert.Equal(StoreResult.Conflict, await store.DeleteSiteAsync(1, "plant", default));
        Assert.Equal(StoreResult.Conflict, await store.DeleteAssetAsync(1, "pump", default));
        Assert.Equal(StoreResult.Deleted, await store.DeleteSensorAsync(1, "s", default));
        Assert.Equal(StoreResult.NotFound, await store.DeleteSensorAsync(1, "s", default));
        Assert.Equal(StoreResult.Deleted, await store.DeleteAssetAsync(1, "pump", default));
        Assert.Equal(StoreResult.Deleted, await store.DeleteSiteAsync(1, "plant", default));
    }

    [Fact]
    public async Task Tenants_are_kept_apart()
    {
        var store = await NewStoreAsync();
        var acme = await store.CreateTenantAsync("acme", "ACME", default);
        await store.UpsertSiteAsync(1, new Site("plant", "Plant", null, default), default);
        await store.UpsertSiteAsync(acme.Id, new Site("plant", "ACME plant", null, default), default);

        Assert.True(acme.Id > 1);
        Assert.Equal(["default", "acme"], (await store.ListTenantsAsync(default)).Select(t => t.Slug));
        Assert.Equal("ACME", (await store.FindTenantAsync(acme.Id, default))!.Name);
        Assert.Equal("Plant", (await store.FindSiteAsync(1, "plant", default))!.Name);
        Assert.Equal("ACME plant", (await store.FindSiteAsync(acme.Id, "plant", default))!.Name);
        Assert.Null(await store.FindSensorAsync(acme.Id, "anything", default));
    }

    [Fact]
    public async Task An_asset_retires_with_its_sensors_in_service_and_brings_back_only_those()
    {
        var store = await NewStoreAsync();
        await store.UpsertSiteAsync(1, new Site("plant", "Plant", null, default), default);
        await store.UpsertAssetAsync(1, new Asset("pump", "plant", null, "Pump", "pump", default), default);
        await store.UpsertSensorAsync(1, SensorOf("a", "pump"), default);
        await store.UpsertSensorAsync(1, SensorOf("b", "pump"), default);
        var earlier = Clock.GetUtcNow();
        await store.SetRetiredAsync(1, CatalogKind.Sensor, "b", earlier, default);

        var at = earlier.AddHours(1);
        Assert.Equal(StoreResult.Updated, await store.SetRetiredAsync(1, CatalogKind.Asset, "pump", at, default));
        Assert.Equal(at, (await store.FindAssetAsync(1, "pump", default))!.RetiredAt);
        Assert.Equal([at, earlier], (await store.ListSensorsAsync(1, "pump", default)).Select(s => s.RetiredAt));

        Assert.Equal(StoreResult.Updated, await store.SetRetiredAsync(1, CatalogKind.Asset, "pump", null, default));
        Assert.Equal([null, earlier], (await store.ListSensorsAsync(1, "pump", default)).Select(s => s.RetiredAt));
        Assert.Equal(StoreResult.NotFound, await store.SetRetiredAsync(1, CatalogKind.Site, "nowhere", at, default));
    }
}

public sealed class SqliteCatalogStoreContract : CatalogStoreContract, IDisposable
{
    private readonly TempDatabase _temp = new();

    protected override Task<ICatalogStore> NewStoreAsync() => Task.FromResult<ICatalogStore>(new SqliteCatalogStore(_temp.Database, Clock));

    public void Dispose() => _temp.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresCatalogStoreContract(PostgresServer server) : CatalogStoreContract, IAsyncLifetime
{
    private PostgresDatabase? _database;

    protected override async Task<ICatalogStore> NewStoreAsync()
    {
        _database = new PostgresDatabase(await server.CreateDatabaseAsync(), NullLogger<PostgresDatabase>.Instance);
        await _database.MigrateAsync();
        return new PostgresCatalogStore(_database, Clock);
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

/// <summary>One PostgreSQL server for every test class that needs it.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL server";
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresMigrationTests(PostgresServer server)
{
    [Fact]
    public async Task Nodes_starting_together_apply_each_migration_once_and_a_second_start_applies_nothing()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var nodes = Enumerable.Range(0, 3).Select(_ => new PostgresDatabase(connectionString, NullLogger<PostgresDatabase>.Instance)).ToList();
        try
        {
            await Task.WhenAll(nodes.Select(n => n.MigrateAsync()));
            await nodes[0].MigrateAsync();

            await using var connection = await nodes[0].OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT version FROM schema_migrations ORDER BY version", connection);
            var versions = new List<int>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    versions.Add(reader.GetInt32(0));
                }
            }

            Assert.Equal(PostgresMigrations.All.Select(m => m.Version), versions);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}
