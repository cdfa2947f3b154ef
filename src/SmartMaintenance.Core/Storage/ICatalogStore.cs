using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage;

/// <summary>Tenants, sites, assets and sensors. Every call but tenant management is scoped to one tenant.</summary>
public interface ICatalogStore
{
    Task<Tenant> CreateTenantAsync(string slug, string name, CancellationToken cancellationToken);
    Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken cancellationToken);
    Task<Tenant?> FindTenantAsync(long tenantId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Site>> ListSitesAsync(long tenantId, CancellationToken cancellationToken);
    Task<Site?> FindSiteAsync(long tenantId, string siteId, CancellationToken cancellationToken);
    Task<StoreResult> UpsertSiteAsync(long tenantId, Site site, CancellationToken cancellationToken);
    Task<StoreResult> DeleteSiteAsync(long tenantId, string siteId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Asset>> ListAssetsAsync(long tenantId, string? siteId, CancellationToken cancellationToken);
    Task<Asset?> FindAssetAsync(long tenantId, string assetId, CancellationToken cancellationToken);
    Task<StoreResult> UpsertAssetAsync(long tenantId, Asset asset, CancellationToken cancellationToken);
    Task<StoreResult> DeleteAssetAsync(long tenantId, string assetId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Sensor>> ListSensorsAsync(long tenantId, string? assetId, CancellationToken cancellationToken);
    Task<Sensor?> FindSensorAsync(long tenantId, string sensorId, CancellationToken cancellationToken);
    /// <summary>Creates or updates the sensor named <see cref="Sensor.SensorId"/>; the key is assigned by the store.</summary>
    Task<(StoreResult Result, Sensor? Sensor)> UpsertSensorAsync(long tenantId, Sensor sensor, CancellationToken cancellationToken);
    /// <summary>Deletes the sensor with its readings and roll-ups.</summary>
    Task<StoreResult> DeleteSensorAsync(long tenantId, string sensorId, CancellationToken cancellationToken);

    /// <summary>
    /// Retires a site, asset or sensor at <paramref name="at"/>, or reinstates it (null); NotFound when there is none. An
    /// asset's sensors in service retire with it, and come back with it when they retired at the same moment.
    /// </summary>
    Task<StoreResult> SetRetiredAsync(long tenantId, CatalogKind kind, string id, DateTimeOffset? at, CancellationToken cancellationToken);
}

/// <summary>Outcome of a catalog write.</summary>
public enum StoreResult
{
    Created,
    Updated,
    Deleted,
    NotFound,
    /// <summary>A reference is missing (e.g. an asset's site) or the row is still referenced.</summary>
    Conflict,
}
