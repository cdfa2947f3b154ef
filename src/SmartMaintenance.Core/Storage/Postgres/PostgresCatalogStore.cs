using Npgsql;

using SmartMaintenance.Domain;

using static SmartMaintenance.Storage.Postgres.PostgresCommands;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>Tenants, sites, assets and sensors in PostgreSQL; every query names its tenant. Answers as the SQLite store does.</summary>
public sealed class PostgresCatalogStore(PostgresDatabase database, TimeProvider time) : ICatalogStore
{
    private const string SiteColumns = "site_id, name, location, created_at, retired_at";
    private const string AssetColumns = "asset_id, site_id, parent_asset_id, name, kind, created_at, criticality, retired_at";
    private const string SensorColumns =
        "key, tenant_id, sensor_id, asset_id, type, unit, expected_min, expected_max, sample_interval_s, auto_registered, created_at, retired_at";

    public async Task<Tenant> CreateTenantAsync(string slug, string name, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("INSERT INTO tenants (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id", slug, name, Utc(now));
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
        return (await connection.ListAsync("SELECT id, slug, name, created_at FROM tenants WHERE id = $1", ReadTenant, cancellationToken, tenantId))
            .SingleOrDefault();
    }

    public async Task<IReadOnlyList<Site>> ListSitesAsync(long tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync($"SELECT {SiteColumns} FROM sites WHERE tenant_id = $1 ORDER BY site_id", ReadSite, cancellationToken, tenantId);
    }

