using Microsoft.Data.Sqlite;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>Tenants, sites, assets and sensors in SQLite; every query names its tenant.</summary>
public sealed class SqliteCatalogStore(SqliteDatabase database, TimeProvider time) : ICatalogStore
{
    private const string SensorColumns =
        "key, tenant_id, sensor_id, asset_id, type, unit, expected_min, expected_max, sample_interval_s, auto_registered, created_at, retired_at";

    private const string AssetColumns = "asset_id, site_id, parent_asset_id, name, kind, created_at, criticality, retired_at";

    private const string SiteColumns = "site_id, name, location, created_at, retired_at";

    public async Task<Tenant> CreateTenantAsync(string slug, string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var now = time.GetUtcNow();
        await using var command = connection.Command(
            "INSERT INTO tenants (slug, name, created_at) VALUES ($slug, $name, $at) RETURNING id",
            ("$slug", slug), ("$name", name), ("$at", UnixMicros.From(now)));
        var id = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return new Tenant(id, slug, name, now);
    }

    public async Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync("SELECT id, slug, name, created_at FROM tenants ORDER BY id", ReadTenant, cancellationToken);
    }

    public async Task<Tenant?> FindTenantAsync(long tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync(
            "SELECT id, slug, name, created_at FROM tenants WHERE id = $id", ReadTenant, cancellationToken, ("$id", tenantId));
        return rows.SingleOrDefault();
    }

    public async Task<IReadOnlyList<Site>> ListSitesAsync(long tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            $"SELECT {SiteColumns} FROM sites WHERE tenant_id = $t ORDER BY site_id",
            ReadSite, cancellationToken, ("$t", tenantId));
    }

    public async Task<Site?> FindSiteAsync(long tenantId, string siteId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync(
            $"SELECT {SiteColumns} FROM sites WHERE tenant_id = $t AND site_id = $id",
            ReadSite, cancellationToken, ("$t", tenantId), ("$id", siteId));
        return rows.SingleOrDefault();
    }

    public Task<StoreResult> UpsertSiteAsync(long tenantId, Site site, CancellationToken cancellationToken) =>
        UpsertAsync(
            "UPDATE sites SET name = $name, location = $location WHERE tenant_id = $t AND site_id = $id",
            "INSERT INTO sites (tenant_id, site_id, name, location, created_at) VALUES ($t, $id, $name, $location, $at)",
            cancellationToken,
            ("$t", tenantId), ("$id", site.SiteId), ("$name", site.Name), ("$location", site.Location),
            ("$at", UnixMicros.From(time.GetUtcNow())));

    public Task<StoreResult> DeleteSiteAsync(long tenantId, string siteId, CancellationToken cancellationToken) =>
        DeleteAsync("DELETE FROM sites WHERE tenant_id = $t AND site_id = $id", cancellationToken, ("$t", tenantId), ("$id", siteId));

    public async Task<IReadOnlyList<Asset>> ListAssetsAsync(long tenantId, string? siteId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            $"SELECT {AssetColumns} FROM assets WHERE tenant_id = $t AND ($site IS NULL OR site_id = $site) ORDER BY asset_id",
            ReadAsset, cancellationToken, ("$t", tenantId), ("$site", siteId));
    }

    public async Task<Asset?> FindAssetAsync(long tenantId, string assetId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync(
            $"SELECT {AssetColumns} FROM assets WHERE tenant_id = $t AND asset_id = $id",
            ReadAsset, cancellationToken, ("$t", tenantId), ("$id", assetId));
        return rows.SingleOrDefault();
    }

    public Task<StoreResult> UpsertAssetAsync(long tenantId, Asset asset, CancellationToken cancellationToken) =>
        UpsertAsync(
            """
            UPDATE assets SET site_id = $site, parent_asset_id = $parent, name = $name, kind = $kind, criticality = $criticality
            WHERE tenant_id = $t AND asset_id = $id
            """,
            """
            INSERT INTO assets (tenant_id, asset_id, site_id, parent_asset_id, name, kind, created_at, criticality)
            VALUES ($t, $id, $site, $parent, $name, $kind, $at, $criticality)
            """,
            cancellationToken,
            ("$t", tenantId), ("$id", asset.AssetId), ("$site", asset.SiteId), ("$parent", asset.ParentAssetId),
            ("$name", asset.Name), ("$kind", asset.Kind), ("$at", UnixMicros.From(time.GetUtcNow())), ("$criticality", (int)asset.Criticality));

    public Task<StoreResult> DeleteAssetAsync(long tenantId, string assetId, CancellationToken cancellationToken) =>
        DeleteAsync("DELETE FROM assets WHERE tenant_id = $t AND asset_id = $id", cancellationToken, ("$t", tenantId), ("$id", assetId));

    public async Task<IReadOnlyList<Sensor>> ListSensorsAsync(long tenantId, string? assetId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            $"SELECT {SensorColumns} FROM sensors WHERE tenant_id = $t AND ($asset IS NULL OR asset_id = $asset) ORDER BY sensor_id",
            ReadSensor, cancellationToken, ("$t", tenantId), ("$asset", assetId));
    }

    public async Task<Sensor?> FindSensorAsync(long tenantId, string sensorId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync(
            $"SELECT {SensorColumns} FROM sensors WHERE tenant_id = $t AND sensor_id = $id",
            ReadSensor, cancellationToken, ("$t", tenantId), ("$id", sensorId));
        return rows.SingleOrDefault();
    }

    public async Task<(StoreResult Result, Sensor? Sensor)> UpsertSensorAsync(long tenantId, Sensor sensor, CancellationToken cancellationToken)
    {
        var result = await UpsertAsync(
            """
            UPDATE sensors SET asset_id = $asset, type = $type, unit = $unit, expected_min = $min, expected_max = $max,
                sample_interval_s = $interval
            WHERE tenant_id = $t AND sensor_id = $id
            """,
            """
            INSERT INTO sensors (tenant_id, sensor_id, asset_id, type, unit, expected_min, expected_max, sample_interval_s,
                auto_registered, created_at)
            VALUES ($t, $id, $asset, $type, $unit, $min, $max, $interval, $auto, $at)
            """,
            cancellationToken,
            ("$t", tenantId), ("$id", sensor.SensorId), ("$asset", sensor.AssetId), ("$type", sensor.Type), ("$unit", sensor.Unit),
            ("$min", sensor.ExpectedMin), ("$max", sensor.ExpectedMax), ("$interval", sensor.SampleIntervalSeconds),
            ("$auto", sensor.AutoRegistered), ("$at", UnixMicros.From(time.GetUtcNow())));
        return result == StoreResult.Conflict ? (result, null) : (result, await FindSensorAsync(tenantId, sensor.SensorId, cancellationToken));
    }

    public async Task<StoreResult> DeleteSensorAsync(long tenantId, string sensorId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var keys = await connection.ListAsync(
            "SELECT key FROM sensors WHERE tenant_id = $t AND sensor_id = $id", r => r.GetInt64(0), cancellationToken,
            ("$t", tenantId), ("$id", sensorId));
        if (keys.Count == 0)
        {
            return StoreResult.NotFound;
        }

        foreach (var table in (string[])["readings", "rollup_minute", "rollup_hour"])
        {
            await connection.ExecuteAsync($"DELETE FROM {table} WHERE sensor_key = $k AND tenant_id = $t", cancellationToken,
                ("$k", keys[0]), ("$t", tenantId));
        }

        await connection.ExecuteAsync("DELETE FROM sensors WHERE key = $k", cancellationToken, ("$k", keys[0]));
        await transaction.CommitAsync(cancellationToken);
        return StoreResult.Deleted;
    }

    public async Task<StoreResult> SetRetiredAsync(long tenantId, CatalogKind kind, string id, DateTimeOffset? at, CancellationToken cancellationToken)
    {
        var (table, column) = kind switch
        {
            CatalogKind.Site => ("sites", "site_id"),
            CatalogKind.Asset => ("assets", "asset_id"),
            _ => ("sensors", "sensor_id"),
        };
        var micros = at is { } time ? UnixMicros.From(time) : (long?)null;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var before = await connection.ListAsync($"SELECT retired_at FROM {table} WHERE tenant_id = $t AND {column} = $id",
            r => r.IsDBNull(0) ? (long?)null : r.GetInt64(0), cancellationToken, ("$t", tenantId), ("$id", id));
        if (before.Count == 0)
        {
            return StoreResult.NotFound;
        }

        await connection.ExecuteAsync($"UPDATE {table} SET retired_at = $at WHERE tenant_id = $t AND {column} = $id", cancellationToken,
            ("$at", micros), ("$t", tenantId), ("$id", id));
        if (kind == CatalogKind.Asset)
        {
            // Its sensors in service go with it; on the way back, those that went with it (same moment) return.
            await connection.ExecuteAsync(
                micros is not null
                    ? "UPDATE sensors SET retired_at = $at WHERE tenant_id = $t AND asset_id = $id AND retired_at IS NULL"
                    : "UPDATE sensors SET retired_at = NULL WHERE tenant_id = $t AND asset_id = $id AND retired_at = $was",
                cancellationToken, ("$at", micros), ("$t", tenantId), ("$id", id), ("$was", before[0]));
        }

        await transaction.CommitAsync(cancellationToken);
        return StoreResult.Updated;
    }

    private async Task<StoreResult> UpsertAsync(
        string updateSql, string insertSql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            if (await connection.ExecuteAsync(updateSql, cancellationToken, parameters) > 0)
            {
                return StoreResult.Updated;
            }

            await connection.ExecuteAsync(insertSql, cancellationToken, parameters);
            return StoreResult.Created;
        }
        catch (SqliteException ex) when (ex.IsConstraintViolation())
        {
            return StoreResult.Conflict;
        }
    }

    private async Task<StoreResult> DeleteAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            return await connection.ExecuteAsync(sql, cancellationToken, parameters) > 0 ? StoreResult.Deleted : StoreResult.NotFound;
        }
        catch (SqliteException ex) when (ex.IsConstraintViolation())
        {
            return StoreResult.Conflict;
        }
    }

    private static Tenant ReadTenant(SqliteDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetTime(3));

    private static Site ReadSite(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetNullableString(2), r.GetTime(3)) { RetiredAt = RetiredAt(r, 4) };

    private static Asset ReadAsset(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetNullableString(2), r.GetString(3), r.GetString(4), r.GetTime(5), (AssetCriticality)r.GetInt32(6))
        {
            RetiredAt = RetiredAt(r, 7),
        };

    private static Sensor ReadSensor(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetNullableString(3), r.GetString(4), r.GetString(5),
        r.GetNullableDouble(6), r.GetNullableDouble(7), r.GetDouble(8), r.GetBoolean(9), r.GetTime(10))
    {
        RetiredAt = RetiredAt(r, 11),
    };

    private static DateTimeOffset? RetiredAt(SqliteDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetTime(ordinal);
}
