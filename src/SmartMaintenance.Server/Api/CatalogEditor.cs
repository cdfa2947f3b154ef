using System.ComponentModel.DataAnnotations;
using System.Security.Claims;

using SmartMaintenance.Agents;
using SmartMaintenance.Domain;
using SmartMaintenance.Ingestion;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Server.Hosting;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Api;

/// <summary>What a catalog change came to.</summary>
internal enum CatalogOutcome { Created, Updated, Invalid, Exists, MissingReference, NotFound, Refused }

/// <summary>A catalog change's outcome; for <see cref="CatalogOutcome.Invalid"/>, the fields at fault (as sent) and why.</summary>
internal sealed record CatalogChange(CatalogOutcome Outcome, IReadOnlyDictionary<string, string[]> Errors)
{
    /// <summary>Why a retirement or reinstatement was <see cref="CatalogOutcome.Refused"/>.</summary>
    public string? Reason { get; init; }

    public static CatalogChange Of(CatalogOutcome outcome) => new(outcome, new Dictionary<string, string[]>());

    public static CatalogChange Refused(string reason) => Of(CatalogOutcome.Refused) with { Reason = reason };

    public static CatalogChange Invalid(string field, string message) =>
        new(CatalogOutcome.Invalid, new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>
/// Creating and changing sites, assets and sensors, for the API and the catalog page alike: the request's rules (the
/// data annotations the API validates at its edge, checked again here for the pages, fields named as the API names them), the references (an existing site,
/// asset or parent; no asset its own ancestor), the ingestion's sensor directory refreshed, and an audit entry saying
/// who changed what (correlation <c>catalog:{kind}:{id}</c>, so an item's history is one query). The tenant is the
/// caller's for the API, and the one the page shows for the catalog page (a platform admin may look at another).
/// </summary>
internal sealed class CatalogEditor(ICatalogStore store, SensorDirectory directory, IEventLog audit, TimeProvider time)
{
    private const int MaxHierarchyDepth = 32;

    public async Task<CatalogChange> SaveSiteAsync(ClaimsPrincipal user, long tenantId, string siteId, SiteRequest request, bool createOnly, CancellationToken cancellationToken)
    {
        var (refused, before) = await BeginAsync(siteId, "site", request, createOnly, () => store.FindSiteAsync(tenantId, siteId, cancellationToken));
        if (refused is not null)
        {
            return refused;
        }

        var site = new Site(siteId, request.Name.Trim(), request.Location?.Trim() is { Length: > 0 } location ? location : null, default);
        var result = await store.UpsertSiteAsync(tenantId, site, cancellationToken);
        return await AuditedAsync(user, tenantId, result, "site", siteId, site.Name, null, Changed(before, site, ("name", s => s.Name), ("location", s => s.Location)));
    }

    public async Task<CatalogChange> SaveAssetAsync(ClaimsPrincipal user, long tenantId, string assetId, AssetRequest request, bool createOnly, CancellationToken cancellationToken)
    {
        var (refused, before) = await BeginAsync(assetId, "asset", request, createOnly, () => store.FindAssetAsync(tenantId, assetId, cancellationToken));
        if (refused is not null)
        {
            return refused;
        }

        var parentId = string.IsNullOrWhiteSpace(request.ParentAssetId) ? null : request.ParentAssetId;
        if (parentId is not null && await AncestryLoopsAsync(tenantId, assetId, parentId, cancellationToken))
        {
            return CatalogChange.Invalid("parent_asset_id", $"'{parentId}' is '{assetId}' itself or one of its parts: an asset cannot be its own ancestor.");
        }

        // A request that does not say how critical the asset is keeps what it was (medium for a new one).
        var asset = new Asset(assetId, request.SiteId, parentId, request.Name.Trim(), request.Kind.Trim(), default,
            request.Criticality ?? before?.Criticality ?? AssetCriticality.Medium);
        var result = await store.UpsertAssetAsync(tenantId, asset, cancellationToken);
        return await AuditedAsync(user, tenantId, result, "asset", assetId, asset.Name, assetId,
            Changed(before, asset, ("name", a => a.Name), ("site_id", a => a.SiteId), ("parent_asset_id", a => a.ParentAssetId), ("kind", a => a.Kind),
                ("criticality", a => a.Criticality)));
    }

    public async Task<CatalogChange> SaveSensorAsync(ClaimsPrincipal user, long tenantId, string sensorId, SensorRequest request, bool createOnly, CancellationToken cancellationToken)
    {
        var (refused, before) = await BeginAsync(sensorId, "sensor", request, createOnly, () => store.FindSensorAsync(tenantId, sensorId, cancellationToken));
        if (refused is not null)
        {
            return refused;
        }

        var assetId = string.IsNullOrWhiteSpace(request.AssetId) ? null : request.AssetId;
        var sensor = new Sensor(0, tenantId, sensorId, assetId, request.Type.Trim(), UnitNames.Canonical(request.Unit),
            request.ExpectedMin, request.ExpectedMax, request.SampleIntervalSeconds!.Value, false, default);
        var (result, _) = await store.UpsertSensorAsync(tenantId, sensor, cancellationToken);
        directory.Invalidate(tenantId);
        return await AuditedAsync(user, tenantId, result, "sensor", sensorId, sensorId, assetId, Changed(before, sensor,
            ("asset_id", s => s.AssetId), ("type", s => s.Type), ("unit", s => s.Unit), ("expected_min", s => s.ExpectedMin),
            ("expected_max", s => s.ExpectedMax), ("sample_interval_seconds", s => s.SampleIntervalSeconds)));
    }

    /// <summary>
    /// Takes a site, asset or sensor out of service (<paramref name="retire"/>) or back into it. A retired sensor takes no
    /// more readings; its readings, anomalies and cases stay. An asset's sensors retire with it, and those that went
    /// with it come back with it. Refused while something under it is still in service (a site's assets, an asset's
    /// parts), and on the way back while what it belongs to is retired.
    /// </summary>
    public async Task<CatalogChange> SetRetiredAsync(ClaimsPrincipal user, long tenantId, CatalogKind kind, string id, bool retire,
        CancellationToken cancellationToken)
    {
        (string? Name, string? AssetId, DateTimeOffset? RetiredAt) found = kind switch
        {
            CatalogKind.Site => await store.FindSiteAsync(tenantId, id, cancellationToken) is { } site ? (site.Name, (string?)null, site.RetiredAt) : default,
            CatalogKind.Asset => await store.FindAssetAsync(tenantId, id, cancellationToken) is { } asset ? (asset.Name, asset.AssetId, asset.RetiredAt) : default,
            _ => await store.FindSensorAsync(tenantId, id, cancellationToken) is { } sensor ? (sensor.SensorId, sensor.AssetId, sensor.RetiredAt) : default,
        };
        if (found.Name is not { } name)
        {
            return CatalogChange.Of(CatalogOutcome.NotFound);
        }

        if ((found.RetiredAt is not null) == retire)
        {
            return CatalogChange.Of(CatalogOutcome.Updated);
        }

        if ((retire ? await InServiceUnderAsync(tenantId, kind, id, cancellationToken) : await RetiredAboveAsync(tenantId, kind, id, cancellationToken))
            is { } reason)
        {
            return CatalogChange.Refused(reason);
        }

        if (await store.SetRetiredAsync(tenantId, kind, id, retire ? time.GetUtcNow() : null, cancellationToken) == StoreResult.NotFound)
        {
            return CatalogChange.Of(CatalogOutcome.NotFound);
        }

        directory.Invalidate(tenantId);
        var label = KindName(kind);
        await audit.RecordAsync(tenantId, AgentEventTypes.CatalogChanged, $"catalog:{label}:{id}", user.ActorOf(),
            new CatalogChanged(label, id, name, retire ? "retired" : "reinstated", found.AssetId, []));
        return CatalogChange.Of(CatalogOutcome.Updated);
    }

    /// <summary>
    /// Deletes a site, asset or sensor that nothing depends on (the store refuses otherwise); audited, so other nodes
    /// drop it from their sensor directories too.
    /// </summary>
    public async Task<StoreResult> DeleteAsync(ClaimsPrincipal user, long tenantId, CatalogKind kind, string id, CancellationToken cancellationToken)
    {
        var (result, assetId) = kind switch
        {
            CatalogKind.Site => (await store.DeleteSiteAsync(tenantId, id, cancellationToken), (string?)null),
            CatalogKind.Asset => (await store.DeleteAssetAsync(tenantId, id, cancellationToken), id),
            _ => ((await store.FindSensorAsync(tenantId, id, cancellationToken))?.AssetId is var sensorAsset
                ? (await store.DeleteSensorAsync(tenantId, id, cancellationToken), sensorAsset) : default),
        };
        if (result == StoreResult.Deleted)
        {
            directory.Invalidate(tenantId);
            var label = KindName(kind);
            await audit.RecordAsync(tenantId, AgentEventTypes.CatalogChanged, $"catalog:{label}:{id}", user.ActorOf(),
                new CatalogChanged(label, id, id, "deleted", assetId, []));
        }

        return result;
    }

    public static string KindName(CatalogKind kind) => kind.ToString().ToLowerInvariant();

    private async Task<string?> InServiceUnderAsync(long tenantId, CatalogKind kind, string id, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case CatalogKind.Site:
                var assets = (await store.ListAssetsAsync(tenantId, id, cancellationToken)).Where(a => a.RetiredAt is null).Select(a => a.AssetId).ToList();
                return assets.Count > 0 ? $"site '{id}' still has assets in service ({string.Join(", ", assets.Take(5))}); retire them first." : null;
            case CatalogKind.Asset:
                var parts = (await store.ListAssetsAsync(tenantId, null, cancellationToken)).Where(a => a.ParentAssetId == id && a.RetiredAt is null)
                    .Select(a => a.AssetId).ToList();
                return parts.Count > 0 ? $"asset '{id}' still has parts in service ({string.Join(", ", parts.Take(5))}); retire them first." : null;
            default:
                return null;
        }
    }

    private async Task<string?> RetiredAboveAsync(long tenantId, CatalogKind kind, string id, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case CatalogKind.Asset:
                var asset = await store.FindAssetAsync(tenantId, id, cancellationToken);
                if (asset is not null && await store.FindSiteAsync(tenantId, asset.SiteId, cancellationToken) is { RetiredAt: not null })
                {
                    return $"its site '{asset.SiteId}' is retired; reinstate the site first.";
                }

                return asset?.ParentAssetId is { } parent && await store.FindAssetAsync(tenantId, parent, cancellationToken) is { RetiredAt: not null }
                    ? $"the asset it is part of ('{parent}') is retired; reinstate that first."
                    : null;
            case CatalogKind.Sensor:
                var sensor = await store.FindSensorAsync(tenantId, id, cancellationToken);
                return sensor?.AssetId is { } owner && await store.FindAssetAsync(tenantId, owner, cancellationToken) is { RetiredAt: not null }
                    ? $"its asset '{owner}' is retired; reinstate the asset first."
                    : null;
            default:
                return null;
        }
    }

