using static SmartMaintenance.Storage.Postgres.PostgresCommands;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>Responses of batches sent with an <c>Idempotency-Key</c>, replayed when the key comes back; the first saved wins.</summary>
public sealed class PostgresIdempotencyStore(PostgresDatabase database) : IIdempotencyStore
{
    public async Task<IdempotentResponse?> FindAsync(long tenantId, string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync(
            "SELECT request_hash, status, response FROM idempotency WHERE tenant_id = $1 AND key = $2",
            r => new IdempotentResponse(r.GetString(0), r.GetInt32(1), r.GetString(2)), cancellationToken, tenantId, key);
        return rows.SingleOrDefault();
    }

    public async Task SaveAsync(long tenantId, string key, IdempotentResponse response, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO idempotency (tenant_id, key, request_hash, status, response, created_at)
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING
            """,
            cancellationToken, tenantId, key, response.RequestHash, response.StatusCode, response.Body, Utc(at));
    }

    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync("DELETE FROM idempotency WHERE created_at < $1", cancellationToken, Utc(before));
    }
}
