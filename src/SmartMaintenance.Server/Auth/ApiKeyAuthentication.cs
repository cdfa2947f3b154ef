using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;

using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

using SmartMaintenance.Security;
using SmartMaintenance.Server.Api;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Auth;

/// <summary>Authenticates machines by the secret in the <c>X-API-Key</c> header.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyCache keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-API-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return AuthenticateResult.NoResult();
        }

        var key = await keys.FindAsync(values[0]!, Context.RequestAborted);
        if (key is null || key.RevokedAt is not null)
        {
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(ToPrincipal(key), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Authentication required",
            $"Send a valid API key in the {HeaderName} header.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Not allowed",
            "This API key's role or scopes do not allow this operation.");

    private static ClaimsPrincipal ToPrincipal(ApiKey key)
    {
        var claims = new List<Claim>(8 + key.Scopes.Count)
        {
            new(ClaimTypes.NameIdentifier, key.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, key.Name),
            new(ClaimTypes.Role, key.Role.ToString()),
            new(SmxClaims.TenantId, key.TenantId.ToString(CultureInfo.InvariantCulture)),
            new(SmxClaims.AutoRegister, key.AutoRegisterSensors ? "true" : "false"),
        };
        if (key.RateLimitPerSecond is { } limit)
        {
            claims.Add(new Claim(SmxClaims.RateLimit, limit.ToString(CultureInfo.InvariantCulture)));
        }

        foreach (var scope in key.Scopes)
        {
            claims.Add(new Claim(SmxClaims.Scope, scope));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
    }
}

/// <summary>
/// Keys by the hash of their secret, cached briefly so each request costs a hash and a dictionary lookup, not a
/// query. A revocation on this node takes effect at once; one made on another node within the cache lifetime.
/// </summary>
internal sealed class ApiKeyCache(IApiKeyStore store, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (ApiKey? Key, DateTimeOffset Expires)> _byHash = new(StringComparer.Ordinal);

    public async ValueTask<ApiKey?> FindAsync(string secret, CancellationToken cancellationToken)
    {
        var hash = ApiKeySecret.Hash(secret);
        var now = time.GetUtcNow();
        if (_byHash.TryGetValue(hash, out var entry) && entry.Expires > now)
        {
            return entry.Key;
        }

        var key = await store.FindBySecretHashAsync(hash, cancellationToken);
        if (_byHash.Count > 100_000)
        {
            _byHash.Clear(); // bounded: a flood of random keys cannot grow the cache without limit
        }

        _byHash[hash] = (key, now + Lifetime);
        return key;
    }

    public void Forget(long keyId)
    {
        foreach (var (hash, entry) in _byHash)
        {
            if (entry.Key?.Id == keyId)
            {
                _byHash.TryRemove(hash, out _);
            }
        }
    }
}

/// <summary>Claim types of an authenticated key.</summary>
internal static class SmxClaims
{
    public const string TenantId = "smx:tenant";
    public const string Scope = "scope";
    public const string AutoRegister = "smx:auto_register";
    public const string RateLimit = "smx:rate_limit";

    public static long TenantIdOf(this ClaimsPrincipal user) =>
        long.Parse(user.FindFirstValue(TenantId) ?? throw new InvalidOperationException("No tenant claim."), CultureInfo.InvariantCulture);

    public static long KeyIdOf(this ClaimsPrincipal user) =>
        long.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!, CultureInfo.InvariantCulture);

    /// <summary>Who acts, as the audit trail names them: <c>key:</c> or <c>user:</c>, the id and the name.</summary>
    public static string ActorOf(this ClaimsPrincipal user) =>
        $"{(user.Identity?.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName ? "key" : "user")}:{user.KeyIdOf()}:{user.Identity?.Name}";

    public static bool IsPlatformAdmin(this ClaimsPrincipal user) =>
        user.IsInRole(nameof(Role.Admin)) && user.TenantIdOf() == Domain.Tenant.DefaultId;

    /// <summary>
    /// The tenant a request acts on: the caller's own, or the one it names (<c>tenant_id</c>) when the caller is a
    /// platform admin. False when anyone else names another tenant: the one rule for every endpoint that takes one.
    /// </summary>
    public static bool TryActOnTenant(this ClaimsPrincipal user, long? named, out long tenantId)
    {
        tenantId = user.TenantIdOf();
        if (named is not { } other || other == tenantId)
        {
            return true;
        }

        if (!user.IsPlatformAdmin())
        {
            return false;
        }

        tenantId = other;
        return true;
    }

    /// <summary>Why <see cref="TryActOnTenant"/> said no.</summary>
    public const string OtherTenantRefused = "Only admins of the default tenant act on other tenants.";
}
