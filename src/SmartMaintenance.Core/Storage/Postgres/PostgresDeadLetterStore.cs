using Npgsql;

using SmartMaintenance.Domain;

using static SmartMaintenance.Storage.Postgres.PostgresCommands;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>Dead letters in PostgreSQL; a successful replay stamps <c>replayed_at</c>, a failed one only its error.</summary>
public sealed class PostgresDeadLetterStore(PostgresDatabase database) : IDeadLetterStore
{
    private const string Columns = "id, tenant_id, step, correlation_id, payload, error, attempts, created_at, replayed_at, replay_error";

    public async Task<DeadLetter> AddAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            """
            INSERT INTO dead_letters (tenant_id, step, correlation_id, payload, error, attempts, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
            """,
            letter.TenantId, letter.Step, letter.CorrelationId, letter.Payload, letter.Error, letter.Attempts, Utc(letter.CreatedAt));
        return letter with { Id = (long)(await command.ExecuteScalarAsync(cancellationToken))! };
    }

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(long tenantId, bool includeReplayed, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            $"SELECT {Columns} FROM dead_letters WHERE tenant_id = $1 AND ($2 OR replayed_at IS NULL) ORDER BY id DESC LIMIT $3",
            Read, cancellationToken, tenantId, includeReplayed, limit);
    }

    public async Task<DeadLetter?> FindAsync(long tenantId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync($"SELECT {Columns} FROM dead_letters WHERE tenant_id = $1 AND id = $2", Read, cancellationToken, tenantId, id);
        return rows.SingleOrDefault();
    }

    public async Task MarkReplayedAsync(long id, DateTimeOffset at, string? error, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            "UPDATE dead_letters SET replayed_at = CASE WHEN $3::text IS NULL THEN $2 ELSE replayed_at END, replay_error = $3 WHERE id = $1",
            cancellationToken, id, Utc(at), error);
    }

    private static DeadLetter Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt32(6), r.GetTime(7),
        r.GetNullableTime(8), r.GetNullableString(9));
}
