using Npgsql;

using SmartMaintenance.Domain;
using SmartMaintenance.Security;

using static SmartMaintenance.Storage.Postgres.PostgresCommands;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>API keys in PostgreSQL, found by the SHA-256 of their secret.</summary>
public sealed class PostgresApiKeyStore(PostgresDatabase database) : IApiKeyStore
{
    private const string Columns = "id, tenant_id, name, hint, role, scopes, auto_register, rate_limit, created_at, revoked_at";

    public async Task<ApiKey> CreateAsync(ApiKey key, string secretHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            """
            INSERT INTO api_keys (tenant_id, name, hint, secret_hash, role, scopes, auto_register, rate_limit, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (secret_hash) DO NOTHING
            RETURNING id
            """,
            key.TenantId, key.Name, key.Hint, secretHash, key.Role.ToString(), key.Scopes.ToArray(), key.AutoRegisterSensors, key.RateLimitPerSecond,
            Utc(key.CreatedAt));
        if (await command.ExecuteScalarAsync(cancellationToken) is long id)
        {
            return key with { Id = id };
        }

        // The same secret already exists (e.g. the seeded admin key at every start): return the stored key.
        return await FindBySecretHashAsync(secretHash, cancellationToken)
            ?? throw new InvalidOperationException("An API key with that secret exists but could not be read.");
    }

    public async Task<ApiKey?> FindBySecretHashAsync(string secretHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.ListAsync($"SELECT {Columns} FROM api_keys WHERE secret_hash = $1", Read, cancellationToken, secretHash)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(long tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync($"SELECT {Columns} FROM api_keys WHERE tenant_id = $1 ORDER BY id", Read, cancellationToken, tenantId);
    }

    public async Task<bool> RevokeAsync(long tenantId, long keyId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync("UPDATE api_keys SET revoked_at = $1 WHERE tenant_id = $2 AND id = $3 AND revoked_at IS NULL",
            cancellationToken, Utc(at), tenantId, keyId) > 0;
    }

    private static ApiKey Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), Enum.Parse<Role>(r.GetString(4)), r.GetFieldValue<string[]>(5), r.GetBoolean(6),
        r.IsDBNull(7) ? null : r.GetInt32(7), r.GetTime(8), r.GetNullableTime(9));
}
