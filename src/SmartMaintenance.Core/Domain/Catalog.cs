namespace SmartMaintenance.Domain;

/// <summary>An organisation whose data is isolated from every other tenant's.</summary>
public sealed record Tenant(long Id, string Slug, string Name, DateTimeOffset CreatedAt)
{
    /// <summary>The tenant created by the first migration; its admins administer the whole platform.</summary>
    public const long DefaultId = 1;
}

/// <summary>A plant, depot or yard that holds assets.</summary>
public sealed record Site(string SiteId, string Name, string? Location, DateTimeOffset CreatedAt)
{
    /// <summary>When it was retired (taken out of service, its history kept), or null while in service.</summary>
    public DateTimeOffset? RetiredAt { get; init; }
}

/// <summary>What the catalog holds: sites, assets and sensors.</summary>
public enum CatalogKind { Site, Asset, Sensor }

/// <summary>
/// A machine or component; <see cref="ParentAssetId"/> builds hierarchies (line → pump → motor). Its
/// <see cref="Criticality"/> says how much its failure costs the plant, for planners ranking work.
/// </summary>
public sealed record Asset(
    string AssetId, string SiteId, string? ParentAssetId, string Name, string Kind, DateTimeOffset CreatedAt,
    AssetCriticality Criticality = AssetCriticality.Medium)
{
    /// <summary>When it was retired (taken out of service, its history kept), or null while in service.</summary>
    public DateTimeOffset? RetiredAt { get; init; }
}

/// <summary>How much an asset's failure costs: low (a spare takes over), up to critical (the plant or line stops, or people are at risk).</summary>
public enum AssetCriticality { Low, Medium, High, Critical }

/// <summary>
/// A measuring point. <see cref="Key"/> is the store's compact internal id; <see cref="SensorId"/> is the
/// tenant-unique name that clients send.
/// </summary>
[Orleans.GenerateSerializer, Orleans.Immutable]
public sealed record Sensor(
    long Key,
    long TenantId,
    string SensorId,
    string? AssetId,
    string Type,
    string Unit,
    double? ExpectedMin,
    double? ExpectedMax,
    double SampleIntervalSeconds,
    bool AutoRegistered,
    DateTimeOffset CreatedAt)
{
    /// <summary>When it was retired: it takes no more readings, and its history stays. Null while in service.</summary>
    [Orleans.Id(11)]
    public DateTimeOffset? RetiredAt { get; init; }

    public bool IsOutsideExpectedRange(double value) =>
        (ExpectedMin is { } min && value < min) || (ExpectedMax is { } max && value > max);
}
