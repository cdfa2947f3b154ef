using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

using SmartMaintenance.Domain;
using SmartMaintenance.Security;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Server.Hosting;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Api;

/// <summary>Tenants (platform admins only) and API keys (admins, within their tenant; platform admins for any).</summary>
internal static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiArea("Administration", scope: Scopes.Admin);

        group.MapGet("/tenants", async Task<Results<Ok<IReadOnlyList<Tenant>>, ProblemHttpResult>> (HttpContext c, ICatalogStore store) =>
            c.User.IsPlatformAdmin() ? TypedResults.Ok(await store.ListTenantsAsync(c.RequestAborted)) : NotPlatformAdmin()).WithName("ListTenants").WithSummary("Every tenant (platform admins)");

        group.MapPost("/tenants", async Task<Results<Created<Tenant>, ProblemHttpResult>> (HttpContext c, ICatalogStore store, TenantRequest body) =>
        {
            if (!c.User.IsPlatformAdmin())
            {
                return NotPlatformAdmin();
            }

            if ((await store.ListTenantsAsync(c.RequestAborted)).Any(t => t.Slug == body.Slug))
            {
                return Problems.Result(409, "The tenant exists", $"A tenant '{body.Slug}' exists already.");
            }

            var tenant = await store.CreateTenantAsync(body.Slug, body.Name, c.RequestAborted);
            return TypedResults.Created($"/api/v1/tenants/{tenant.Id}", tenant);
        }).WithName("CreateTenant").WithSummary("Create a tenant (platform admins)");

        group.MapGet("/api-keys", async Task<Results<Ok<IEnumerable<ApiKeyResponse>>, ProblemHttpResult>> (
            HttpContext c, IApiKeyStore keys, [FromQuery(Name = "tenant_id")] long? tenantId) =>
            c.User.TryActOnTenant(tenantId, out var tenant)
                ? TypedResults.Ok((await keys.ListAsync(tenant, c.RequestAborted)).Select(ApiKeyResponse.From))
                : NotPlatformAdmin()).WithName("ListApiKeys").WithSummary("The tenant's API keys, without their secrets; tenant_id for platform admins");

        group.MapPost("/api-keys", CreateKeyAsync).WithName("CreateApiKey").WithSummary("Create an API key; its secret is returned only in this response");

        group.MapDelete("/api-keys/{keyId:long}", async Task<Results<NoContent, ProblemHttpResult>> (
            HttpContext c, ApiKeyIssuer issuer, long keyId, [FromQuery(Name = "tenant_id")] long? tenantId) =>
        {
            if (!c.User.TryActOnTenant(tenantId, out var tenant))
            {
                return NotPlatformAdmin();
            }

            return await issuer.RevokeAsync(tenant, keyId, c.RequestAborted)
                ? TypedResults.NoContent()
                : Problems.Result(404, "Unknown API key", $"This tenant has no active API key {keyId}.");
        }).WithName("RevokeApiKey").WithSummary("Revoke an API key: it stops working at once");

        return app;
    }

    private static async Task<Results<Created<CreatedApiKeyResponse>, ProblemHttpResult>> CreateKeyAsync(
        HttpContext c, ApiKeyIssuer issuer, ICatalogStore catalog, ApiKeyRequest body)
    {
        if (!c.User.TryActOnTenant(body.TenantId, out var tenantId))
        {
            return NotPlatformAdmin();
        }

        if (await catalog.FindTenantAsync(tenantId, c.RequestAborted) is null)
        {
            return Problems.Result(404, "Unknown tenant", $"There is no tenant {tenantId}.");
        }

        var issued = await issuer.IssueAsync(tenantId, body.Name, body.Role, body.Scopes, body.AutoRegisterSensors, body.RateLimitPerSecond, c.RequestAborted);
        return issued is { Key: { } key, Secret: { } secret }
            ? TypedResults.Created($"/api/v1/api-keys/{key.Id}", new CreatedApiKeyResponse(ApiKeyResponse.From(key), secret))
            : Problems.Result(400, issued.ProblemTitle!, issued.Problem!);
    }

    private static ProblemHttpResult NotPlatformAdmin() =>
        Problems.Result(403, "Not allowed", SmxClaims.OtherTenantRefused);
}