    public async Task<Site?> FindSiteAsync(long tenantId, string siteId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.ListAsync($"SELECT {SiteColumns} FROM sites WHERE tenant_id = $1 AND site_id = $2", ReadSite, cancellationToken,
            tenantId, siteId)).SingleOrDefault();
    }

    public Task<StoreResult> UpsertSiteAsync(long tenantId, Site site, CancellationToken cancellationToken) =>
        UpsertAsync(
            """
            INSERT INTO sites (tenant_id, site_id, name, location, created_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (tenant_id, site_id) DO UPDATE SET name = excluded.name, location = excluded.location
            RETURNING xmax = 0
            """,
            cancellationToken, tenantId, site.SiteId, site.Name, site.Location, Utc(time.GetUtcNow()));

    public Task<StoreResult> DeleteSiteAsync(long tenantId, string siteId, CancellationToken cancellationToken) =>
        DeleteAsync("DELETE FROM sites WHERE tenant_id = $1 AND site_id = $2", cancellationToken, tenantId, siteId);

    public async Task<IReadOnlyList<Asset>> ListAssetsAsync(long tenantId, string? siteId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            $"SELECT {AssetColumns} FROM assets WHERE tenant_id = $1 AND ($2::text IS NULL OR site_id = $2) ORDER BY asset_id",
            ReadAsset, cancellationToken, tenantId, siteId);
    }

    public async Task<Asset?> FindAssetAsync(long tenantId, string assetId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.ListAsync($"SELECT {AssetColumns} FROM assets WHERE tenant_id = $1 AND asset_id = $2", ReadAsset, cancellationToken,
            tenantId, assetId)).SingleOrDefault();
    }

    public Task<StoreResult> UpsertAssetAsync(long tenantId, Asset asset, CancellationToken cancellationToken) =>
        UpsertAsync(
            """
            INSERT INTO assets (tenant_id, asset_id, site_id, parent_asset_id, name, kind, created_at, criticality)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (tenant_id, asset_id) DO UPDATE SET site_id = excluded.site_id, parent_asset_id = excluded.parent_asset_id,
                name = excluded.name, kind = excluded.kind, criticality = excluded.criticality
            RETURNING xmax = 0
            """,
            cancellationToken, tenantId, asset.AssetId, asset.SiteId, asset.ParentAssetId, asset.Name, asset.Kind, Utc(time.GetUtcNow()),
            (short)asset.Criticality);

    public Task<StoreResult> DeleteAssetAsync(long tenantId, string assetId, CancellationToken cancellationToken) =>
        DeleteAsync("DELETE FROM assets WHERE tenant_id = $1 AND asset_id = $2", cancellationToken, tenantId, assetId);

    public async Task<IReadOnlyList<Sensor>> ListSensorsAsync(long tenantId, string? assetId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            $"SELECT {SensorColumns} FROM sensors WHERE tenant_id = $1 AND ($2::text IS NULL OR asset_id = $2) ORDER BY sensor_id",
            ReadSensor, cancellationToken, tenantId, assetId);
    }

    public async Task<Sensor?> FindSensorAsync(long tenantId, string sensorId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.ListAsync($"SELECT {SensorColumns} FROM sensors WHERE tenant_id = $1 AND sensor_id = $2", ReadSensor,
            cancellationToken, tenantId, sensorId)).SingleOrDefault();
    }

    public async Task<(StoreResult Result, Sensor? Sensor)> UpsertSensorAsync(long tenantId, Sensor sensor, CancellationToken cancellationToken)
    {
        var result = await UpsertAsync(
            """
            INSERT INTO sensors (tenant_id, sensor_id, asset_id, type, unit, expected_min, expected_max, sample_interval_s, auto_registered, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (tenant_id, sensor_id) DO UPDATE SET asset_id = excluded.asset_id, type = excluded.type, unit = excluded.unit,
                expected_min = excluded.expected_min, expected_max = excluded.expected_max, sample_interval_s = excluded.sample_interval_s
            RETURNING xmax = 0
            """,
            cancellationToken, tenantId, sensor.SensorId, sensor.AssetId, sensor.Type, sensor.Unit, sensor.ExpectedMin, sensor.ExpectedMax,
            sensor.SampleIntervalSeconds, sensor.AutoRegistered, Utc(time.GetUtcNow()));
        return result == StoreResult.Conflict ? (result, null) : (result, await FindSensorAsync(tenantId, sensor.SensorId, cancellationToken));
    }

    public async Task<StoreResult> DeleteSensorAsync(long tenantId, string sensorId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var keys = await connection.ListAsync("SELECT key FROM sensors WHERE tenant_id = $1 AND sensor_id = $2", r => r.GetInt64(0), cancellationToken,
            tenantId, sensorId);
        if (keys.Count == 0)
        {
            return StoreResult.NotFound;
        }

        foreach (var table in (string[])["readings", "rollup_minute", "rollup_hour"])
        {
            await connection.ExecuteAsync($"DELETE FROM {table} WHERE sensor_key = $1 AND tenant_id = $2", cancellationToken, keys[0], tenantId);
        }

        await connection.ExecuteAsync("DELETE FROM sensors WHERE key = $1", cancellationToken, keys[0]);
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
        var when = at is { } t ? Utc(t) : (DateTimeOffset?)null;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // FOR UPDATE: the moment read is the one the asset's sensors are matched against on the way back.
        var before = await connection.ListAsync($"SELECT retired_at FROM {table} WHERE tenant_id = $1 AND {column} = $2 FOR UPDATE",
            r => r.GetNullableTime(0), cancellationToken, tenantId, id);
        if (before.Count == 0)
        {
            return StoreResult.NotFound;
        }

        await connection.ExecuteAsync($"UPDATE {table} SET retired_at = $1 WHERE tenant_id = $2 AND {column} = $3", cancellationToken,
            (object?)when ?? DBNull.Value, tenantId, id);
        if (kind == CatalogKind.Asset)
        {
            // Its sensors in service go with it; on the way back, those that went with it (same moment) return.
            if (when is { } retiredAt)
            {
                await connection.ExecuteAsync("UPDATE sensors SET retired_at = $1 WHERE tenant_id = $2 AND asset_id = $3 AND retired_at IS NULL",
                    cancellationToken, retiredAt, tenantId, id);
            }
            else if (before[0] is { } was)
            {
                await connection.ExecuteAsync("UPDATE sensors SET retired_at = NULL WHERE tenant_id = $1 AND asset_id = $2 AND retired_at = $3",
                    cancellationToken, tenantId, id, was);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return StoreResult.Updated;
    }

    /// <summary>An insert-or-update whose <c>RETURNING xmax = 0</c> says whether the row is new; a missing reference is a conflict.</summary>
    private async Task<StoreResult> UpsertAsync(string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            await using var command = connection.Command(sql, parameters);
            return (bool)(await command.ExecuteScalarAsync(cancellationToken))! ? StoreResult.Created : StoreResult.Updated;
        }
        catch (PostgresException ex) when (ex.SqlState is ForeignKeyViolation or UniqueViolation)
        {
            return StoreResult.Conflict;
        }
    }

    private async Task<StoreResult> DeleteAsync(string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            return await connection.ExecuteAsync(sql, cancellationToken, parameters) > 0 ? StoreResult.Deleted : StoreResult.NotFound;
        }
        catch (PostgresException ex) when (ex.SqlState == ForeignKeyViolation)
        {
            return StoreResult.Conflict;
        }
    }

    private static Tenant ReadTenant(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetTime(3));

    private static Site ReadSite(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetNullableString(2), r.GetTime(3)) { RetiredAt = r.GetNullableTime(4) };

    private static Asset ReadAsset(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetNullableString(2), r.GetString(3), r.GetString(4), r.GetTime(5), (AssetCriticality)r.GetInt16(6))
        {
            RetiredAt = r.GetNullableTime(7),
        };

    private static Sensor ReadSensor(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetNullableString(3), r.GetString(4), r.GetString(5),
        r.GetNullableDouble(6), r.GetNullableDouble(7), r.GetDouble(8), r.GetBoolean(9), r.GetTime(10))
    {
        RetiredAt = r.GetNullableTime(11),
    };
}