    /// <summary>Checks the request, then finds what the id names now: a create-only request for a taken id is refused.</summary>
    private static async Task<(CatalogChange? Refused, T? Before)> BeginAsync<T>(
        string id, string kind, object request, bool createOnly, Func<Task<T?>> find)
        where T : class
    {
        if (Check(id, kind, request) is { } invalid)
        {
            return (invalid, null);
        }

        var before = await find();
        return (before is not null && createOnly ? CatalogChange.Of(CatalogOutcome.Exists) : null, before);
    }

    /// <summary>The id's form and the request's annotations, with fields named as sent (<c>sample_interval_seconds</c>).</summary>
    private static CatalogChange? Check(string id, string kind, object request)
    {
        if (!CatalogText.IsId(id))
        {
            return CatalogChange.Invalid($"{kind}_id", "Ids start with a letter or digit and hold letters, digits and . _ : - (max 128).");
        }

        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(request, new ValidationContext(request), results, validateAllProperties: true))
        {
            return null;
        }

        var errors = results
            .SelectMany(r => (r.MemberNames.Any() ? r.MemberNames : [""]).Select(member => (Field: member, Message: r.ErrorMessage ?? "is not valid")))
            .GroupBy(e => e.Field)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
        return new CatalogChange(CatalogOutcome.Invalid, HttpPipelineExtensions.WireNames(errors));
    }

    // Walks up from the intended parent: reaching the asset itself would close a loop.
    private async Task<bool> AncestryLoopsAsync(long tenantId, string assetId, string parentId, CancellationToken cancellationToken)
    {
        var next = parentId;
        for (var depth = 0; next is not null && depth < MaxHierarchyDepth; depth++)
        {
            if (next == assetId)
            {
                return true;
            }

            next = (await store.FindAssetAsync(tenantId, next, cancellationToken))?.ParentAssetId;
        }

        return next is not null;
    }

    private async Task<CatalogChange> AuditedAsync(
        ClaimsPrincipal user, long tenantId, StoreResult result, string kind, string id, string name, string? assetId, IReadOnlyList<string> changed)
    {
        if (result == StoreResult.Conflict)
        {
            return CatalogChange.Of(CatalogOutcome.MissingReference);
        }

        var created = result == StoreResult.Created;
        if (created || changed.Count > 0)
        {
            await audit.RecordAsync(tenantId, AgentEventTypes.CatalogChanged, $"catalog:{kind}:{id}", user.ActorOf(),
                new CatalogChanged(kind, id, name, created ? "created" : "updated", assetId, created ? [] : changed));
        }

        return CatalogChange.Of(created ? CatalogOutcome.Created : CatalogOutcome.Updated);
    }

    /// <summary>The names of the fields that differ (none for a new item: there is nothing to compare with).</summary>
    private static IReadOnlyList<string> Changed<T>(T? before, T after, params (string Name, Func<T, object?> Value)[] fields)
        where T : class =>
        before is null ? [] : [.. fields.Where(f => !Equals(f.Value(before), f.Value(after))).Select(f => f.Name)];
}
