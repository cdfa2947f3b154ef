using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

using SmartMaintenance.Domain;
using SmartMaintenance.Ingestion;
using SmartMaintenance.Security;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Server.Hosting;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Api;

/// <summary>Sites, assets and sensors of the caller's tenant: list, read, create (POST), upsert (PUT), delete.</summary>
internal static class CatalogApi
{
    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiArea("Catalog");

        group.MapGet("/sites", (HttpContext c, ICatalogStore s) => Read(c, s.ListSitesAsync(c.User.TenantIdOf(), c.RequestAborted)))
            .WithName("ListSites").WithSummary("The tenant's sites").RequireAuthorization(Scopes.DataRead);
        group.MapGet("/sites/{siteId}", (HttpContext c, ICatalogStore s, string siteId) =>
            Found(s.FindSiteAsync(c.User.TenantIdOf(), siteId, c.RequestAborted), "site", siteId)).WithName("GetSite").WithSummary("One site").RequireAuthorization(Scopes.DataRead);
        group.MapPost("/sites", (HttpContext c, ICatalogStore s, CatalogEditor e, SiteRequest body) =>
            SaveAsync(c, "site", body.SiteId, id => e.SaveSiteAsync(c.User, c.User.TenantIdOf(), id, body, createOnly: true, c.RequestAborted),
                id => s.FindSiteAsync(c.User.TenantIdOf(), id, c.RequestAborted))).WithName("CreateSite").WithSummary("Create a site; 409 when its id is taken").RequireAuthorization(Scopes.DataWrite);
        group.MapPut("/sites/{siteId}", (HttpContext c, ICatalogStore s, CatalogEditor e, string siteId, SiteRequest body) =>
            SaveAsync(c, "site", siteId, id => e.SaveSiteAsync(c.User, c.User.TenantIdOf(), id, body, createOnly: false, c.RequestAborted),
                id => s.FindSiteAsync(c.User.TenantIdOf(), id, c.RequestAborted))).WithName("UpsertSite").WithSummary("Create or replace a site").RequireAuthorization(Scopes.DataWrite);
        group.MapDelete("/sites/{siteId}", (HttpContext c, CatalogEditor e, string siteId) =>
            DeleteAsync(e.DeleteAsync(c.User, c.User.TenantIdOf(), CatalogKind.Site, siteId, c.RequestAborted), "site", siteId, "it still has assets"))
            .WithName("DeleteSite").WithSummary("Delete a site that has no assets").RequireAuthorization(Scopes.DataWrite);

        group.MapGet("/assets", (HttpContext c, ICatalogStore s, [FromQuery(Name = "site_id")] string? siteId) =>
            Read(c, s.ListAssetsAsync(c.User.TenantIdOf(), siteId, c.RequestAborted))).WithName("ListAssets").WithSummary("The tenant's assets; site_id for one site's").RequireAuthorization(Scopes.DataRead);
        group.MapGet("/assets/{assetId}", (HttpContext c, ICatalogStore s, string assetId) =>
            Found(s.FindAssetAsync(c.User.TenantIdOf(), assetId, c.RequestAborted), "asset", assetId)).WithName("GetAsset").WithSummary("One asset").RequireAuthorization(Scopes.DataRead);
        group.MapGet("/assets/{assetId}/health/history", AssetHealthHistoryAsync).WithName("GetAssetHealthHistory")
            .WithSummary("The asset's health minute by minute as its agent judged it, oldest first (default: the last 24 h; kept 90 days)")
            .RequireAuthorization(Scopes.DataRead);
        group.MapGet("/assets/{assetId}/health", AssetHealthAsync).WithName("GetAssetHealth")
            .WithSummary("The asset's health from all its sensors together, judged up to the last complete minute")
            .RequireAuthorization(Scopes.DataRead);
        group.MapPost("/assets", (HttpContext c, ICatalogStore s, CatalogEditor e, AssetRequest body) =>
            SaveAsync(c, "asset", body.AssetId, id => e.SaveAssetAsync(c.User, c.User.TenantIdOf(), id, body, createOnly: true, c.RequestAborted),
                id => s.FindAssetAsync(c.User.TenantIdOf(), id, c.RequestAborted))).WithName("CreateAsset").WithSummary("Create an asset on a site; 409 when its id is taken").RequireAuthorization(Scopes.DataWrite);
        group.MapPut("/assets/{assetId}", (HttpContext c, ICatalogStore s, CatalogEditor e, string assetId, AssetRequest body) =>
            SaveAsync(c, "asset", assetId, id => e.SaveAssetAsync(c.User, c.User.TenantIdOf(), id, body, createOnly: false, c.RequestAborted),
                id => s.FindAssetAsync(c.User.TenantIdOf(), id, c.RequestAborted))).WithName("UpsertAsset").WithSummary("Create or replace an asset").RequireAuthorization(Scopes.DataWrite);
        group.MapDelete("/assets/{assetId}", (HttpContext c, CatalogEditor e, string assetId) =>
            DeleteAsync(e.DeleteAsync(c.User, c.User.TenantIdOf(), CatalogKind.Asset, assetId, c.RequestAborted), "asset", assetId, "it still has child assets or sensors"))
            .WithName("DeleteAsset").WithSummary("Delete an asset that has no child assets or sensors").RequireAuthorization(Scopes.DataWrite);

