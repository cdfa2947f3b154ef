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
        var group = app.MapGroup("/api/v1").WithTags("Administration")
            .RequireAuthorization(Scopes.Admin)
            .RequireRateLimiting(HttpPipelineExtensions.PerKeyRateLimit);

        group.MapGet("/tenants", async Task<Results<Ok<IReadOnlyList<Tenant>>, ProblemHttpResult>> (HttpContext c, ICatalogStore store) =>
            c.User.IsPlatformAdmin() ? TypedResults.Ok(await store.ListTenantsAsync(c.RequestAborted)) : NotPlatformAdmin());

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
        });

        group.MapGet("/api-keys", async (HttpContext c, IApiKeyStore keys, [FromQuery(Name = "tenant_id")] long? tenantId) =>
        {
            var tenant = c.User.IsPlatformAdmin() && tenantId is { } other ? other : c.User.TenantIdOf();
            return TypedResults.Ok((await keys.ListAsync(tenant, c.RequestAborted)).Select(ApiKeyResponse.From));
        });

        group.MapPost("/api-keys", CreateKeyAsync).WithSummary("Create an API key; its secret is returned only in this response");

        group.MapDelete("/api-keys/{keyId:long}", async Task<Results<NoContent, ProblemHttpResult>> (
            HttpContext c, IApiKeyStore keys, ApiKeyCache cache, TimeProvider time, long keyId, [FromQuery(Name = "tenant_id")] long? tenantId) =>
        {
            var tenant = c.User.IsPlatformAdmin() && tenantId is { } other ? other : c.User.TenantIdOf();
            if (!await keys.RevokeAsync(tenant, keyId, time.GetUtcNow(), c.RequestAborted))
            {
                return Problems.Result(404, "Unknown API key", $"This tenant has no active API key {keyId}.");
            }

            cache.Forget(keyId);
            return TypedResults.NoContent();
        });

        return app;
    }

    private static async Task<Results<Created<CreatedApiKeyResponse>, ProblemHttpResult>> CreateKeyAsync(
        HttpContext c, IApiKeyStore keys, ICatalogStore catalog, TimeProvider time, ApiKeyRequest body)
    {
        var tenantId = body.TenantId ?? c.User.TenantIdOf();
        if (tenantId != c.User.TenantIdOf() && !c.User.IsPlatformAdmin())
        {
            return NotPlatformAdmin();
        }

        if (await catalog.FindTenantAsync(tenantId, c.RequestAborted) is null)
        {
            return Problems.Result(404, "Unknown tenant", $"There is no tenant {tenantId}.");
        }

        var scopes = body.Scopes ?? Scopes.DefaultFor(body.Role);
        if (scopes.FirstOrDefault(s => !Scopes.All.Contains(s)) is { } unknown)
        {
            return Problems.Result(400, "Unknown scope", $"'{unknown}' is not a scope; known scopes: {string.Join(", ", Scopes.All)}.");
        }

        if (scopes.FirstOrDefault(s => !Scopes.Allows(body.Role, s)) is { } excess)
        {
            return Problems.Result(400, "Scope beyond the role", $"A {body.Role.ToString().ToLowerInvariant()} key cannot hold '{excess}'.");
        }

        var secret = ApiKeySecret.Create();
        var key = await keys.CreateAsync(new ApiKey(0, tenantId, body.Name, ApiKeySecret.Hint(secret), body.Role, scopes.Distinct().ToArray(),
            body.AutoRegisterSensors, body.RateLimitPerSecond, time.GetUtcNow(), null), ApiKeySecret.Hash(secret), c.RequestAborted);
        return TypedResults.Created($"/api/v1/api-keys/{key.Id}", new CreatedApiKeyResponse(ApiKeyResponse.From(key), secret));
    }

    private static ProblemHttpResult NotPlatformAdmin() =>
        Problems.Result(403, "Not allowed", "Only admins of the default tenant manage tenants and other tenants' keys.");
}
