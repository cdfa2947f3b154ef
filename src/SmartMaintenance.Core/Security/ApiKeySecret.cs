using System.Security.Cryptography;
using System.Text;

namespace SmartMaintenance.Security;

/// <summary>
/// Creates and hashes API key secrets. Secrets are 256-bit random values, so a single SHA-256 is the right
/// hash: there is nothing to brute-force that a slow password hash would protect.
/// </summary>
public static class ApiKeySecret
{
    public const string Prefix = "smx_";

    public static string Create()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Prefix + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static string Hash(string secret)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(secret), hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>
    /// The first characters of a secret, kept in clear so a person can tell keys apart: ten at most and never more than a
    /// quarter of it, so a secret a person chose (the seeded admin key) does not show most of itself.
    /// </summary>
    public static string Hint(string secret) => secret[..Math.Min(10, secret.Length / 4)];
}

/// <summary>A stored API key (never its secret).</summary>
public sealed record ApiKey(
    long Id,
    long TenantId,
    string Name,
    string Hint,
    Role Role,
    IReadOnlyList<string> Scopes,
    bool AutoRegisterSensors,
    int? RateLimitPerSecond,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt);
