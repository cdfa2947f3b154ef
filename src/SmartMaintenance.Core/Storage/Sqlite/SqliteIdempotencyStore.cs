using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>Responses of batches sent with an <c>Idempotency-Key</c>, replayed when the key comes back.</summary>
public sealed class SqliteIdempotencyStore(SqliteDatabase database) : IIdempotencyStore
{
    public async Task<IdempotentResponse?> FindAsync(long tenantId, string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync(
            "SELECT request_hash, status, response FROM idempotency WHERE tenant_id = $t AND key = $key",
            r => new IdempotentResponse(r.GetString(0), r.GetInt32(1), r.GetString(2)), cancellationToken,
            ("$t", tenantId), ("$key", key));
        return rows.SingleOrDefault();
    }

    public async Task SaveAsync(long tenantId, string key, IdempotentResponse response, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO idempotency (tenant_id, key, request_hash, status, response, created_at)
            VALUES ($t, $key, $hash, $status, $response, $at) ON CONFLICT DO NOTHING
            """,
            cancellationToken, ("$t", tenantId), ("$key", key), ("$hash", response.RequestHash), ("$status", response.StatusCode),
            ("$response", response.Body), ("$at", UnixMicros.From(at)));
    }

    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(
            "DELETE FROM idempotency WHERE created_at < $before", cancellationToken, ("$before", UnixMicros.From(before)));
    }
}
