using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Components.Ui;

/// <summary>Asset names by id, for pages that list things about assets and show their names.</summary>
public static class AssetNames
{
    public static IReadOnlyDictionary<string, string> Of(IEnumerable<Asset> assets) =>
        assets.ToDictionary(a => a.AssetId, a => a.Name, StringComparer.Ordinal);

    public static async Task<IReadOnlyDictionary<string, string>> LoadAsync(ICatalogStore catalog, long tenantId, CancellationToken cancellationToken) =>
        Of(await catalog.ListAssetsAsync(tenantId, null, cancellationToken));
}
