using Microsoft.Extensions.Time.Testing;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

public sealed class SqliteCatalogStoreTests : IDisposable
{
    private readonly TempDatabase _temp = new();
    private readonly SqliteCatalogStore _catalog;

    public SqliteCatalogStoreTests() => _catalog = new SqliteCatalogStore(_temp.Database, new FakeTimeProvider(DateTimeOffset.UnixEpoch));

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Asset_needs_an_existing_site_and_a_site_with_assets_cannot_be_deleted()
    {
        var asset = new Asset("pump-1", "plant", null, "Pump", "pump", default);
        Assert.Equal(StoreResult.Conflict, await _catalog.UpsertAssetAsync(1, asset, default));

        Assert.Equal(StoreResult.Created, await _catalog.UpsertSiteAsync(1, new Site("plant", "Plant", null, default), default));
        Assert.Equal(StoreResult.Created, await _catalog.UpsertAssetAsync(1, asset, default));
        Assert.Equal(StoreResult.Updated, await _catalog.UpsertAssetAsync(1, asset with { Name = "Pump P-1" }, default));
        Assert.Equal(StoreResult.Conflict, await _catalog.DeleteSiteAsync(1, "plant", default));
        Assert.Equal("Pump P-1", (await _catalog.FindAssetAsync(1, "pump-1", default))!.Name);
    }

    [Fact]
    public async Task Tenants_do_not_see_each_others_catalog()
    {
        var other = await _catalog.CreateTenantAsync("other", "Other", default);
        await _catalog.UpsertSiteAsync(1, new Site("plant", "Plant", null, default), default);
        var (_, sensor) = await _catalog.UpsertSensorAsync(1, new Sensor(0, 1, "s-1", null, "temperature", "°C", null, null, 1, false, default), default);

        Assert.NotNull(sensor);
        Assert.Empty(await _catalog.ListSitesAsync(other.Id, default));
        Assert.Null(await _catalog.FindSensorAsync(other.Id, "s-1", default));
        Assert.Equal(StoreResult.NotFound, await _catalog.DeleteSensorAsync(other.Id, "s-1", default));
        Assert.NotNull(await _catalog.FindSensorAsync(1, "s-1", default));
    }

    [Fact]
    public async Task Infinite_limits_stored_by_an_earlier_version_are_cleared_when_the_file_is_opened_again()
    {
        // A file as version 8 of the schema left it, holding limits that earlier versions let through.
        var folder = Directory.CreateTempSubdirectory("smx-test-v8-").FullName;
        try
        {
            var database = new SqliteDatabase(folder, Microsoft.Extensions.Logging.Abstractions.NullLogger<SqliteDatabase>.Instance);
            database.Migrate(upTo: 8);
            // Written as that version wrote them (today's store reads columns a version-8 file does not have).
            await using (var connection = await database.OpenAsync(default))
            {
                foreach (var (id, min, max) in new[] { ("s-1", double.NegativeInfinity, double.PositiveInfinity), ("s-2", -5, 90) })
                {
                    await connection.ExecuteAsync(
                        """
                        INSERT INTO sensors (tenant_id, sensor_id, type, unit, expected_min, expected_max, sample_interval_s, auto_registered, created_at)
                        VALUES (1, $id, 'temperature', '°C', $min, $max, 1, 0, 0)
                        """,
                        default, ("$id", id), ("$min", min), ("$max", max));
                }
            }

            database.Migrate();
            var catalog = new SqliteCatalogStore(database, TimeProvider.System);

            var sensors = (await catalog.ListSensorsAsync(1, null, default)).OrderBy(s => s.SensorId).ToArray();
            Assert.Equal((null, null), (sensors[0].ExpectedMin, sensors[0].ExpectedMax));
            Assert.Equal((-5, 90), (sensors[1].ExpectedMin, sensors[1].ExpectedMax));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