        group.MapGet("/sensors", async (HttpContext c, ICatalogStore s, [FromQuery(Name = "asset_id")] string? assetId) =>
            TypedResults.Ok((await s.ListSensorsAsync(c.User.TenantIdOf(), assetId, c.RequestAborted)).Select(SensorResponse.From)))
            .WithName("ListSensors").WithSummary("The tenant's sensors; asset_id for one asset's").RequireAuthorization(Scopes.DataRead);
        group.MapGet("/sensors/{sensorId}", async Task<Results<Ok<SensorResponse>, ProblemHttpResult>> (HttpContext c, ICatalogStore s, string sensorId) =>
            await s.FindSensorAsync(c.User.TenantIdOf(), sensorId, c.RequestAborted) is { } sensor
                ? TypedResults.Ok(SensorResponse.From(sensor))
                : ReadingsApi.UnknownSensor(sensorId)).WithName("GetSensor").WithSummary("One sensor").RequireAuthorization(Scopes.DataRead);
        group.MapPost("/sensors", (HttpContext c, ICatalogStore s, CatalogEditor e, SensorRequest body) =>
            SaveAsync(c, "sensor", body.SensorId, id => e.SaveSensorAsync(c.User, c.User.TenantIdOf(), id, body, createOnly: true, c.RequestAborted),
                async id => Map(await s.FindSensorAsync(c.User.TenantIdOf(), id, c.RequestAborted)))).WithName("CreateSensor").WithSummary("Register a sensor; 409 when its id is taken").RequireAuthorization(Scopes.DataWrite);
        group.MapPut("/sensors/{sensorId}", (HttpContext c, ICatalogStore s, CatalogEditor e, string sensorId, SensorRequest body) =>
            SaveAsync(c, "sensor", sensorId, id => e.SaveSensorAsync(c.User, c.User.TenantIdOf(), id, body, createOnly: false, c.RequestAborted),
                async id => Map(await s.FindSensorAsync(c.User.TenantIdOf(), id, c.RequestAborted)))).WithName("UpsertSensor").WithSummary("Register or replace a sensor").RequireAuthorization(Scopes.DataWrite);
        group.MapDelete("/sensors/{sensorId}", (HttpContext c, CatalogEditor e, string sensorId) =>
            DeleteAsync(e.DeleteAsync(c.User, c.User.TenantIdOf(), CatalogKind.Sensor, sensorId, c.RequestAborted), "sensor", sensorId, "")).WithName("DeleteSensor").WithSummary("Delete a sensor").RequireAuthorization(Scopes.DataWrite);

        foreach (var (kind, path) in new[] { (CatalogKind.Site, "sites/{id}"), (CatalogKind.Asset, "assets/{id}"), (CatalogKind.Sensor, "sensors/{id}") })
        {
            var name = CatalogEditor.KindName(kind);
            var title = char.ToUpperInvariant(name[0]) + name[1..];
            group.MapPost($"/{path}/retire", (HttpContext c, CatalogEditor e, string id) => RetiredAsync(c, e, kind, id, retire: true))
                .WithName($"Retire{title}").RequireAuthorization(Scopes.DataWrite)
                .WithSummary(kind switch
                {
                    CatalogKind.Sensor => "Retire a sensor: it takes no more readings; its history stays",
                    CatalogKind.Asset => "Retire an asset and its sensors (409 while parts of it are in service); its history stays",
                    _ => "Retire a site (409 while assets on it are in service)",
                });
            group.MapPost($"/{path}/reinstate", (HttpContext c, CatalogEditor e, string id) => RetiredAsync(c, e, kind, id, retire: false))
                .WithName($"Reinstate{title}").RequireAuthorization(Scopes.DataWrite)
                .WithSummary($"Bring a retired {name} back into service (409 while what it belongs to is retired)");
        }

        return app;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RetiredAsync(HttpContext c, CatalogEditor editor, CatalogKind kind, string id, bool retire)
    {
        var change = await editor.SetRetiredAsync(c.User, c.User.TenantIdOf(), kind, id, retire, c.RequestAborted);
        var name = CatalogEditor.KindName(kind);
        return change.Outcome switch
        {
            CatalogOutcome.NotFound => NotFoundProblem(name, id),
            CatalogOutcome.Refused => Problems.Result(409, retire ? $"The {name} cannot be retired" : $"The {name} cannot be reinstated", change.Reason!),
            _ => TypedResults.NoContent(),
        };
    }

