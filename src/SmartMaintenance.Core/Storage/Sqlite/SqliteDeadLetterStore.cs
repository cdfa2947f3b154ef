using Microsoft.Data.Sqlite;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>Dead letters in SQLite; a successful replay stamps <c>replayed_at</c>, a failed one only its error.</summary>
public sealed class SqliteDeadLetterStore(SqliteDatabase database) : IDeadLetterStore
{
    private const string Columns = "id, tenant_id, step, correlation_id, payload, error, attempts, created_at, replayed_at, replay_error";

    public async Task<DeadLetter> AddAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            """
            INSERT INTO dead_letters (tenant_id, step, correlation_id, payload, error, attempts, created_at)
            VALUES ($t, $step, $c, $payload, $error, $attempts, $at) RETURNING id
            """,
            ("$t", letter.TenantId), ("$step", letter.Step), ("$c", letter.CorrelationId), ("$payload", letter.Payload),
            ("$error", letter.Error), ("$attempts", letter.Attempts), ("$at", UnixMicros.From(letter.CreatedAt)));
        return letter with { Id = (long)(await command.ExecuteScalarAsync(cancellationToken))! };
    }

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(long tenantId, bool includeReplayed, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            $"SELECT {Columns} FROM dead_letters WHERE tenant_id = $t AND ($all OR replayed_at IS NULL) ORDER BY id DESC LIMIT $limit",
            Read, cancellationToken, ("$t", tenantId), ("$all", includeReplayed), ("$limit", limit));
    }

    public async Task<DeadLetter?> FindAsync(long tenantId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync($"SELECT {Columns} FROM dead_letters WHERE tenant_id = $t AND id = $id",
            Read, cancellationToken, ("$t", tenantId), ("$id", id));
        return rows.SingleOrDefault();
    }

    public async Task MarkReplayedAsync(long id, DateTimeOffset at, string? error, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            "UPDATE dead_letters SET replayed_at = CASE WHEN $error IS NULL THEN $at ELSE replayed_at END, replay_error = $error WHERE id = $id",
            cancellationToken, ("$id", id), ("$at", UnixMicros.From(at)), ("$error", error));
    }

    private static DeadLetter Read(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt32(6), r.GetTime(7),
        r.IsDBNull(8) ? null : r.GetTime(8), r.GetNullableString(9));
}
