using Microsoft.Data.Sqlite;

using SmartMaintenance.Domain;
using SmartMaintenance.Maintenance;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>
/// The audit trail in SQLite. Appends take the database's write lock (BEGIN IMMEDIATE), read the head, and write
/// the entries and the new head in one transaction, so the chain stays whole across processes sharing the file.
/// </summary>
public sealed class SqliteEventLog(SqliteDatabase database, TimeProvider time) : IEventLog
{
    private const string Columns = "seq, at, tenant_id, type, correlation_id, actor, payload, prev_hash, hash";

    public async Task<IReadOnlyList<AuditEntry>> AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var (sequence, previous) = await ReadHeadAsync(connection, cancellationToken);
        var at = UnixMicros.From(time.GetUtcNow());
        var appended = new List<AuditEntry>(events.Count);
        await using var insert = connection.Command(
            $"INSERT INTO audit_events ({Columns}) VALUES ($seq, $at, $t, $type, $c, $actor, $payload, $prev, $hash)");
        foreach (var e in events)
        {
            sequence++;
            var hash = AuditChain.Hash(sequence, at, e, previous);
            insert.Parameters.Clear();
            insert.Parameters.AddWithValue("$seq", sequence);
            insert.Parameters.AddWithValue("$at", at);
            insert.Parameters.AddWithValue("$t", e.TenantId);
            insert.Parameters.AddWithValue("$type", e.Type);
            insert.Parameters.AddWithValue("$c", e.CorrelationId);
            insert.Parameters.AddWithValue("$actor", e.Actor);
            insert.Parameters.AddWithValue("$payload", e.Payload);
            insert.Parameters.AddWithValue("$prev", previous);
            insert.Parameters.AddWithValue("$hash", hash);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            appended.Add(new AuditEntry(sequence, UnixMicros.ToDateTimeOffset(at), e.TenantId, e.Type, e.CorrelationId, e.Actor,
                e.Payload, previous, hash));
            previous = hash;
        }

        await connection.ExecuteAsync(
            "INSERT INTO audit_head (id, seq, hash) VALUES (1, $seq, $hash) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            cancellationToken, ("$seq", sequence), ("$hash", previous));
        await transaction.CommitAsync(cancellationToken);
        return appended;
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(
        long tenantId, string? correlationId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var filter = correlationId is null ? "" : "AND correlation_id = $c";
        return await connection.ListAsync(
            $"SELECT {Columns} FROM audit_events WHERE tenant_id = $t {filter} AND seq > $after ORDER BY seq LIMIT $limit",
            Read, cancellationToken, ("$t", tenantId), ("$c", correlationId), ("$after", afterSequence), ("$limit", limit));
    }

    public async Task<IReadOnlyList<AuditEntry>> ListLatestAsync(
        long tenantId, IReadOnlyCollection<string> types, int limit, CancellationToken cancellationToken)
    {
        if (types.Count == 0)
        {
            return [];
        }

        // One backward range scan of the (tenant, type, seq) index per type, each at most the limit: cheap however long the trail.
        var parameters = new List<(string, object?)> { ("$t", tenantId), ("$limit", limit) };
        var parts = new List<string>(types.Count);
        foreach (var type in types)
        {
            var name = $"$type{parts.Count}";
            parameters.Add((name, type));
            parts.Add($"SELECT * FROM (SELECT {Columns} FROM audit_events WHERE tenant_id = $t AND type = {name} ORDER BY seq DESC LIMIT $limit)");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync($"{string.Join(" UNION ALL ", parts)} ORDER BY seq DESC LIMIT $limit",
            Read, cancellationToken, [.. parameters]);
    }

    public async Task<AuditVerification> VerifyAsync(long? tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // One read transaction: the chain and the head are checked as of the same moment, even while others append.
        await using var transaction = connection.BeginTransaction(deferred: true);
        await using var command = connection.Command($"SELECT {Columns} FROM audit_events ORDER BY seq");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var check = new AuditTrailCheck(tenantId);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (check.Next(Read(reader)) is { } broken)
            {
                return broken;
            }
        }

        var (headSequence, headHash) = await ReadHeadAsync(connection, cancellationToken);
        return check.End(headSequence, headHash);
    }

    private static async Task<(long Sequence, string Hash)> ReadHeadAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var head = await connection.ListAsync("SELECT seq, hash FROM audit_head WHERE id = 1",
            r => (r.GetInt64(0), r.GetString(1)), cancellationToken);
        return head.Count == 0 ? (0, AuditChain.Genesis) : head[0];
    }

    private static AuditEntry Read(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetTime(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
        r.GetString(7), r.GetString(8));
}