    private static SensorResponse? Map(Sensor? sensor) => sensor is null ? null : SensorResponse.From(sensor);

    private static async Task<Ok<IReadOnlyList<T>>> Read<T>(HttpContext context, Task<IReadOnlyList<T>> list) => TypedResults.Ok(await list);

    private static async Task<Results<Ok<T>, ProblemHttpResult>> Found<T>(Task<T?> find, string kind, string id)
        where T : class =>
        await find is { } item ? TypedResults.Ok(item) : NotFoundProblem(kind, id);

    /// <summary>A create (POST, the id in the body) or an upsert (PUT, the id in the path) through the <see cref="CatalogEditor"/>.</summary>
    private static async Task<Results<Ok<T>, Created<T>, ValidationProblem, ProblemHttpResult>> SaveAsync<T>(
        HttpContext context, string kind, string? id, Func<string, Task<CatalogChange>> save, Func<string, Task<T?>> find)
        where T : class
    {
        if (string.IsNullOrEmpty(id))
        {
            return Problems.Result(400, $"{kind}_id is required", $"Name the new {kind} in {kind}_id.");
        }

        var change = await save(id);
        return change.Outcome switch
        {
            CatalogOutcome.Invalid => TypedResults.ValidationProblem(change.Errors),
            CatalogOutcome.Exists => Problems.Result(409, $"The {kind} exists", $"A {kind} '{id}' exists already; PUT to update it."),
            CatalogOutcome.MissingReference => Problems.Result(409, "Missing reference", $"The {kind} refers to a site, asset or parent that does not exist."),
            CatalogOutcome.Created => TypedResults.Created(context.Request.Method == HttpMethods.Post ? $"{context.Request.Path}/{id}" : context.Request.Path.ToString(), (await find(id))!),
            _ => TypedResults.Ok((await find(id))!),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Task<StoreResult> delete, string kind, string id, string conflictReason) => await delete switch
        {
            StoreResult.Deleted => TypedResults.NoContent(),
            StoreResult.Conflict => Problems.Result(409, $"The {kind} is in use", $"The {kind} '{id}' cannot be deleted: {conflictReason}."),
            _ => NotFoundProblem(kind, id),
        };

    private static async Task<Results<Ok<AssetHealthResponse>, ProblemHttpResult>> AssetHealthAsync(
        HttpContext c, ICatalogStore catalog, IGrainFactory grains, string assetId)
    {
        var tenantId = c.User.TenantIdOf();
        if (await catalog.FindAssetAsync(tenantId, assetId, c.RequestAborted) is null)
        {
            return NotFoundProblem("asset", assetId);
        }

        var report = await grains.GetGrain<Agents.Contracts.IAssetAgent>(Agents.Predictions.AssetAgent.KeyOf(tenantId, assetId)).RefreshHealthAsync();
        return report is null
            ? Problems.Result(404, "No asset health", $"The asset '{assetId}' has fewer than two sensors: there is no relationship between sensors to judge.")
            : TypedResults.Ok(AssetHealthResponse.From(assetId, report));
    }

    private const int MaxHistoryDays = 31;

    private static async Task<Results<Ok<AssetHealthHistoryResponse>, ProblemHttpResult>> AssetHealthHistoryAsync(
        HttpContext c, ICatalogStore catalog, IAssetHealthStore history, TimeProvider time, string assetId, QueryTimestamp? from, QueryTimestamp? to)
    {
        var (start, end) = QueryWindow.Resolve(from?.Value, to?.Value, time.GetUtcNow(), TimeSpan.FromHours(24));
        if (start >= end)
        {
            return Problems.Result(400, "Invalid range", "from must be before to.");
        }

        if (end - start > TimeSpan.FromDays(MaxHistoryDays))
        {
            return Problems.Result(400, "Range too long", $"Ask for at most {MaxHistoryDays} days at a time (a point a minute).");
        }

        var tenantId = c.User.TenantIdOf();
        if (await catalog.FindAssetAsync(tenantId, assetId, c.RequestAborted) is null)
        {
            return NotFoundProblem("asset", assetId);
        }

        var points = await history.ListAsync(tenantId, assetId, start, end, c.RequestAborted);
        return TypedResults.Ok(new AssetHealthHistoryResponse(assetId, start, end,
            [.. points.Select(p => new AssetHealthPointResponse(p.At, p.Health, p.Abnormal, p.Drivers))]));
    }

    private static ProblemHttpResult NotFoundProblem(string kind, string id) =>
        Problems.Result(404, $"Unknown {kind}", $"This tenant has no {kind} '{id}'.");
}
