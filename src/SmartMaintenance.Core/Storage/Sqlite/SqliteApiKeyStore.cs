using Microsoft.Data.Sqlite;

using SmartMaintenance.Domain;
using SmartMaintenance.Security;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>API keys in SQLite, found by the SHA-256 of their secret.</summary>
public sealed class SqliteApiKeyStore(SqliteDatabase database) : IApiKeyStore
{
    private const string Columns = "id, tenant_id, name, hint, role, scopes, auto_register, rate_limit, created_at, revoked_at";

    public async Task<ApiKey> CreateAsync(ApiKey key, string secretHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            """
            INSERT INTO api_keys (tenant_id, name, hint, secret_hash, role, scopes, auto_register, rate_limit, created_at)
            VALUES ($t, $name, $hint, $hash, $role, $scopes, $auto, $rate, $at)
            ON CONFLICT (secret_hash) DO NOTHING
            RETURNING id
            """,
            ("$t", key.TenantId), ("$name", key.Name), ("$hint", key.Hint), ("$hash", secretHash), ("$role", key.Role.ToString()),
            ("$scopes", string.Join(' ', key.Scopes)), ("$auto", key.AutoRegisterSensors), ("$rate", key.RateLimitPerSecond),
            ("$at", UnixMicros.From(key.CreatedAt)));
        var id = await command.ExecuteScalarAsync(cancellationToken);
        if (id is long newId)
        {
            return key with { Id = newId };
        }

        // The same secret already exists (e.g. the seeded admin key at every start): return the stored key.
        return await FindBySecretHashAsync(secretHash, cancellationToken)
            ?? throw new InvalidOperationException("An API key with that secret exists but could not be read.");
    }

    public async Task<ApiKey?> FindBySecretHashAsync(string secretHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync(
            $"SELECT {Columns} FROM api_keys WHERE secret_hash = $hash", Read, cancellationToken, ("$hash", secretHash));
        return rows.SingleOrDefault();
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(long tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            $"SELECT {Columns} FROM api_keys WHERE tenant_id = $t ORDER BY id", Read, cancellationToken, ("$t", tenantId));
    }

    public async Task<bool> RevokeAsync(long tenantId, long keyId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(
            "UPDATE api_keys SET revoked_at = $at WHERE tenant_id = $t AND id = $id AND revoked_at IS NULL",
            cancellationToken, ("$at", UnixMicros.From(at)), ("$t", tenantId), ("$id", keyId)) > 0;
    }

    private static ApiKey Read(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), Enum.Parse<Role>(r.GetString(4)),
        r.GetString(5).Split(' ', StringSplitOptions.RemoveEmptyEntries), r.GetBoolean(6),
        r.IsDBNull(7) ? null : r.GetInt32(7), r.GetTime(8), r.IsDBNull(9) ? null : r.GetTime(9));
}
