using SmartMaintenance.Domain;
using SmartMaintenance.Security;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Auth;

/// <summary>
/// Issues and revokes API keys, for the REST API and the UI's users page alike: which scopes a role may hold, how the
/// secret is made and stored (hashed, with a hint), and that a revoked key stops working at once.
/// </summary>
internal sealed class ApiKeyIssuer(IApiKeyStore keys, ApiKeyCache cache, TimeProvider time)
{
    public const int MaxNameLength = 200;

    /// <summary>A new key and its secret, shown once; or why none was issued.</summary>
    public sealed record Issued(ApiKey? Key, string? Secret, string? Problem, string? ProblemTitle);

    public async Task<Issued> IssueAsync(
        long tenantId, string name, Role role, IReadOnlyList<string>? scopes, bool autoRegisterSensors, int? rateLimitPerSecond,
        CancellationToken cancellationToken)
    {
        name = name.Trim();
        if (name.Length is 0 or > MaxNameLength)
        {
            return new Issued(null, null, $"Give the key a name of 1 to {MaxNameLength} characters (what machine uses it).", "Invalid name");
        }

        var granted = scopes ?? Scopes.DefaultFor(role);
        if (granted.FirstOrDefault(s => !Scopes.All.Contains(s)) is { } unknown)
        {
            return new Issued(null, null, $"'{unknown}' is not a scope; known scopes: {string.Join(", ", Scopes.All)}.", "Unknown scope");
        }

        if (granted.FirstOrDefault(s => !Scopes.Allows(role, s)) is { } excess)
        {
            return new Issued(null, null, $"A {role.ToString().ToLowerInvariant()} key cannot hold '{excess}'.", "Scope beyond the role");
        }

        var secret = ApiKeySecret.Create();
        var key = await keys.CreateAsync(
            new ApiKey(0, tenantId, name, ApiKeySecret.Hint(secret), role, [.. granted.Distinct()], autoRegisterSensors, rateLimitPerSecond, time.GetUtcNow(), null),
            ApiKeySecret.Hash(secret), cancellationToken);
        return new Issued(key, secret, null, null);
    }

    /// <summary>Revokes the tenant's key; false when the tenant has no such active key. The key stops working at once.</summary>
    public async Task<bool> RevokeAsync(long tenantId, long keyId, CancellationToken cancellationToken)
    {
        if (!await keys.RevokeAsync(tenantId, keyId, time.GetUtcNow(), cancellationToken))
        {
            return false;
        }

        cache.Forget(keyId);
        return true;
    }
}
